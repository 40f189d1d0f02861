// Real Docker: node containers of the grid-run image against a real local hub.
// Needs `bash grid/docker-setup.sh` first (`npm run test:docker` does it).
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import { PassThrough } from 'node:stream';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { setTimeout as sleep } from 'node:timers/promises';
import { Builder } from 'selenium-webdriver';
import { main } from '../../src/cli/main.ts';
import { startLocalGrid, type LocalGrid } from '../../src/grid/local-grid.ts';
import { HttpHubClient } from '../../src/grid/hub-client.ts';
import { DockerodeEngine } from '../../src/nodes/docker/engine.ts';
import { createProvider, defaultNodeImage } from '../../src/nodes/create.ts';
import { InfrastructureError } from '../../src/errors.ts';
import { tempDir } from '../helpers/temp.ts';

const run = promisify(execFile);

async function cli(args: string[], extraEnv: NodeJS.ProcessEnv = {}): Promise<{ code: number; out: string; err: string }> {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  let out = '';
  let err = '';
  stdout.on('data', (d) => (out += d));
  stderr.on('data', (d) => (err += d));
  const code = await main(args, { stdout, stderr, env: { ...process.env, GRID_RUN_SECRET: undefined, ...extraEnv }, cwd: process.cwd() });
  return { code, out, err };
}

