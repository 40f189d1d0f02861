import assert from 'node:assert/strict';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Builder, By } from 'selenium-webdriver';
import { readState } from '../../src/grid/local-grid.ts';
import { HttpHubClient } from '../../src/grid/hub-client.ts';
import { gridCapabilities } from '../../src/session/grid-sessions.ts';
import { runCli } from '../helpers/cli.ts';
import { servePages, type PageServer } from '../helpers/pages.ts';
import { processesInGroups } from '../helpers/processes.ts';

describe('grid up / status / down (real Selenium Grid)', function () {
  this.timeout(180_000);
  let stateDir: string;
  let pages: PageServer;

  before(async () => {
    stateDir = await mkdtemp(join(tmpdir(), 'grid-run-grid-'));
    pages = await servePages({ '/login': '<form><input name=user><input type=password id=pw><button>Sign in</button></form>' });
  });

  after(async () => {
    await runCli(['grid', 'down', '--state-dir', stateDir]);
    await pages.close();
  });

  it('starts a hub and 2 nodes, serves a session, and stops every process it started', async () => {
    const up = await runCli(['grid', 'up', '--nodes', '2', '--slots', '2', '--port', '0', '--state-dir', stateDir]);
    assert.equal(up.code, 0, up.stderr);
    const state = await readState(stateDir);
    assert.ok(state, 'state file written');
    assert.equal(state.processes.filter((p) => p.role === 'node').length, 2);

    const status = await runCli(['grid', 'status', '--state-dir', stateDir]);
    assert.equal(status.code, 0, status.stderr);
    assert.match(status.stdout, /nodes 2, slots 4 \(4 free\), sessions 0/);
    assert.equal(status.stdout.match(/^ {2}UP /gm)?.length, 2);

    const driver = await new Builder().usingServer(state.hubUrl).withCapabilities(gridCapabilities()).build();
    try {
      await driver.get(`${pages.url}/login`);
      const field = await driver.findElement(By.css('input[type=password]'));
      assert.equal(await field.getAttribute('id'), 'pw');
      const summary = await new HttpHubClient(state.hubUrl).summary();
      assert.equal(summary.busySlots, 1, 'the hub counts the running session');
    } finally {
      await driver.quit();
    }

    const groups = state.processes.map((p) => p.pid);
    assert.ok(processesInGroups(groups).length >= 3, 'hub and nodes are running');
    const down = await runCli(['grid', 'down', '--state-dir', stateDir]);
    assert.equal(down.code, 0, down.stderr);
    assert.deepEqual(processesInGroups(groups), [], 'no process of the grid is left');
    assert.equal(await readState(stateDir), undefined, 'state file removed');

    const again = await runCli(['grid', 'down', '--state-dir', stateDir]);
    assert.equal(again.code, 0);
    assert.match(again.stdout, /no local grid is running/);
  });

  it('status without a grid is a usage error', async () => {
    const r = await runCli(['grid', 'status', '--state-dir', stateDir]);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /no local grid is running/);
  });

  it('status of a hub that does not answer is an infrastructure error', async () => {
    const r = await runCli(['grid', 'status', '--hub', 'http://127.0.0.1:1']);
    assert.equal(r.code, 3);
    assert.match(r.stderr, /hub http:\/\/127\.0\.0\.1:1 did not answer/);
  });
});
