// SIGKILL of the CLI mid-run (an out-of-memory kill, a CI runner torn down): the CLI cannot
// clean up, so its reaper does. Within the bound (30 s) no process of the run is left: not the
// hub, not the node, not their chromedriver or Chromium.
import assert from 'node:assert/strict';

import { serveLoginPages } from '../helpers/pages.ts';
import { forSuite } from '../helpers/suite.ts';
import { embeddedGridGroups, processesInGroups, reaperFinished, spawnGridRun } from '../helpers/processes.ts';
import { writeList } from '../helpers/run-outputs.ts';
import { record } from './table.ts';
import { sleep, waitForProgress } from './grid.ts';
import { tempDir } from '../helpers/temp.ts';

const boundMs = 30_000;

describe('faults: the CLI killed with SIGKILL', function () {
  this.timeout(600_000);
  const pages = forSuite(() => serveLoginPages({ delayMs: 150 }), (p) => p.close());

  it(`SIGKILL mid-run: no process of the run is left ${boundMs / 1000} s later`, async () => {
    const dir = await tempDir('grid-run-faults-kill-');
    const temp = await tempDir('grid-run-faults-kill-tmp-');
    const ids = Array.from({ length: 30 }, (_, i) => `kill/${i}`);
    const list = await writeList(dir, ids.map((id) => ({ id, url: `${pages().url}/login?${id}`, expect: { login: true } })));
    const from = pages().served();
    const run = spawnGridRun(['run', '--sites', list, '--nodes', '1', '--slots', '2', '--screenshots', 'none'], { cwd: dir, tmpdir: temp });
    await waitForProgress(pages().served, from, 4);
    const groups = await embeddedGridGroups(temp);
    assert.ok(processesInGroups(groups).length >= 3, 'hub, node and browsers run before the kill');
    run.child.kill('SIGKILL');
    const code = await run.exited;
    const row = { case: 'SIGKILL mid-run (outputs: none possible)', sites: ids.length, lost: '-', duplicated: '-', exitCode: `${code ?? 'SIGKILL'}` };
    record(row);
    const deadline = Date.now() + boundMs;
    while (processesInGroups(groups).length > 0 && Date.now() < deadline) await sleep(500);
    assert.deepEqual(processesInGroups(groups), [], `no process of the run left ${boundMs / 1000} s after the kill\n${run.output().slice(-2000)}`);
    assert.equal(await reaperFinished(temp), 'reaped', 'the reaper removed them');
  });
});
