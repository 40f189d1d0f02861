// Grid nodes as EC2 instances that run the node image in Docker (see user-data.ts). The SDK is
// reached only through `send(command)` (instances.ts), so aws-sdk-client-mock can stand in for AWS.
import { randomUUID } from 'node:crypto';
import type { RunInstancesCommandInput } from '@aws-sdk/client-ec2';
import type { HubClient } from '../../grid/hub-client.ts';
import { UsageError } from '../../errors.ts';
import { isLoopbackHost } from '../../grid/loopback.ts';
import { checkId, type HubEndpoint, type NodeProvider, type ProvisionedNode, type SweepFilter } from '../provider.ts';
import { deregister, drainAndWait, keepRegistered, waitRegistered } from '../registration.ts';
import { systemWaitClock, type WaitClock } from '../../wait.ts';
import type { Ec2Api } from './client.ts';
import { Ec2Instances, idsOf } from './instances.ts';
import { launch } from './launch.ts';
import { launchInput } from './launch-input.ts';
import { instanceNode, tagFilters, type NodeDefaults } from './tags.ts';

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

type Defaulted = 'instanceType' | 'nodePort' | 'nodeAddress' | 'maxLifetimeMinutes' | 'runningTimeoutMs' | 'readyTimeoutMs' | 'drainTimeoutMs' | 'waiterDelay' | 'newToken' | 'clock' | 'log';

/** An instance boots Docker and pulls the image before its node registers: it is polled less often than a container. */
const hubPollMs = 5000;

export class Ec2NodeProvider implements NodeProvider {
  readonly name = 'ec2' as const;
  readonly pool: string;
  readonly #o: Ec2ProviderOptions & Required<Pick<Ec2ProviderOptions, Defaulted>>;
  readonly #instances: Ec2Instances;
  readonly #nodeDefaults: NodeDefaults;

  constructor(options: Ec2ProviderOptions) {
    this.pool = checkId('pool', options.pool);
    checkId('run id', options.runId);
    checkLaunchOptions(options);
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
    this.#instances = new Ec2Instances(this.#o.client, this.pool, this.#o.log);
    this.#nodeDefaults = { pool: this.pool, nodePort: this.#o.nodePort, nodeAddress: this.#o.nodeAddress };
  }

  /** The RunInstances input for `count` nodes, without market options or token. Exposed for tests and --dry-run. */
  launchInput(count: number): RunInstancesCommandInput {
    const o = this.#o;
    if (!o.ami) throw new UsageError('--provider ec2 needs --ami to launch nodes');
    return launchInput({ ...o, pool: this.pool, ami: o.ami }, count);
  }

  async provision(count: number, options: { signal?: AbortSignal } = {}): Promise<ProvisionedNode[]> {
    if (count <= 0) return [];
    const nodes = await this.#startInstances(count);
    await keepRegistered(nodes, {
      wait: (node) => this.#waitRegistered(node, options.signal),
      remove: (failed) => this.#instances.terminate(failed.map((n) => n.id)),
      provider: 'ec2',
      removed: 'terminated',
      pool: this.pool,
      hint: 'the boot log is in the instance console output (aws ec2 get-console-output --instance-id ID)',
    });
    this.#o.log(`ec2: ${nodes.length} node(s) registered at ${this.#o.hub.url}`);
    return nodes;
  }

  list(): Promise<ProvisionedNode[]> {
    return this.find({ pool: this.pool });
  }

  async drain(node: ProvisionedNode, options: { signal?: AbortSignal } = {}): Promise<void> {
    await drainAndWait(this.#o.hubClient, node.uri, {
      timeoutMs: this.#o.drainTimeoutMs,
      intervalMs: hubPollMs,
      signal: options.signal,
      clock: this.#o.clock,
      describe: describeNode(node),
    });
  }

  async remove(node: ProvisionedNode): Promise<void> {
    await deregister(this.#o.hubClient, node.uri);
    await this.#instances.terminate([node.id]);
  }

  async find(filter: SweepFilter): Promise<ProvisionedNode[]> {
    const found = await this.#instances.describe(tagFilters(filter));
    return found.map((i) => instanceNode(i, this.#nodeDefaults));
  }

  async sweep(filter: SweepFilter): Promise<ProvisionedNode[]> {
    const nodes = await this.find(filter);
    await Promise.allSettled(nodes.map((n) => deregister(this.#o.hubClient, n.uri)));
    await this.#instances.terminate(nodes.map((n) => n.id));
    return nodes;
  }

  /** Launched and running, with their addresses; all terminated if they do not get there. */
  async #startInstances(count: number): Promise<ProvisionedNode[]> {
    const o = this.#o;
    const market = { spot: o.spot, spotMaxPrice: o.spotMaxPrice, token: o.newToken(), instanceType: o.instanceType, subnetId: o.subnetId };
    const ids = idsOf(await launch(this.#instances, this.launchInput(count), market, o.log));
    o.log(`ec2: launched ${ids.join(', ')} (${o.instanceType}); waiting for them to run and register at ${o.hub.url}`);
    try {
      await this.#instances.waitRunning(ids, { timeoutMs: o.runningTimeoutMs, delay: o.waiterDelay });
      // A public address comes with "running": the launch's answer may not have it.
      const running = await this.#instances.describe([{ Name: 'instance-id', Values: ids }]);
      return running.map((i) => instanceNode(i, this.#nodeDefaults));
    } catch (err) {
      await this.#instances.terminate(ids);
      throw err;
    }
  }

  async #waitRegistered(node: ProvisionedNode, signal: AbortSignal | undefined): Promise<void> {
    await waitRegistered(this.#o.hubClient, () => node.uri, {
      slots: this.#o.slots,
      timeoutMs: this.#o.readyTimeoutMs,
      intervalMs: hubPollMs,
      signal,
      clock: this.#o.clock,
      describe: describeNode(node),
    });
  }
}

/** What can be checked before anything is launched: the AMI id, and a hub secret only through SSM. */
function checkLaunchOptions(options: Ec2ProviderOptions): void {
  // A provider that only finds and removes instances (sweep) has no AMI.
  if (options.ami !== undefined && !/^ami-[0-9a-f]{8,17}$/.test(options.ami)) throw new UsageError(`--ami ${JSON.stringify(options.ami)} is not an AMI id (ami-...)`);
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
}

function describeNode(node: ProvisionedNode): string {
  return `ec2 node ${node.id} (${node.uri ?? 'no address'})`;
}
