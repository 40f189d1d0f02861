// `sweep --provider ec2` through the CLI, AWS stood in for by aws-sdk-client-mock: instances of
// runs whose process is gone are terminated; a run on another machine only with --older-than;
// a live run's and a scale-nodes pool's never.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { DescribeInstancesCommand, TerminateInstancesCommand, type Instance } from '@aws-sdk/client-ec2';
import { mockEc2ForSuite } from './fakes.ts';
import { currentOwner } from '../../src/reaper/owner.ts';
import { runCli } from '../helpers/cli.ts';

const instance = (id: string, launched: string, owner?: string): Instance => ({
  InstanceId: id,
  State: { Name: 'running' },
  LaunchTime: new Date(launched),
  Tags: [
    { Key: 'grid-run.managed-by', Value: 'grid-run' },
    { Key: 'grid-run.pool', Value: 'ci' },
    { Key: 'grid-run.run-id', Value: `run-${id}` },
    ...(owner ? [{ Key: 'grid-run.owner', Value: owner }] : []),
  ],
});

describe('grid-run sweep --provider ec2 (aws-sdk-client-mock)', () => {
  const ec2 = mockEc2ForSuite();
  let deadOwner: string;
  const hourAgo = () => new Date(Date.now() - 3_600_000).toISOString();
  const justNow = () => new Date(Date.now() - 60_000).toISOString();

  before(async () => {
    const child = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 60000)']);
    await new Promise((r) => child.once('spawn', r));
    deadOwner = currentOwner(child.pid);
    child.kill('SIGKILL');
    await new Promise((r) => child.once('exit', r));
  });
  beforeEach(() => {
    ec2().reset();
    ec2().on(DescribeInstancesCommand).resolves({
      Reservations: [
        {
          Instances: [
            instance('i-dead', justNow(), deadOwner),
            instance('i-live', hourAgo(), currentOwner()),
            instance('i-pool', hourAgo()),
            instance('i-remote-old', hourAgo(), 'ci-runner-7/4242/99'),
            instance('i-remote-new', justNow(), 'ci-runner-7/4243/99'),
          ],
        },
      ],
    });
    ec2().on(TerminateInstancesCommand).resolves({});
  });

  const terminated = () => ec2().commandCalls(TerminateInstancesCommand).flatMap((c) => c.args[0].input.InstanceIds ?? []).sort();
  const env = { PATH: process.env.PATH, AWS_ACCESS_KEY_ID: 'test', AWS_SECRET_ACCESS_KEY: 'test' };

  it('terminates the instances of this machine\'s dead runs, and says what it left', async () => {
    const r = await runCli(['sweep', '--provider', 'ec2', '--region', 'eu-west-1', '--hub', 'http://127.0.0.1:9'], { env });
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual(terminated(), ['i-dead']);
    assert.match(r.stdout, /sweep ec2: removed 1 node\(s\) of runs whose process is gone/);
    assert.match(r.stdout, /left 2 node\(s\) of runs on other machines/);
  });

  it('with --older-than 30m: the old ones, from this machine and others', async () => {
    const r = await runCli(['sweep', '--provider', 'ec2', '--region', 'eu-west-1', '--hub', 'http://127.0.0.1:9', '--older-than', '30m'], { env });
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual(terminated(), ['i-remote-old']);
  });
});
