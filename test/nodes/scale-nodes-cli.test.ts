import assert from 'node:assert/strict';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { runCli } from '../helpers/cli.ts';
import { tempDir } from '../helpers/temp.ts';

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
      const { code, stderr: err } = await runCli([...args], { env: {} });
      assert.equal(code, 2, `${args.join(' ')}: ${err}`);
      assert.match(err, reason);
    }
  });

  it('takes the node and EC2 options from grid-run.config.json, checked like the command line', async () => {
    const dir = await tempDir('grid-run-pool-config-');
    const ec2 = { provider: 'ec2', hub: 'http://10.0.0.5:4444', region: 'eu-west-1', image: 'r/i:1' };
    await writeFile(join(dir, 'grid-run.config.json'), JSON.stringify(ec2, null, 1));
    // Region, image and hub came from the file: what is missing now is the AMI.
    const noAmi = await runCli(['scale-nodes', '2'], { env: {}, cwd: dir });
    assert.equal(noAmi.code, 2, noAmi.stderr);
    assert.match(noAmi.stderr, /needs --ami/);
    await writeFile(join(dir, 'grid-run.config.json'), JSON.stringify({ ...ec2, ami: 'ami-1', maxLifetime: 1 }, null, 1));
    const bad = await runCli(['scale-nodes', '2'], { env: {}, cwd: dir });
    assert.equal(bad.code, 2);
    assert.match(bad.stderr, /grid-run\.config\.json:7.*maxLifetime.*whole number from 5 to 10080/);
  });

  it('exits 3 when no Docker engine answers', async () => {
    const { code, stderr: err } = await runCli(['scale-nodes', '1', '--provider', 'docker', '--hub', 'http://127.0.0.1:4444'], {
      env: { DOCKER_HOST: 'unix:///nonexistent/docker.sock' },
    });
    assert.equal(code, 3);
    assert.match(err, /no Docker engine answers at unix:\/\/\/nonexistent\/docker\.sock/);
  });
});
