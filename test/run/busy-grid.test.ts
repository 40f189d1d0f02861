// A run given no --concurrency on a grid whose only slot is busy: it waits for the slot (as
// back-to-back CI runs meet it, the previous session not yet reported closed) instead of
// refusing the grid.
import assert from 'node:assert/strict';

import { join } from 'node:path';
import { Builder } from 'selenium-webdriver';
import { HttpHubClient } from '../../src/grid/hub-client.ts';
import { startLocalGrid, type LocalGrid } from '../../src/grid/local-grid.ts';
import { waitFor } from '../../src/wait.ts';
import { gridCapabilities } from '../../src/session/grid-sessions.ts';
import { runCli } from '../helpers/cli.ts';
import { serveLoginPages, type CountingServer } from '../helpers/pages.ts';
import { readResults, writeList } from '../helpers/run-outputs.ts';
import { tempDir } from '../helpers/temp.ts';

describe('run on a grid with no free slot (real grid)', function () {
  this.timeout(180_000);
  let grid: LocalGrid;
  let pages: CountingServer;
  before(async () => {
    pages = await serveLoginPages({ delayMs: 10 });
    grid = await startLocalGrid({ nodes: 1, slots: 1, port: 0, stateDir: await tempDir('grid-run-busy-grid-') });
  });
  after(async () => {
    await grid?.stop();
    await pages?.close();
  });

  it('waits for the busy slot to free, then runs every site on it (exit 0)', async () => {
    const dir = await tempDir('grid-run-busy-');
    const list = await writeList(dir, [
      { id: 'busy/a', url: `${pages.url}/login?a`, expect: { login: true } },
      { id: 'busy/b', url: `${pages.url}/login?b`, expect: { login: true } },
    ]);
    const other = await new Builder().usingServer(grid.hubUrl).withCapabilities(gridCapabilities()).build();
    const hub = new HttpHubClient(grid.hubUrl, { timeoutMs: 2000 });
    await waitFor(async () => ((await hub.summary()).freeSlots === 0 ? true : undefined), { what: 'the slot busy', timeoutMs: 30_000 });
    const run = runCli(['run', '--grid', grid.hubUrl, '--sites', list, '--screenshots', 'none'], { cwd: dir, env: { PATH: process.env.PATH } });
    // The run has met the busy slot by the time the other session ends.
    await new Promise((resolve) => setTimeout(resolve, 3000));
    await other.quit();
    const { code, stdout, stderr } = await run;
    assert.equal(code, 0, stdout + stderr);
    const { results } = await readResults(join(dir, 'results.json'));
    assert.deepEqual(
      results.map((r) => [r.id, r.status]),
      [
        ['busy/a', 'passed'],
        ['busy/b', 'passed'],
      ],
    );
  });
});
