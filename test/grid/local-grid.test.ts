import assert from 'node:assert/strict';

import { Builder, By } from 'selenium-webdriver';
import { createServer, type Server } from 'node:net';
import { readState, startLocalGrid } from '../../src/grid/local-grid.ts';
import { canListen, freePort } from '../../src/grid/ports.ts';
import { HttpHubClient } from '../../src/grid/hub-client.ts';
import { gridCapabilities } from '../../src/session/grid-sessions.ts';
import { runCli } from '../helpers/cli.ts';
import { pagesForSuite } from '../helpers/pages.ts';
import { processesInGroups } from '../helpers/processes.ts';
import { tempDir } from '../helpers/temp.ts';

describe('grid up / status / down (real Selenium Grid)', function () {
  this.timeout(180_000);
  const pages = pagesForSuite({ '/login': '<form><input name=user><input type=password id=pw><button>Sign in</button></form>' });
  let stateDir: string;
  before(async () => (stateDir = await tempDir('grid-run-grid-')));

  after(async () => runCli(['grid', 'down', '--state-dir', stateDir]));

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
      await driver.get(`${pages().url}/login`);
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

  it('refuses a --port something listens on, and starts nothing', async () => {
    await withListener(async (port) => {
      const dir = await tempDir('grid-run-grid-taken-');
      const up = await runCli(['grid', 'up', '--nodes', '1', '--port', String(port), '--state-dir', dir]);
      assert.equal(up.code, 2, up.stderr);
      assert.match(up.stderr, new RegExp(`--port ${port}: something already listens on 127\\.0\\.0\\.1:${port}`));
      assert.doesNotMatch(up.stderr, /\n\s+at /, 'no stack trace');
      assert.equal(await readState(dir), undefined, 'no state file: nothing was started');
    });
  });

  it("refuses a --port that fetch refuses to connect to (6668), and starts nothing", async () => {
    const dir = await tempDir('grid-run-grid-bad-port-');
    const up = await runCli(['grid', 'up', '--nodes', '1', '--port', '6668', '--state-dir', dir]);
    assert.equal(up.code, 2, up.stderr);
    assert.match(up.stderr, /--port 6668 is one of the ports HTTP clients refuse to connect to/);
    assert.doesNotMatch(up.stderr, /\n\s+at /, 'no stack trace');
    assert.equal(await readState(dir), undefined, 'no state file: nothing was started');
  });

  it('a start that gives up stops what it started and leaves no state for status to find', async () => {
    const dir = await tempDir('grid-run-grid-gives-up-');
    const started: number[] = [];
    await assert.rejects(
      startLocalGrid({ nodes: 1, slots: 1, port: 0, stateDir: dir, readyTimeoutMs: 1, onProcess: (p) => started.push(p.pid) }),
      /gave up waiting for the local grid/,
    );
    assert.equal(started.length, 2, 'the hub and the node were started');
    assert.deepEqual(processesInGroups(started), [], 'no process of the grid is left');
    assert.equal(await readState(dir), undefined, 'no state file');
    const status = await runCli(['grid', 'status', '--state-dir', dir]);
    assert.equal(status.code, 2, status.stderr);
    assert.match(status.stderr, /no local grid is running/);
  });

  it('starts again on other ports when a port it picked is taken before the hub binds it', async () => {
    await withListener(async (taken) => {
      const picked: number[] = [];
      const grid = await startLocalGrid({
        nodes: 1,
        slots: 1,
        port: 0,
        stateDir: await tempDir('grid-run-grid-retry-'),
        // The first pick, the hub's port, is one a server took meanwhile.
        pickPort: async (host) => (picked.push(picked.length === 0 ? taken : await freePort(host)), picked.at(-1)!),
      });
      try {
        assert.equal(picked[0], taken);
        assert.notEqual(new URL(grid.hubUrl).port, String(taken), 'the hub is on a port picked after the failure');
        assert.ok(picked.indexOf(Number(new URL(grid.hubUrl).port)) > 0, `a second set of ports was picked: ${picked.join(' ')}`);
        const summary = await new HttpHubClient(grid.hubUrl).summary();
        assert.equal(summary.totalSlots, 1);
        assert.ok(processesInGroups(grid.processes.map((p) => p.pid)).length > 0, 'the grid is running');
      } finally {
        await grid.stop();
      }
      assert.deepEqual(processesInGroups(grid.processes.map((p) => p.pid)), [], 'no process of the grid is left');
    });
  });

  it("puts the event bus on the hub's port minus 2 and minus 1 (Selenium's convention), and says so in status", async () => {
    const dir = await tempDir('grid-run-grid-bus-');
    const up = await runCli(['grid', 'up', '--nodes', '1', '--slots', '1', '--port', '0', '--state-dir', dir]);
    assert.equal(up.code, 0, up.stderr);
    try {
      const state = (await readState(dir))!;
      const port = Number(new URL(state.hubUrl).port);
      assert.deepEqual(state.eventBus, { publish: port - 2, subscribe: port - 1 });
      const status = await runCli(['grid', 'status', '--state-dir', dir]);
      assert.equal(status.code, 0, status.stderr);
      assert.match(status.stdout, new RegExp(`^event bus tcp://127\\.0\\.0\\.1:${port - 2} \\(publish\\), tcp://127\\.0\\.0\\.1:${port - 1} \\(subscribe\\)$`, 'm'));
      const json = JSON.parse((await runCli(['grid', 'status', '--state-dir', dir, '--json'])).stdout) as { eventBus: unknown };
      assert.deepEqual(json.eventBus, { host: '127.0.0.1', publish: port - 2, subscribe: port - 1 });
    } finally {
      await runCli(['grid', 'down', '--state-dir', dir]);
    }
  });

  it('moves only a taken event bus port elsewhere, and the grid works', async () => {
    await withListener(async (taken) => {
      const hubPort = taken + 2;
      assert.ok(await canListen('127.0.0.1', hubPort) && (await canListen('127.0.0.1', taken + 1)), `ports ${taken + 1} and ${hubPort} must be free for this test`);
      const grid = await startLocalGrid({ nodes: 1, slots: 1, port: hubPort, stateDir: await tempDir('grid-run-grid-bus-taken-') });
      try {
        assert.notEqual(grid.eventBus.publish, taken, 'the taken port is not used');
        assert.equal(grid.eventBus.subscribe, hubPort - 1, 'the free one is');
        assert.equal((await new HttpHubClient(grid.hubUrl).summary()).totalSlots, 1, 'the node registered over the bus');
      } finally {
        await grid.stop();
      }
    });
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

/** Runs `body` with a port that a server on 127.0.0.1 listens on meanwhile. */
async function withListener(body: (port: number) => Promise<void>): Promise<void> {
  const server: Server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  try {
    await body((server.address() as { port: number }).port);
  } finally {
    server.close();
  }
}