describe('docker provider against a real engine and hub', function () {
  this.timeout(600_000);
  const pool = `t${process.pid}`;
  const engine = new DockerodeEngine(process.env);
  let grid: LocalGrid;
  let stateDir: string;
  let server: Server;
  let pageUrl: string;
  let base: string[];

  const containers = () => engine.list({ 'grid-run.pool': pool });
  const hubNodes = async () => (await new HttpHubClient(grid.hubUrl).status()).nodes;

  before(async () => {
    await engine.ping();
    assert.ok(await engine.hasImage(defaultNodeImage), `${defaultNodeImage} is missing: run \`bash grid/docker-setup.sh\``);
    stateDir = await tempDir('grid-run-docker-test-');
    grid = await startLocalGrid({ nodes: 0, slots: 1, port: 0, stateDir });
    server = createServer((_req, res) => {
      res.setHeader('content-type', 'text/html');
      res.end('<!doctype html><title>served on loopback</title><form><input type=password></form>');
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const address = server.address();
    pageUrl = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}/login`;
    base = [
      '--provider', 'docker', '--hub', grid.hubUrl, '--pool', pool, '--slots', '1',
      '--event-bus-publish-port', String(grid.eventBus.publish), '--event-bus-subscribe-port', String(grid.eventBus.subscribe),
    ];
  });

  after(async () => {
    for (const c of [...(await containers()), ...(await engine.list({ 'grid-run.pool': `${pool}-bad` }))]) await engine.remove(c.id, 0);
    await grid?.stop();
    server?.close();
  });

  it('scale-nodes 2 gives two registered nodes that serve real sessions', async () => {
    const { code, out, err } = await cli(['scale-nodes', '2', ...base]);
    assert.equal(code, 0, err);
    assert.match(out, new RegExp(`docker pool ${pool}: 2 node\\(s\\) \\(was 0\\): added 2`));
    const nodes = (await hubNodes()).filter((n) => n.availability === 'UP');
    assert.equal(nodes.length, 2);
    assert.ok(nodes.every((n) => n.slots === 1 && /^http:\/\/127\.0\.0\.1:\d+$/.test(n.uri)));
    const started = await containers();
    assert.equal(started.length, 2);
    // The image's health check agrees with the hub.
    for (const c of started) await run('docker', ['exec', c.id, '/opt/grid-run/healthcheck.sh']);

    // One slot per node: two sessions at once must use both nodes.
    const titles = await Promise.all(
      [1, 2].map(async () => {
        const driver = await new Builder().usingServer(grid.hubUrl).forBrowser('chrome').build();
        try {
          await driver.get(pageUrl);
          return await driver.getTitle();
        } finally {
          await driver.quit();
        }
      }),
    );
    assert.deepEqual(titles, ['served on loopback', 'served on loopback']);
  });

  it('scale-nodes 1 drains one node and removes its container', async () => {
    const { code, out, err } = await cli(['scale-nodes', '1', ...base]);
    assert.equal(code, 0, err);
    assert.match(out, /1 node\(s\) \(was 2\): drained and removed 1/);
    assert.equal((await containers()).length, 1);
    assert.equal((await hubNodes()).length, 1);
  });

  it('scale-nodes 1 again changes nothing', async () => {
    const { code, out } = await cli(['scale-nodes', '1', ...base]);
    assert.equal(code, 0);
    assert.match(out, /1 node\(s\) \(was 1\), nothing to do/);
  });

  it('scale-nodes 0 waits for the running session to end, then leaves no container with the pool label', async () => {
    const driver = await new Builder().usingServer(grid.hubUrl).forBrowser('chrome').build();
    let settled = false;
    const scaling = cli(['scale-nodes', '0', ...base]).finally(() => (settled = true));
    try {
      // The event to wait for: the hub has the node draining. scale-nodes is then waiting for
      // the session, and must still be waiting after the session used the node again.
      const deadline = Date.now() + 60_000;
      while ((await hubNodes())[0]?.availability !== 'DRAINING') {
        assert.ok(Date.now() < deadline, 'the hub lists the node as DRAINING within 60 s');
        await sleep(200);
      }
      assert.equal(settled, false, 'scale-down must wait for the session');
      // The session keeps working on the draining node.
      await driver.get(pageUrl);
      assert.equal(await driver.getTitle(), 'served on loopback');
      assert.equal(settled, false, 'scale-down still waits while the session runs');
    } finally {
      await driver.quit();
    }
    const { code, err } = await scaling;
    assert.equal(code, 0, err);
    assert.deepEqual(await containers(), []);
    assert.deepEqual(await hubNodes(), []);
  });

  it('removes a node that never registers before raising the error', async () => {
    const { provider } = createProvider({
      provider: 'docker',
      hub: grid.hubUrl,
      pool: `${pool}-bad`,
      runId: 'never-ready',
      // Nothing listens there: the node starts but cannot reach the event bus.
      eventBus: { publishPort: grid.eventBus.publish + 7, subscribePort: grid.eventBus.subscribe + 7 },
      readyTimeoutMs: 20_000,
    });
    await assert.rejects(provider.provision(1), (err: Error) => {
      assert.ok(err instanceof InfrastructureError);
      assert.match(err.message, /did not register at .* within 20 s[\s\S]*last lines of its log/);
      return true;
    });
    assert.deepEqual(await engine.list({ 'grid-run.pool': `${pool}-bad` }), []);
  });
});

describe('docker provider against a hub with a registration secret', function () {
  this.timeout(600_000);
  const pool = `s${process.pid}`;
  const secret = `secret-${process.pid}-x9`;
  const engine = new DockerodeEngine(process.env);
  let grid: LocalGrid;
  let stateDir: string;

  before(async () => {
    await engine.ping();
    stateDir = await tempDir('grid-run-docker-secret-');
    grid = await startLocalGrid({ nodes: 0, slots: 1, port: 0, stateDir, secret });
  });

  after(async () => {
    for (const c of await engine.list({ 'grid-run.pool': pool })) await engine.remove(c.id, 0);
    await grid?.stop();
  });

  it('registers and drains nodes with the secret, and never prints it', async () => {
    const args = [
      '--provider', 'docker', '--hub', grid.hubUrl, '--pool', pool,
      '--event-bus-publish-port', String(grid.eventBus.publish), '--event-bus-subscribe-port', String(grid.eventBus.subscribe),
    ];
    const up = await cli(['scale-nodes', '1', ...args], { GRID_RUN_SECRET: secret });
    assert.equal(up.code, 0, up.err);
    assert.equal((await new HttpHubClient(grid.hubUrl, { secret }).status()).nodes.length, 1);
    // Draining needs the secret too: the hub refuses it otherwise.
    const down = await cli(['scale-nodes', '0', ...args], { GRID_RUN_SECRET: secret });
    assert.equal(down.code, 0, down.err);
    assert.deepEqual(await engine.list({ 'grid-run.pool': pool }), []);
    for (const text of [up.out, up.err, down.out, down.err]) assert.ok(!text.includes(secret), text);
  });
});
