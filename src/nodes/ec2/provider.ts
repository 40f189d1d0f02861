// Grid nodes as EC2 instances that run the node image in Docker (see user-data.ts).
// The SDK is reached only through `send(command)`, so aws-sdk-client-mock can stand in for AWS;
// the client's own retry strategy retries each call (see client.ts).
import { randomUUID } from 'node:crypto';
import {
  DescribeInstancesCommand,
  RunInstancesCommand,
  TerminateInstancesCommand,
  waitUntilInstanceRunning,
  type DescribeInstancesCommandOutput,
  type EC2Client,
  type Filter,
  type Instance,
  type RunInstancesCommandInput,
  type RunInstancesCommandOutput,
  type _InstanceType,
} from '@aws-sdk/client-ec2';
import type { HubClient } from '../../grid/hub-client.ts';
import { InfrastructureError, UsageError, errorMessage } from '../../errors.ts';
import { isLoopbackHost } from '../../grid/loopback.ts';
import { checkId, labels, type HubEndpoint, type NodeProvider, type ProvisionedNode, type SweepFilter } from '../provider.ts';
import { deregister, drainAndWait, waitRegistered } from '../registration.ts';
import { systemWaitClock, type WaitClock } from '../../wait.ts';
import { awsErrorCode, awsErrorKind, explainAwsError } from './errors.ts';
import { renderUserData } from './user-data.ts';

/** The one method of the SDK client grid-run uses; an EC2Client satisfies it. */
export type Ec2Api = Pick<EC2Client, 'send'>;

export type Ec2ProviderOptions = {
  pool: string;
  runId: string;
  /** Tagged on the instances of a `run` (see src/reaper/owner.ts). */
  owner?: string;
  hub: HubEndpoint;
  hubClient: HubClient;
  client: Ec2Api;
  region: string;
  /** The node image the instances run (a registry reference they can pull). */
  image: string;
  slots: number;
  /** Needed to launch; a provider that only sweeps has none. */
  ami?: string;
  instanceType?: string;
  subnetId?: string;
  securityGroupIds?: string[];
  keyName?: string;
  /** Instance profile name or ARN; needed for a secret parameter or an ECR image. */
  instanceProfile?: string;
  spot?: boolean;
  spotMaxPrice?: string;
  nodePort?: number;
  nodeAddress?: 'private' | 'public';
  maxLifetimeMinutes?: number;
  /** SSM SecureString parameter with the registration secret; the secret itself never leaves this machine. */
  secretParameter?: string;
  /** Whether the hub expects a registration secret (its value is only used by hubClient). */
  hubHasSecret?: boolean;
  runningTimeoutMs?: number;
  readyTimeoutMs?: number;
  drainTimeoutMs?: number;
  /** Seconds between the running-waiter's polls. */
  waiterDelay?: { min: number; max: number };
  newToken?: () => string;
  clock?: WaitClock;
  log?: (line: string) => void;
};

const liveStates = ['pending', 'running', 'stopping', 'stopped'];

export class Ec2NodeProvider implements NodeProvider {
  readonly name = 'ec2' as const;
  readonly pool: string;
  readonly #o: Ec2ProviderOptions & Required<Pick<Ec2ProviderOptions,
    'instanceType' | 'nodePort' | 'nodeAddress' | 'maxLifetimeMinutes' | 'runningTimeoutMs' | 'readyTimeoutMs' | 'drainTimeoutMs' | 'waiterDelay' | 'newToken' | 'clock' | 'log'>>;

