import assert from 'node:assert/strict';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { main } from '../../src/cli/main.ts';

async function cli(args: string[], env: NodeJS.ProcessEnv = {}, cwd = process.cwd()): Promise<{ code: number; out: string; err: string }> {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  let out = '';
  let err = '';
  stdout.on('data', (d) => (out += d));
  stderr.on('data', (d) => (err += d));
  const code = await main(args, { stdout, stderr, env, cwd });
  return { code, out, err };
}

describe('grid-run scale-nodes', () => {
  it('exits 2 on bad usage, with a reason', async () => {
    for (const [args, reason] of [
      [['scale-nodes', '-1', '--provider', 'docker', '--hub', 'http://127.0.0.1:4444'], /whole number/],
      [['scale-nodes', '2', '--hub', 'http://127.0.0.1:4444'], /--provider docker or --provider ec2/],
      [['scale-nodes', '2', '--provider', 'docker'], /--hub URL/],
      [['scale-nodes', '2', '--provider', 'docker', '--hub', 'http://127.0.0.1:4444', '--pool', '$(id)'], /pool "\$\(id\)" must be/],
      [['scale-nodes', '2', '--provider', 'ec2', '--hub', 'http://10.0.0.5:4444', '--region', 'eu-west-1', '--image', 'r/i:1'], /needs --ami/],
      [['scale-nodes', '2', '--provider', 'ec2', '--hub', 'http://10.0.0.5:4444', '--image', 'r/i:1', '--ami', 'ami-0123456789abcdef0'], /region/],
    ] as const) {
      const { code, err } = await cli([...args]);
      assert.equal(code, 2, `${args.join(' ')}: ${err}`);
      assert.match(err, reason);
    }
  });

  it('takes the node and EC2 options from grid-run.config.json, checked like the command line', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'grid-run-pool-config-'));
    const ec2 = { provider: 'ec2', hub: 'http://10.0.0.5:4444', region: 'eu-west-1', image: 'r/i:1' };
    await writeFile(join(dir, 'grid-run.config.json'), JSON.stringify(ec2, null, 1));
    // Region, image and hub came from the file: what is missing now is the AMI.
    const noAmi = await cli(['scale-nodes', '2'], {}, dir);
    assert.equal(noAmi.code, 2, noAmi.err);
    assert.match(noAmi.err, /needs --ami/);
    await writeFile(join(dir, 'grid-run.config.json'), JSON.stringify({ ...ec2, ami: 'ami-1', maxLifetime: 1 }, null, 1));
    const bad = await cli(['scale-nodes', '2'], {}, dir);
    assert.equal(bad.code, 2);
    assert.match(bad.err, /grid-run\.config\.json:7.*maxLifetime.*whole number from 5 to 10080/);
  });

  it('exits 3 when no Docker engine answers', async () => {
    const { code, err } = await cli(['scale-nodes', '1', '--provider', 'docker', '--hub', 'http://127.0.0.1:4444'], {
      DOCKER_HOST: 'unix:///nonexistent/docker.sock',
    });
    assert.equal(code, 3);
    assert.match(err, /no Docker engine answers at unix:\/\/\/nonexistent\/docker\.sock/);
  });
});
