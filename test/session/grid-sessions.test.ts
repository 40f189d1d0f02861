// GridSessionFactory's dealings with nodes directly (no browser): ending a lost session at its
// node, and telling a dead node from a live one.
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { Session } from '../../src/dispatch/session-factory.ts';
import type { HubClient } from '../../src/grid/hub-client.ts';
import { freePort } from '../../src/grid/ports.ts';
import { GridSessionFactory, localDebuggerAddress } from '../../src/session/grid-sessions.ts';
import { defaultSiteRunOptions } from '../../src/session/run-site.ts';
import { waitFor } from '../../src/wait.ts';
import { startFakeWebDriver } from '../bench/fake-webdriver.ts';

const hub: HubClient = {
  url: 'http://127.0.0.1:1',
  status: async () => ({ ready: true, message: '', nodes: [] }),
  summary: async () => ({ ready: true, message: '', nodes: [], queueSize: 0, totalSlots: 0, busySlots: 0, freeSlots: 0 }),
  drain: async () => undefined,
  removeNode: async () => undefined,
};

const session = (node: string | undefined): Session => ({
  id: 'f00d',
  node,
  run: async () => ({ status: 'passed', timings: { loadMs: 0, stepsMs: 0, detectMs: 0, totalMs: 0 } }),
  reset: async () => undefined,
  close: async () => undefined,
});

describe('GridSessionFactory and nodes', () => {
  let node: Server;
  let nodeUrl: string;
  const requests: string[] = [];
  before(async () => {
    node = createServer((req, res) => {
      requests.push(`${req.method} ${req.url}`);
      res.writeHead(200, { 'content-type': 'application/json' }).end('{"value": null}');
    });
    await new Promise<void>((resolve) => node.listen(0, '127.0.0.1', resolve));
    nodeUrl = `http://127.0.0.1:${(node.address() as { port: number }).port}`;
  });
  after(() => new Promise<void>((resolve) => node.close(() => resolve())));

  it('ends a lost session at its node too, so a restarted hub gets the slot back', async () => {
    new GridSessionFactory({ hub, run: defaultSiteRunOptions }).lost(session(nodeUrl));
    for (let i = 0; i < 100 && !requests.includes('DELETE /session/f00d'); i++) await new Promise((r) => setTimeout(r, 20));
    assert.ok(requests.includes('DELETE /session/f00d'), requests.join(', '));
  });

  it('a node that answers its /status is not lost; one that refuses connections is', async () => {
    const factory = new GridSessionFactory({ hub, run: defaultSiteRunOptions });
    assert.equal(await factory.nodeLost(session(nodeUrl)), false);
    assert.equal(await factory.nodeLost(session(`http://127.0.0.1:${await freePort()}`)), true);
    assert.equal(await factory.nodeLost(session(undefined)), false, 'unknown node: cannot tell');
  });
});

describe("GridSessionFactory's connections to the hub", () => {
  it('reuses them for more sessions than 256, and leaves none open once closed', async () => {
    // Node's global agent keeps 256 idle sockets: past that, commands opened new connections,
    // and those it kept stayed open after the run for the hub to close (CLOSE-WAIT, issue 16).
    const sessions = 300;
    const grid = await startFakeWebDriver({ nodes: sessions / 4, slotsPerNode: 4 });
    try {
      const factory = new GridSessionFactory({ hub: { ...hub, url: grid.url }, run: defaultSiteRunOptions });
      const opened = await Promise.all(Array.from({ length: sessions }, () => factory.open(new AbortController().signal)));
      await Promise.all(opened.map((s) => s.close()));
      assert.equal(grid.routes.get('DELETE /session/:id'), sessions);
      assert.ok(grid.connections() <= sessions, `${grid.connections()} connections for ${sessions} sessions opened at once and closed`);
      factory.close();
      // The fake learns of each close asynchronously; the bound is far below the agent's 5 s idle timeout.
      await waitFor(async () => (grid.openConnections() === 0 ? true : undefined), { timeoutMs: 2000, intervalMs: 20, what: `the fake's ${grid.openConnections()} connections closed` });
    } finally {
      await grid.close();
    }
  });
});

describe('the browser DevTools address a reset may use', () => {
  it("is chromedriver's debuggerAddress when the node runs on this machine", () => {
    assert.equal(localDebuggerAddress('http://127.0.0.1:5555', { debuggerAddress: 'localhost:40595' }), 'localhost:40595');
    assert.equal(localDebuggerAddress('http://[::1]:5555', { debuggerAddress: '127.0.0.1:40595' }), '127.0.0.1:40595');
  });
  it('is none for a node elsewhere, whose localhost is not this one, or without the capability', () => {
    assert.equal(localDebuggerAddress('http://10.0.3.7:5555', { debuggerAddress: 'localhost:40595' }), undefined);
    assert.equal(localDebuggerAddress('http://node-1.internal:5555', { debuggerAddress: 'localhost:40595' }), undefined);
    assert.equal(localDebuggerAddress('http://127.0.0.1:5555', { debuggerAddress: '192.0.2.2:40595' }), undefined);
    assert.equal(localDebuggerAddress('http://127.0.0.1:5555', {}), undefined);
    assert.equal(localDebuggerAddress(undefined, { debuggerAddress: 'localhost:40595' }), undefined);
  });
});
