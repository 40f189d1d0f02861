// The EC2 boot script, run for real on this machine against the local Docker engine: it must
// bring up a node that registers with the hub. Instance metadata and shutdown are stand-ins
// on PATH (the metadata one answers 127.0.0.1 and never touches the network).
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { chmod, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { setTimeout as sleep } from 'node:timers/promises';
import { startLocalGrid, type LocalGrid } from '../../src/grid/local-grid.ts';
import { freePort } from '../../src/grid/ports.ts';
import { HttpHubClient } from '../../src/grid/hub-client.ts';
import { DockerodeEngine } from '../../src/nodes/docker/engine.ts';
import { defaultNodeImage } from '../../src/nodes/create.ts';
import { Ec2NodeProvider } from '../../src/nodes/ec2/provider.ts';
import { hubEndpoint } from '../../src/nodes/provider.ts';
import { waitRegistered } from '../../src/nodes/registration.ts';
import { tempDir } from '../helpers/temp.ts';

const run = promisify(execFile);

describe('EC2 user-data executed against the local Docker engine', function () {
  this.timeout(300_000);
  const pool = `ud${process.pid}`;
  const engine = new DockerodeEngine(process.env);
  let grid: LocalGrid;
  let dir: string;

  before(async () => {
    await engine.ping();
    assert.ok(await engine.hasImage(defaultNodeImage), `${defaultNodeImage} is missing: run \`bash grid/docker-setup.sh\``);
    dir = await tempDir('grid-run-user-data-');
    grid = await startLocalGrid({ nodes: 0, slots: 1, port: 0, stateDir: join(dir, 'grid') });
  });

  after(async () => {
    for (const c of await engine.list({ 'grid-run.pool': pool })) await engine.remove(c.id, 0);
    await grid?.stop();
  });

  it('starts a node that registers with the hub, under a lifetime guard', async () => {
    const nodePort = await freePort();
    const provider = new Ec2NodeProvider({
      pool,
      runId: 'user-data-test',
      hub: hubEndpoint(grid.hubUrl, { publishPort: grid.eventBus.publish, subscribePort: grid.eventBus.subscribe }),
      hubClient: new HttpHubClient(grid.hubUrl),
      client: { send: () => Promise.reject(new Error('no AWS in this test')) },
      region: 'eu-west-1',
      image: defaultNodeImage,
      slots: 1,
      ami: 'ami-0123456789abcdef0',
      nodePort,
      maxLifetimeMinutes: 60,
    });
    const script = Buffer.from(provider.launchInput(1).UserData!, 'base64').toString('utf8');

    const bin = join(dir, 'bin');
    const shutdownLog = join(dir, 'shutdown.log');
    await run('mkdir', ['-p', bin]);
    await writeFile(
      join(bin, 'curl'),
      `#!/bin/sh\n# IMDSv2 stand-in: a token, then the local address; anything else fails.\ncase "$*" in\n  *latest/api/token*) echo test-token ;;\n  *meta-data/local-ipv4*) echo 127.0.0.1 ;;\n  *) exit 22 ;;\nesac\n`,
    );
    await writeFile(join(bin, 'shutdown'), `#!/bin/sh\necho "$*" >> ${JSON.stringify(shutdownLog)}\n`);
    await chmod(join(bin, 'curl'), 0o755);
    await chmod(join(bin, 'shutdown'), 0o755);
    await writeFile(join(dir, 'user-data.sh'), script);

    await run('bash', [join(dir, 'user-data.sh')], { env: { ...process.env, PATH: `${bin}:${process.env.PATH}` }, timeout: 120_000 });

    const node = await waitRegistered(new HttpHubClient(grid.hubUrl), () => `http://127.0.0.1:${nodePort}`, {
      slots: 1,
      timeoutMs: 120_000,
      describe: `the user-data node on port ${nodePort}`,
    });
    assert.equal(node.availability, 'UP');
    const containers = await engine.list({ 'grid-run.pool': pool, 'grid-run.run-id': 'user-data-test' });
    assert.equal(containers.length, 1);
    assert.match(await readFile(shutdownLog, 'utf8'), /^-h \+60 grid-run: maximum lifetime of 60 min reached$/m);

    // A node that leaves takes its instance with it: removing the container triggers shutdown.
    await engine.remove(containers[0]!.id, 5);
    for (let i = 0; i < 60 && !/^-h now/m.test(await readFile(shutdownLog, 'utf8')); i++) await sleep(500);
    assert.match(await readFile(shutdownLog, 'utf8'), /^-h now grid-run: node left the grid$/m);
  });
});
