import assert from 'node:assert/strict';
import { DescribeInstancesCommand, EC2Client, RunInstancesCommand, TerminateInstancesCommand, type Instance } from '@aws-sdk/client-ec2';
import { Ec2NodeProvider, type Ec2ProviderOptions } from '../../src/nodes/ec2/provider.ts';
import { hubEndpoint } from '../../src/nodes/provider.ts';
import { scaleTo } from '../../src/nodes/scale.ts';
import { createProvider } from '../../src/nodes/create.ts';
import { InfrastructureError, UsageError } from '../../src/errors.ts';
import { FakeWaitClock, FakeHub, mockEc2ForSuite } from './fakes.ts';

const SECRET = 'hub-secret-Zq81x';

function awsError(name: string, message = name): Error {
  const err = new Error(message);
  err.name = name;
  return err;
}

function instance(id: string, ip: string, state = 'running', extra: Partial<Instance> = {}): Instance {
  return {
    InstanceId: id,
    PrivateIpAddress: ip,
    State: { Name: state as 'running' },
    LaunchTime: new Date('2026-11-27T10:00:00Z'),
    Tags: [
      { Key: 'grid-run.pool', Value: 'ci' },
      { Key: 'grid-run.run-id', Value: 'run-1' },
      { Key: 'grid-run.node-port', Value: '5555' },
    ],
    ...extra,
  };
}

