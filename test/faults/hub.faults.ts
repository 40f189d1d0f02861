// The hub killed mid-run and started again on the same ports: the run either resumes, or
// ends with exit 3 and a complete JUnit in which the sites it could not finish are errors.
import assert from 'node:assert/strict';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startLocalGrid, type LocalGrid } from '../../src/grid/local-grid.ts';
import { stopProcessGroup } from '../../src/grid/processes.ts';
import type { GridProcess } from '../../src/grid/local-grid.ts';
import { runCli } from '../helpers/cli.ts';
import { serveLoginPages, type CountingServer } from '../helpers/pages.ts';
import { writeList } from '../helpers/run-outputs.ts';
import { checkRun } from './check.ts';
import { killHub, restartHub, sleep, waitForProgress } from './grid.ts';

describe('faults: hub killed mid-run', function () {
  this.timeout(600_000);
  let pages: CountingServer;
  let grid: LocalGrid | undefined;
  let restarted: GridProcess | undefined;
  before(async () => {
    pages = await serveLoginPages({ delayMs: 150 });
  });
  after(async () => {
    if (restarted) await stopProcessGroup(restarted.pid);
    await grid?.stop();
    await pages?.close();
  });

  it('killed and restarted: the run resumes, or ends with exit 3 and every unfinished site an error', async () => {
    const stateDir = await mkdtemp(join(tmpdir(), 'grid-run-faults-grid-'));
    grid = await startLocalGrid({ nodes: 2, slots: 1, port: 0, stateDir });
    const dir = await mkdtemp(join(tmpdir(), 'grid-run-faults-hub-'));
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
    const resumed = r.code === 0;
    const { results } = await checkRun(`hub killed, restarted (${resumed ? 'resumed' : 'ended'})`, {
      dir,
      ids,
      code: r.code,
      expectedCodes: [0, 3],
      output: r.stderr + r.stdout,
    });
    if (resumed) {
      assert.ok(results.every((x) => x.status === 'passed'));
      assert.ok(results.some((x) => Date.parse(x.attempts.at(-1)!.startedAt) > killedAt + 3000), 'sites ran on the restarted hub');
    } else {
      const unfinished = results.filter((x) => x.status !== 'passed');
      assert.ok(unfinished.length > 0);
      for (const x of unfinished) assert.equal(x.status, 'error', `${x.id}: an unfinished site is an error (${x.message})`);
      for (const x of unfinished) assert.ok(x.message, `${x.id} says why`);
    }
  });
});
