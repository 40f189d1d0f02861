// The README's scale-nodes sequence, exactly as it is written there, in a fresh directory:
//   grid-run grid up --nodes 0
//   grid-run scale-nodes 2 --provider docker --hub http://127.0.0.1:4444
//   grid-run scale-nodes 0 --provider docker --hub http://127.0.0.1:4444
// The one test that uses the fixed port 4444 (the README's): it must be free.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { createServer, type AddressInfo, type Server } from 'node:net';
import { runCli } from '../helpers/cli.ts';
import { canListen } from '../../src/grid/ports.ts';
import { HttpHubClient } from '../../src/grid/hub-client.ts';
import { DockerodeEngine } from '../../src/nodes/docker/engine.ts';
import { defaultNodeImage } from '../../src/nodes/create.ts';
import { tempDir } from '../helpers/temp.ts';

const bin = new URL('../../bin/grid-run.js', import.meta.url).pathname;
const readme = new URL('../../README.md', import.meta.url).pathname;
const exec = promisify(execFile);

describe("the README's grid up / scale-nodes sequence (real Docker, port 4444)", function () {
  this.timeout(600_000);
  const engine = new DockerodeEngine(process.env);
  let dir: string;
  const hub = 'http://127.0.0.1:4444';
  const sequence = ['grid up --nodes 0', `scale-nodes 2 --provider docker --hub ${hub}`, `scale-nodes 0 --provider docker --hub ${hub}`];
  const gridRun = async (args: string) => {
    try {
      const { stdout, stderr } = await exec(process.execPath, [bin, ...args.split(' ')], { cwd: dir, env: { PATH: process.env.PATH } });
      return { code: 0, out: stdout + stderr };
    } catch (err) {
      const e = err as { code: number; stdout: string; stderr: string };
      return { code: e.code, out: e.stdout + e.stderr };
    }
  };
  const poolContainers = () => engine.list({ 'grid-run.managed-by': 'grid-run', 'grid-run.pool': 'default' });

  before(async () => {
    await engine.ping();
    assert.ok(await engine.hasImage(defaultNodeImage), `${defaultNodeImage} is missing: run \`bash grid/docker-setup.sh\``);
    assert.ok(await canListen('127.0.0.1', 4444), 'port 4444 is taken: this test runs the README exactly, on the README\'s port; stop what listens there');
    assert.deepEqual(await poolContainers(), [], 'containers of pool "default" exist already: remove them first');
    dir = await tempDir('grid-run-readme-');
  });

  after(async () => {
    for (const c of await poolContainers()) await engine.remove(c.id, 0);
    if (dir) await gridRun('grid down');
  });

  it('is the sequence the README shows', async () => {
    const text = await readFile(readme, 'utf8');
    for (const line of sequence) assert.ok(text.includes(`npx grid-run ${line}`), `README shows \`npx grid-run ${line}\``);
  });

  it('grid up --nodes 0, scale-nodes 2: two containers register; scale-nodes 0 removes them', async () => {
    const up = await gridRun(sequence[0]!);
    assert.equal(up.code, 0, up.out);
    assert.match(up.out, /grid up: hub http:\/\/127\.0\.0\.1:4444, 0 node\(s\)/);

    const two = await gridRun(sequence[1]!);
    assert.equal(two.code, 0, two.out);
    assert.match(two.out, /docker pool default: 2 node\(s\) \(was 0\): added 2/);
    const nodes = (await new HttpHubClient(hub).status()).nodes;
    assert.equal(nodes.filter((n) => n.availability === 'UP').length, 2, 'both registered with the hub');
    assert.equal((await poolContainers()).length, 2);

    const zero = await gridRun(sequence[2]!);
    assert.equal(zero.code, 0, zero.out);
    assert.match(zero.out, /docker pool default: 0 node\(s\) \(was 2\): drained and removed 2/);
    assert.deepEqual(await poolContainers(), []);
    assert.deepEqual((await new HttpHubClient(hub).status()).nodes, []);
  });
});

describe('scale-nodes finds the event bus of a hub grid up started (real Docker)', function () {
  this.timeout(600_000);
  const engine = new DockerodeEngine(process.env);
  const pool = `bus${process.pid}`;
  let dir: string;
  let taken: Server | undefined;

  // The grid's state is in the test's folder: it goes down before the folder is removed.
  afterEach(async () => {
    for (const c of await engine.list({ 'grid-run.pool': pool })) await engine.remove(c.id, 0);
    if (dir) await runCli(['grid', 'down', '--state-dir', join(dir, '.grid-run/grid')]);
    taken?.close();
  });

  it("when the hub's port minus 2 was taken, nodes still register: the bus is read from the state file", async () => {
    dir = await tempDir('grid-run-bus-moved-');
    // Something listens on the hub's port minus 2: grid up moves that bus port elsewhere.
    // The two ports above the taken one must be free; on a busy machine another process may hold
    // them, so a few ports are tried.
    let port = 0;
    for (let tries = 0; tries < 20 && !port; tries++) {
      taken?.close();
      const server = createServer();
      taken = server;
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      const candidate = (server.address() as AddressInfo).port + 2;
      if ((await canListen('127.0.0.1', candidate)) && (await canListen('127.0.0.1', candidate - 1))) port = candidate;
    }
    assert.ok(port, 'found a port with the two above it free');
    const up = await runCli(['grid', 'up', '--nodes', '0', '--port', String(port)], { cwd: dir });
    assert.equal(up.code, 0, up.stderr);
    const status = await runCli(['grid', 'status'], { cwd: dir });
    const bus = /event bus tcp:\/\/127\.0\.0\.1:(\d+) \(publish\), tcp:\/\/127\.0\.0\.1:(\d+) \(subscribe\)/.exec(status.stdout);
    assert.ok(bus, status.stdout);
    assert.notEqual(Number(bus[1]), port - 2, 'the publish port moved off the taken one');
    const hub = `http://127.0.0.1:${port}`;
    const one = await runCli(['scale-nodes', '1', '--provider', 'docker', '--hub', hub, '--pool', pool], { cwd: dir });
    assert.equal(one.code, 0, one.stderr);
    assert.equal((await new HttpHubClient(hub).status()).nodes.filter((n) => n.availability === 'UP').length, 1, 'the node registered over the moved bus');
    const zero = await runCli(['scale-nodes', '0', '--provider', 'docker', '--hub', hub, '--pool', pool], { cwd: dir });
    assert.equal(zero.code, 0, zero.stderr);
    assert.deepEqual(await engine.list({ 'grid-run.pool': pool }), []);
  });
});