  constructor(options: Ec2ProviderOptions) {
    this.pool = checkId('pool', options.pool);
    checkId('run id', options.runId);
    // A provider that only finds and removes instances (sweep) has no AMI.
    if (options.ami !== undefined && !/^ami-[0-9a-f]{8,17}$/.test(options.ami)) throw new UsageError(`--ami ${JSON.stringify(options.ami ?? '')} is not an AMI id (ami-...)`);
    if (isLoopbackHost(options.hub.eventBusHost)) {
      options.log?.(`ec2: warning: hub ${options.hub.url} is on loopback; instances cannot reach it there`);
    }
    if (options.hubHasSecret && !options.secretParameter) {
      throw new UsageError(
        'the hub uses a registration secret: give --secret-parameter NAME, an SSM SecureString holding it, and an --instance-profile ' +
          'allowed ssm:GetParameter on it (grid-run never puts the secret into user-data)',
      );
    }
    if (options.secretParameter && !options.instanceProfile) {
      throw new UsageError('--secret-parameter needs --instance-profile: the instance reads the parameter with its own role');
    }
    this.#o = {
      instanceType: 'c6i.large',
      nodePort: 5555,
      nodeAddress: 'private',
      maxLifetimeMinutes: 240,
      runningTimeoutMs: 300_000,
      readyTimeoutMs: 600_000,
      drainTimeoutMs: 600_000,
      waiterDelay: { min: 5, max: 15 },
      newToken: () => randomUUID(),
      clock: systemWaitClock,
      log: () => undefined,
      ...options,
    };
  }

  /** The RunInstances input for `count` nodes, without market options or token. Exposed for tests and --dry-run. */
  launchInput(count: number): RunInstancesCommandInput {
    const o = this.#o;
    if (!o.ami) throw new UsageError('--provider ec2 needs --ami to launch nodes');
    const userData = renderUserData({
      pool: this.pool,
      runId: o.runId,
      image: o.image,
      hub: o.hub,
      slots: o.slots,
      nodePort: o.nodePort,
      maxLifetimeMinutes: o.maxLifetimeMinutes,
      nodeAddress: o.nodeAddress,
      region: o.region,
      secretParameter: o.secretParameter,
    });
    const tags = [
      { Key: 'Name', Value: `grid-run-node-${this.pool}` },
      { Key: labels.managedBy, Value: 'grid-run' },
      { Key: labels.pool, Value: this.pool },
      { Key: labels.runId, Value: o.runId },
      { Key: labels.nodePort, Value: String(o.nodePort) },
      ...(o.owner ? [{ Key: labels.owner, Value: o.owner }] : []),
    ];
    const profile = o.instanceProfile
      ? o.instanceProfile.startsWith('arn:')
        ? { Arn: o.instanceProfile }
        : { Name: o.instanceProfile }
      : undefined;
    return {
      ImageId: o.ami,
      InstanceType: o.instanceType as _InstanceType,
      MinCount: count,
      MaxCount: count,
      UserData: Buffer.from(userData, 'utf8').toString('base64'),
      InstanceInitiatedShutdownBehavior: 'terminate',
      MetadataOptions: { HttpTokens: 'required', HttpEndpoint: 'enabled', HttpPutResponseHopLimit: 1 },
      TagSpecifications: [
        { ResourceType: 'instance', Tags: tags },
        { ResourceType: 'volume', Tags: tags },
      ],
      ...(o.subnetId ? { SubnetId: o.subnetId } : {}),
      ...(o.securityGroupIds?.length ? { SecurityGroupIds: o.securityGroupIds } : {}),
      ...(o.keyName ? { KeyName: o.keyName } : {}),
      ...(profile ? { IamInstanceProfile: profile } : {}),
    };
  }

  async provision(count: number, options: { signal?: AbortSignal } = {}): Promise<ProvisionedNode[]> {
    if (count <= 0) return [];
    const o = this.#o;
    const instances = await this.#launch(count);
    const ids = instances.map((i) => i.InstanceId!);
    o.log(`ec2: launched ${ids.join(', ')} (${o.instanceType}); waiting for them to run and register at ${o.hub.url}`);
    let nodes: ProvisionedNode[];
    try {
      await this.#waitRunning(ids);
      nodes = (await this.#describe([{ Name: 'instance-id', Values: ids }])).map((i) => this.#node(i));
    } catch (err) {
      await this.#terminate(ids);
      throw err;
    }
    const results = await Promise.allSettled(
      nodes.map((node) =>
        waitRegistered(o.hubClient, () => node.uri, {
          slots: o.slots,
          timeoutMs: o.readyTimeoutMs,
          intervalMs: 5000,
          signal: options.signal,
          clock: o.clock,
          describe: `ec2 node ${node.id} (${node.uri ?? 'no address'})`,
        }),
      ),
    );
    const failed = nodes.filter((_, i) => results[i]!.status === 'rejected');
    if (failed.length > 0) {
      await this.#terminate(failed.map((n) => n.id));
      const reasons = results.flatMap((r) => (r.status === 'rejected' ? [errorMessage(r.reason)] : []));
      throw new InfrastructureError(
        `${failed.length} of ${count} ec2 node(s) did not register and were terminated` +
          (failed.length < count ? ` (${count - failed.length} ready and kept in pool ${this.pool})` : '') +
          `:\n${reasons.join('\n')}\n  the boot log is in the instance console output (aws ec2 get-console-output --instance-id ID)`,
      );
    }
    o.log(`ec2: ${nodes.length} node(s) registered at ${o.hub.url}`);
    return nodes;
  }

  async list(): Promise<ProvisionedNode[]> {
    return (await this.#describe(this.#tagFilters({ pool: this.pool }))).map((i) => this.#node(i));
  }

  async drain(node: ProvisionedNode, options: { signal?: AbortSignal } = {}): Promise<void> {
    await drainAndWait(this.#o.hubClient, node.uri, {
      timeoutMs: this.#o.drainTimeoutMs,
      intervalMs: 5000,
      signal: options.signal,
      clock: this.#o.clock,
      describe: `ec2 node ${node.id} (${node.uri})`,
    });
  }

  async remove(node: ProvisionedNode): Promise<void> {
    await deregister(this.#o.hubClient, node.uri);
    await this.#terminate([node.id]);
  }

  async find(filter: SweepFilter): Promise<ProvisionedNode[]> {
    if (filter.pool !== undefined) checkId('pool', filter.pool);
    if (filter.runId !== undefined) checkId('run id', filter.runId);
    return (await this.#describe(this.#tagFilters(filter))).map((i) => this.#node(i));
  }

  async sweep(filter: SweepFilter): Promise<ProvisionedNode[]> {
    const nodes = await this.find(filter);
    await Promise.allSettled(nodes.map((n) => deregister(this.#o.hubClient, n.uri)));
    await this.#terminate(nodes.map((n) => n.id));
    return nodes;
  }

  /** RunInstances: spot first when asked, on-demand when spot has no capacity; the SDK's retries resend the same token. */
  async #launch(count: number): Promise<Instance[]> {
    const o = this.#o;
    const base = this.launchInput(count);
    const context = { instanceType: o.instanceType, subnet: o.subnetId };
    // One token per market: a retry with the same token and input returns the same launch
    // instead of a second one; the on-demand fallback is a different request, so a new token.
    const token = o.newToken();
    if (o.spot) {
      const spotInput: RunInstancesCommandInput = {
        ...base,
        ClientToken: `${token}-spot`.slice(0, 64),
        InstanceMarketOptions: {
          MarketType: 'spot',
          SpotOptions: {
            SpotInstanceType: 'one-time',
            InstanceInterruptionBehavior: 'terminate',
            ...(o.spotMaxPrice ? { MaxPrice: o.spotMaxPrice } : {}),
          },
        },
      };
      try {
        return await this.#run(spotInput);
      } catch (err) {
        if (awsErrorKind(err) !== 'capacity') throw explainAwsError('launching spot instances', err, context);
        o.log(`ec2: no spot capacity for ${o.instanceType} (${awsErrorCode(err)}); falling back to on-demand`);
      }
    }
    try {
      return await this.#run({ ...base, ClientToken: `${token}-od`.slice(0, 64) });
    } catch (err) {
      throw explainAwsError('launching instances', err, context);
    }
  }

  async #run(input: RunInstancesCommandInput): Promise<Instance[]> {
    let output: RunInstancesCommandOutput;
    try {
      output = await this.#o.client.send(new RunInstancesCommand(input));
    } catch (err) {
      // A request that failed after AWS acted on it (a lost response, throttled retries
      // giving up) may still have launched something under this token: end it.
      await this.#terminateByToken(input.ClientToken!);
      throw err;
    }
    const instances = output.Instances ?? [];
    if (instances.length < (input.MinCount ?? 1)) {
      await this.#terminate(instances.map((i) => i.InstanceId!).filter(Boolean));
      throw new InfrastructureError(`ec2: RunInstances returned ${instances.length} of ${input.MinCount} instances; those were terminated`);
    }
    return instances;
  }

  async #waitRunning(ids: string[]): Promise<void> {
    const o = this.#o;
    try {
      await waitUntilInstanceRunning(
        {
          client: o.client as EC2Client,
          maxWaitTime: Math.max(1, Math.round(o.runningTimeoutMs / 1000)),
          minDelay: o.waiterDelay.min,
          maxDelay: o.waiterDelay.max,
        },
        { InstanceIds: ids },
      );
    } catch (err) {
      const kind = awsErrorKind(err);
      if (kind !== 'other' && kind !== 'not-found') throw explainAwsError('waiting for instances to run', err);
      throw new InfrastructureError(
        `ec2: instances ${ids.join(', ')} did not reach "running" within ${Math.round(o.runningTimeoutMs / 1000)} s (${errorMessage(err).split('\n')[0]}); they are being terminated`,
        { cause: err },
      );
    }
  }

  async #describe(filters: Filter[]): Promise<Instance[]> {
    const found: Instance[] = [];
    let next: string | undefined;
    do {
      const page: DescribeInstancesCommandOutput = await this.#o.client.send(new DescribeInstancesCommand({ Filters: filters, NextToken: next })).catch((err: unknown) => {
        throw explainAwsError('listing instances', err);
      });
      for (const r of page.Reservations ?? []) found.push(...(r.Instances ?? []));
      next = page.NextToken;
    } while (next);
    return found;
  }

  async #terminate(ids: string[]): Promise<void> {
    for (let i = 0; i < ids.length; i += 1000) {
      const batch = ids.slice(i, i + 1000);
      if (batch.length === 0) continue;
      try {
        await this.#o.client.send(new TerminateInstancesCommand({ InstanceIds: batch }));
        this.#o.log(`ec2: terminating ${batch.join(', ')}`);
      } catch (err) {
        if (awsErrorKind(err) === 'not-found') continue;
        throw explainAwsError(`terminating ${batch.join(', ')} (terminate them by hand, or run \`grid-run scale-nodes 0 --provider ec2 --pool ${this.pool}\`)`, err);
      }
    }
  }

  async #terminateByToken(token: string): Promise<void> {
    try {
      const launched = await this.#describe([
        { Name: 'client-token', Values: [token] },
        { Name: 'instance-state-name', Values: liveStates },
      ]);
      await this.#terminate(launched.map((i) => i.InstanceId!).filter(Boolean));
    } catch (err) {
      this.#o.log(`ec2: could not check for instances left by a failed launch (${errorMessage(err)}); sweep the pool to be sure`);
    }
  }

  #tagFilters(filter: SweepFilter): Filter[] {
    const filters: Filter[] = [
      { Name: `tag:${labels.managedBy}`, Values: ['grid-run'] },
      { Name: 'instance-state-name', Values: liveStates },
    ];
    if (filter.pool !== undefined) filters.push({ Name: `tag:${labels.pool}`, Values: [filter.pool] });
    if (filter.runId !== undefined) filters.push({ Name: `tag:${labels.runId}`, Values: [filter.runId] });
    return filters;
  }

  #node(i: Instance): ProvisionedNode {
    const tag = (k: string) => i.Tags?.find((t) => t.Key === k)?.Value;
    const address = this.#o.nodeAddress === 'public' ? i.PublicIpAddress : i.PrivateIpAddress;
    const port = tag(labels.nodePort) ?? String(this.#o.nodePort);
    const state = i.State?.Name ?? 'unknown';
    return {
      provider: 'ec2',
      id: i.InstanceId ?? '',
      pool: tag(labels.pool) ?? this.pool,
      runId: tag(labels.runId) ?? '',
      uri: address ? `http://${address}:${port}` : undefined,
      state,
      alive: state === 'pending' || state === 'running',
      createdAt: (i.LaunchTime ?? new Date(0)).toISOString(),
      ...(tag(labels.owner) ? { owner: tag(labels.owner) } : {}),
    };
  }
}