describe('Ec2NodeProvider (aws-sdk-client-mock)', () => {
  const ec2 = mockEc2ForSuite();
  let hub: FakeHub;
  let clock: FakeWaitClock;
  let logs: string[];

  beforeEach(() => {
    ec2().reset();
    hub = new FakeHub();
    clock = new FakeWaitClock();
    logs = [];
  });

  function provider(over: Partial<Ec2ProviderOptions> = {}): Ec2NodeProvider {
    return new Ec2NodeProvider({
      pool: 'ci',
      runId: 'run-1',
      hub: hubEndpoint('http://10.0.0.5:4444'),
      hubClient: hub,
      client: new EC2Client({ region: 'eu-west-1' }),
      region: 'eu-west-1',
      image: '123456789012.dkr.ecr.eu-west-1.amazonaws.com/grid-run-node:0.1.0',
      slots: 2,
      ami: 'ami-0123456789abcdef0',
      instanceType: 'c6i.large',
      subnetId: 'subnet-0abc',
      securityGroupIds: ['sg-0abc'],
      keyName: 'ops',
      instanceProfile: 'grid-run-node',
      spot: true,
      maxLifetimeMinutes: 90,
      secretParameter: '/grid-run/secret',
      hubHasSecret: true,
      waiterDelay: { min: 0.05, max: 0.1 },
      newToken: () => 'tok-1',
      clock,
      log: (line) => logs.push(line),
      ...over,
    });
  }

  /** Instances "boot" and register at the fake hub on the first sleep of the readiness wait. */
  function bootOnSleep(ips: string[]): void {
    clock.onSleep = () => {
      for (const ip of ips) if (!hub.nodes.some((n) => n.uri === `http://${ip}:5555`)) hub.register(`http://${ip}:5555`, 2);
    };
  }

  it('sends the exact RunInstances input: tags, IMDSv2, terminate on shutdown, user-data, spot, token', async () => {
    ec2().on(RunInstancesCommand).resolves({ Instances: [instance('i-1', '10.0.1.1', 'pending')] });
    ec2().on(DescribeInstancesCommand).resolves({ Reservations: [{ Instances: [instance('i-1', '10.0.1.1')] }] });
    bootOnSleep(['10.0.1.1']);
    const nodes = await provider().provision(1);
    assert.deepEqual(nodes.map((n) => [n.id, n.uri]), [['i-1', 'http://10.0.1.1:5555']]);

    const calls = ec2().commandCalls(RunInstancesCommand);
    assert.equal(calls.length, 1);
    const input = calls[0]!.args[0].input;
    const userData = Buffer.from(input.UserData!, 'base64').toString('utf8');
    const tags = [
      { Key: 'Name', Value: 'grid-run-node-ci' },
      { Key: 'grid-run.managed-by', Value: 'grid-run' },
      { Key: 'grid-run.pool', Value: 'ci' },
      { Key: 'grid-run.run-id', Value: 'run-1' },
      { Key: 'grid-run.node-port', Value: '5555' },
    ];
    assert.deepEqual(input, {
      ImageId: 'ami-0123456789abcdef0',
      InstanceType: 'c6i.large',
      MinCount: 1,
      MaxCount: 1,
      UserData: input.UserData,
      InstanceInitiatedShutdownBehavior: 'terminate',
      MetadataOptions: { HttpTokens: 'required', HttpEndpoint: 'enabled', HttpPutResponseHopLimit: 1 },
      TagSpecifications: [
        { ResourceType: 'instance', Tags: tags },
        { ResourceType: 'volume', Tags: tags },
      ],
      SubnetId: 'subnet-0abc',
      SecurityGroupIds: ['sg-0abc'],
      KeyName: 'ops',
      IamInstanceProfile: { Name: 'grid-run-node' },
      ClientToken: 'tok-1-spot',
      InstanceMarketOptions: {
        MarketType: 'spot',
        SpotOptions: { SpotInstanceType: 'one-time', InstanceInterruptionBehavior: 'terminate' },
      },
    });
    assert.match(userData, /^#!\/bin\/bash\n/);
    assert.match(userData, /^EVENT_BUS_HOST='10\.0\.0\.5'$/m);
    assert.match(userData, /^SLOTS='2'$/m);
    assert.match(userData, /^MAX_LIFETIME_MINUTES='90'$/m);
    assert.match(userData, /^SECRET_PARAMETER='\/grid-run\/secret'$/m);
    assert.doesNotMatch(userData, new RegExp(SECRET));
    assert.doesNotMatch(userData, /AWS_ACCESS_KEY_ID|AWS_SECRET_ACCESS_KEY|aws_session_token/i);
  });

  it('falls back from spot to on-demand on InsufficientInstanceCapacity, with a new token', async () => {
    ec2()
      .on(RunInstancesCommand)
      .rejectsOnce(awsError('InsufficientInstanceCapacity', 'There is no Spot capacity available'))
      .resolves({ Instances: [instance('i-2', '10.0.1.2', 'pending')] });
    ec2().on(DescribeInstancesCommand).resolves({ Reservations: [{ Instances: [instance('i-2', '10.0.1.2')] }] });
    bootOnSleep(['10.0.1.2']);
    await provider().provision(1);
    const [spot, onDemand] = ec2().commandCalls(RunInstancesCommand).map((c) => c.args[0].input);
    assert.equal(spot!.InstanceMarketOptions?.MarketType, 'spot');
    assert.equal(onDemand!.InstanceMarketOptions, undefined);
    assert.equal(onDemand!.ClientToken, 'tok-1-od');
    assert.ok(logs.some((l) => /falling back to on-demand/.test(l)));
  });

  it('on a call the SDK gave up retrying: no retry on top, a clear error, and whatever the token launched terminated', async () => {
    // What the SDK's retry strategy throws after its last attempt (test/nodes/ec2-retries.test.ts makes it do so).
    const gaveUp = Object.assign(awsError('RequestLimitExceeded', 'Request limit exceeded.'), { $metadata: { attempts: 6 } });
    ec2().on(RunInstancesCommand).rejects(gaveUp);
    ec2().on(DescribeInstancesCommand).resolves({ Reservations: [{ Instances: [instance('i-ghost', '10.0.1.9', 'pending')] }] });
    ec2().on(TerminateInstancesCommand).resolves({});
    await assert.rejects(provider({ spot: false }).provision(1), (err: Error) => {
      assert.ok(err instanceof InfrastructureError);
      assert.equal(err.message, 'ec2: launching instances: AWS kept throttling the requests (RequestLimitExceeded: Request limit exceeded., after 6 attempts); try again later');
      return true;
    });
    assert.equal(ec2().commandCalls(RunInstancesCommand).length, 1);
    const describe = ec2().commandCalls(DescribeInstancesCommand)[0]!.args[0].input;
    assert.deepEqual(describe.Filters?.[0], { Name: 'client-token', Values: ['tok-1-od'] });
    assert.deepEqual(ec2().commandCalls(TerminateInstancesCommand)[0]!.args[0].input, { InstanceIds: ['i-ghost'] });
  });

  it('terminates the instances of a partial launch that never register, and keeps those that did', async () => {
    ec2().on(RunInstancesCommand).resolves({ Instances: [instance('i-a', '10.0.2.1', 'pending'), instance('i-b', '10.0.2.2', 'pending')] });
    ec2().on(DescribeInstancesCommand).resolves({ Reservations: [{ Instances: [instance('i-a', '10.0.2.1'), instance('i-b', '10.0.2.2')] }] });
    ec2().on(TerminateInstancesCommand).resolves({});
    bootOnSleep(['10.0.2.1']);
    await assert.rejects(provider({ spot: false, readyTimeoutMs: 60_000 }).provision(2), (err: Error) => {
      assert.ok(err instanceof InfrastructureError);
      assert.match(err.message, /1 of 2 ec2 node\(s\) did not register and were terminated \(1 ready and kept/);
      assert.match(err.message, /i-b \(http:\/\/10\.0\.2\.2:5555\) did not register at .* within 60 s/);
      return true;
    });
    assert.deepEqual(ec2().commandCalls(TerminateInstancesCommand).map((c) => c.args[0].input.InstanceIds), [['i-b']]);
  });

  it('terminates every launched instance when they never reach running', async () => {
    ec2().on(RunInstancesCommand).resolves({ Instances: [instance('i-p', '10.0.3.1', 'pending')] });
    ec2().on(DescribeInstancesCommand).resolves({ Reservations: [{ Instances: [instance('i-p', '10.0.3.1', 'pending')] }] });
    ec2().on(TerminateInstancesCommand).resolves({});
    await assert.rejects(provider({ spot: false, runningTimeoutMs: 1000 }).provision(1), /did not reach "running" within 1 s/);
    assert.deepEqual(ec2().commandCalls(TerminateInstancesCommand)[0]!.args[0].input, { InstanceIds: ['i-p'] });
  });

  it('explains capacity, quota and credential errors, launching nothing', async () => {
    const cases: [Error, RegExp, typeof InfrastructureError | typeof UsageError][] = [
      [awsError('InsufficientInstanceCapacity'), /no capacity for c6i\.large in subnet subnet-0abc.*another --instance-type/, InfrastructureError],
      [awsError('VcpuLimitExceeded', 'You have requested more vCPU capacity'), /quota is exhausted \(VcpuLimitExceeded/, InfrastructureError],
      [awsError('CredentialsProviderError', 'Could not load credentials from any providers'), /no usable AWS credentials.*standard chain/, UsageError],
      [awsError('UnauthorizedOperation', 'You are not authorized'), /may not do this.*ec2:RunInstances/, UsageError],
    ];
    for (const [error, message, type] of cases) {
      ec2().reset();
      ec2().on(RunInstancesCommand).rejects(error);
      ec2().on(DescribeInstancesCommand).resolves({ Reservations: [] });
      await assert.rejects(provider({ spot: false }).provision(1), (err: Error) => {
        assert.ok(err instanceof type, `${error.name} -> ${err.constructor.name}`);
        assert.match(err.message, message);
        return true;
      });
      assert.equal(ec2().commandCalls(TerminateInstancesCommand).length, 0);
    }
  });

  it('sweeps by tag', async () => {
    ec2().on(DescribeInstancesCommand).resolves({ Reservations: [{ Instances: [instance('i-x', '10.0.4.1'), instance('i-y', '10.0.4.2')] }] });
    ec2().on(TerminateInstancesCommand).resolves({});
    hub.register('http://10.0.4.1:5555');
    const swept = await provider().sweep({ runId: 'run-1' });
    assert.deepEqual(swept.map((n) => n.id), ['i-x', 'i-y']);
    assert.deepEqual(ec2().commandCalls(DescribeInstancesCommand)[0]!.args[0].input.Filters, [
      { Name: 'tag:grid-run.managed-by', Values: ['grid-run'] },
      { Name: 'instance-state-name', Values: ['pending', 'running', 'stopping', 'stopped'] },
      { Name: 'tag:grid-run.run-id', Values: ['run-1'] },
    ]);
    assert.deepEqual(ec2().commandCalls(TerminateInstancesCommand)[0]!.args[0].input, { InstanceIds: ['i-x', 'i-y'] });
    assert.deepEqual(hub.nodes, []);
  });

  it('scales down by draining through the hub, then deregistering, then TerminateInstances', async () => {
    ec2().on(DescribeInstancesCommand).resolves({
      Reservations: [{ Instances: [instance('i-old', '10.0.5.1'), instance('i-new', '10.0.5.2', 'running', { LaunchTime: new Date('2026-11-27T11:00:00Z') })] }],
    });
    ec2().on(TerminateInstancesCommand).callsFake((input: { InstanceIds: string[] }) => {
      hub.calls.push(`terminate ${input.InstanceIds.join(',')}`);
      return {};
    });
    hub.register('http://10.0.5.1:5555', 2, 1);
    hub.register('http://10.0.5.2:5555', 2, 2);
    // The session on the draining node ends while we wait.
    clock.onSleep = () => {
      hub.nodes[0]!.busySlots = 0;
    };
    const result = await scaleTo(provider(), 1, { hub });
    assert.deepEqual(result.removed.map((n) => n.id), ['i-old'], 'the node with fewer sessions goes');
    assert.deepEqual(hub.calls, ['drain node-http://10.0.5.1:5555', 'remove node-http://10.0.5.1:5555', 'terminate i-old']);
    assert.ok(clock.sleeps.length > 0, 'waited for the session to end before removing');
  });

  it('never logs or reports the registration secret', async () => {
    ec2().on(RunInstancesCommand).rejectsOnce(awsError('InsufficientInstanceCapacity')).resolves({
      Instances: [instance('i-s', '10.0.6.1', 'pending'), instance('i-t', '10.0.6.2', 'pending')],
    });
    ec2().on(DescribeInstancesCommand).resolves({ Reservations: [{ Instances: [instance('i-s', '10.0.6.1'), instance('i-t', '10.0.6.2')] }] });
    ec2().on(TerminateInstancesCommand).resolves({});
    bootOnSleep(['10.0.6.1']);
    const messages: string[] = [];
    // Through the same factory the CLI uses, with the secret given as the user would.
    const { provider: p } = createProvider(
      {
        provider: 'ec2',
        hub: 'http://10.0.0.5:4444',
        pool: 'ci',
        runId: 'run-1',
        secret: SECRET,
        image: 'registry.example/grid-run-node:0.1.0',
        readyTimeoutMs: 10_000,
        ec2: { region: 'eu-west-1', ami: 'ami-0123456789abcdef0', spot: true, secretParameter: '/grid-run/secret', instanceProfile: 'grid-run-node' },
      },
      { ec2Client: new EC2Client({ region: 'eu-west-1' }), hubClient: hub, clock, log: (line) => logs.push(line) },
    );
    await p.provision(2).catch((err: Error) => messages.push(err.message));
    const all = [...logs, ...messages, ...ec2().calls().map((c) => JSON.stringify(c.args[0].input))];
    assert.ok(logs.length > 0 && messages.length === 1);
    for (const line of all) {
      assert.ok(!line.includes(SECRET), `secret in: ${line}`);
      assert.ok(!Buffer.from(line, 'utf8').toString('base64').includes(Buffer.from(SECRET).toString('base64')));
    }
    const userData = Buffer.from(ec2().commandCalls(RunInstancesCommand)[0]!.args[0].input.UserData!, 'base64').toString();
    assert.ok(!userData.includes(SECRET));
  });

  it('refuses a hub secret without an SSM parameter, so it never lands in user-data', () => {
    assert.throws(() => provider({ secretParameter: undefined }), /--secret-parameter/);
    assert.throws(() => provider({ instanceProfile: undefined }), /--instance-profile/);
    assert.throws(() => provider({ ami: 'ubuntu' }), /not an AMI id/);
  });
});
