// The hub killed mid-run and started again on the same ports: the run resumes there.
import assert from 'node:assert/strict';

import { startLocalGrid, type LocalGrid } from '../../src/grid/local-grid.ts';
import { stopProcessGroup } from '../../src/grid/processes.ts';
import type { GridProcess } from '../../src/grid/local-grid.ts';
import { runCli } from '../helpers/cli.ts';
import { serveLoginPages, type CountingServer } from '../helpers/pages.ts';
import { writeList } from '../helpers/run-outputs.ts';
import { checkRun } from './check.ts';
import { killHub, restartHub, sleep, waitForProgress } from './grid.ts';
import { tempDir } from '../helpers/temp.ts';

describe('faults: hub killed mid-run', function () {
  this.timeout(600_000);
  let pages: CountingServer;
  let grid: LocalGrid | undefined;
  let restarted: GridProcess | undefined;
  before(async () => {
    pages = await serveLoginPages({ delayMs: 150 });
  });
  // The grid's state folder is the test's own: the grid stops before it is removed.
  afterEach(async () => {
    if (restarted) await stopProcessGroup(restarted.pid);
    await grid?.stop();
  });
  after(async () => pages?.close());

  it('killed and restarted: the run resumes on the restarted hub and every site passes (exit 0)', async () => {
    const stateDir = await tempDir('grid-run-faults-grid-');
    grid = await startLocalGrid({ nodes: 2, slots: 1, port: 0, stateDir });
    const dir = await tempDir('grid-run-faults-hub-');
    const ids = Array.from({ length: 40 }, (_, i) => `hub-kill/${i}`);
    const list = await writeList(dir, ids.map((id) => ({ id, url: `${pages.url}/login?${id}`, expect: { login: true } })));
    const from = pages.served();
    const running = runCli(['run', '--grid', grid.hubUrl, '--sites', list, '--screenshots', 'none'], { cwd: dir, env: { PATH: process.env.PATH, CI: 'true' } });
    await waitForProgress(pages.served, from, 8);
    killHub(grid);
    const killedAt = Date.now();
    await sleep(3000);
    restarted = restartHub(grid, stateDir);
    const r = await running;
    // The nodes register again with the restarted hub within the session-open budget, so the
    // run resumes: the sites the kill broke go back to the queue once and pass on the new hub.
    const { results } = await checkRun('hub killed, restarted', { dir, ids, code: r.code, expectedCodes: [0], output: r.stderr + r.stdout });
    assert.ok(results.every((x) => x.status === 'passed'), 'every site passed');
    assert.ok(results.some((x) => Date.parse(x.attempts.at(-1)!.startedAt) > killedAt + 3000), 'sites ran on the restarted hub');
  });
});
