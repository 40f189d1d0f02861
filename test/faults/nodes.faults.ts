// Nodes dying mid-run: the run finishes on what is left, every site reported once.
import assert from 'node:assert/strict';

import { HttpHubClient } from '../../src/grid/hub-client.ts';
import { startLocalGrid, type LocalGrid } from '../../src/grid/local-grid.ts';
import { runCli } from '../helpers/cli.ts';
import { serveLoginPages, type CountingServer } from '../helpers/pages.ts';
import { writeList } from '../helpers/run-outputs.ts';
import { checkRun } from './check.ts';
import { killBusyNode, waitForProgress } from './grid.ts';
import { tempDir } from '../helpers/temp.ts';

describe('faults: nodes killed mid-run', function () {
  this.timeout(600_000);
  let pages: CountingServer;
  let grid: LocalGrid | undefined;
  before(async () => {
    pages = await serveLoginPages({ delayMs: 150 });
  });
  afterEach(async () => {
    await grid?.stop();
    grid = undefined;
  });
  after(async () => pages?.close());

  /** A run over `sites` on a grid of `nodes` one-slot nodes, killing `kills` busy nodes one after another. */
  async function runKilling(name: string, options: { nodes: number; sites: number; kills: number }) {
    grid = await startLocalGrid({ nodes: options.nodes, slots: 1, port: 0, stateDir: await tempDir('grid-run-faults-grid-') });
    const dir = await tempDir('grid-run-faults-nodes-');
    const ids = Array.from({ length: options.sites }, (_, i) => `nodes-${options.kills}/${i}`);
    const list = await writeList(dir, ids.map((id) => ({ id, url: `${pages.url}/login?${id}`, expect: { login: true } })));
    const hub = new HttpHubClient(grid.hubUrl);
    const running = runCli(['run', '--grid', grid.hubUrl, '--sites', list, '--screenshots', 'none'], { cwd: dir, env: { PATH: process.env.PATH, CI: 'true' } });
    const killed: { uri: string; at: number }[] = [];
    for (let k = 0; k < options.kills; k++) {
      await waitForProgress(pages.served, pages.served(), k === 0 ? 6 : 4);
      killed.push(await killBusyNode(grid, hub, killed.map((x) => x.uri)));
    }
    const r = await running;
    const { results } = await checkRun(name, { dir, ids, code: r.code, expectedCodes: [0], output: r.stderr + r.stdout });
    assert.ok(results.every((x) => x.status === 'passed'), 'every site passed');
    // Nothing is reported done on a dead node after it died.
    for (const { uri, at } of killed) {
      for (const x of results) {
        for (const a of x.attempts.filter((t) => t.node === uri && t.status !== 'error')) {
          assert.ok(Date.parse(a.startedAt) + a.durationMs <= at + 1000, `${x.id} done on the killed node ${uri} after the kill`);
        }
      }
    }
    return { results, killed };
  }

  it('one node of two killed: the run finishes on the other', async () => {
    await runKilling('node killed (1 of 2)', { nodes: 2, sites: 30, kills: 1 });
  });

  it('two nodes of three killed: the run finishes on the survivor', async () => {
    const { results, killed } = await runKilling('nodes killed (2 of 3)', { nodes: 3, sites: 36, kills: 2 });
    const lastKill = Math.max(...killed.map((x) => x.at));
    const late = results.filter((x) => Date.parse(x.attempts.at(-1)!.startedAt) > lastKill + 1000);
    assert.ok(late.length > 0, 'sites ran after the second kill');
    for (const x of late) assert.ok(x.node && !killed.some((k) => k.uri === x.node), `${x.id} ran on the survivor, not on ${x.node}`);
  });
});
