// Builds a NodeProvider from plain configuration. The only place that constructs SDK clients.
import { HttpHubClient, type HubClient } from '../grid/hub-client.ts';
import { UsageError } from '../errors.ts';
import type { WaitClock } from '../wait.ts';
import { checkId, hubEndpoint, type NodeProvider, type ProviderName } from './provider.ts';
import { DockerodeEngine, type ContainerEngine } from './docker/engine.ts';
import { DockerNodeProvider } from './docker/provider.ts';
import { Ec2NodeProvider, type Ec2ProviderOptions } from './ec2/provider.ts';
import { createEc2Client, type Ec2Api } from './ec2/client.ts';

import { defaultNodeImage } from './image.ts';

export { defaultNodeImage };

export type NodePoolConfig = {
  provider: ProviderName;
  /** Hub URL, e.g. http://127.0.0.1:4444. */
  hub: string;
  pool?: string;
  /** Labels/tags every node with it; `run` passes its own, scale-nodes a timestamped one. */
  runId: string;
  /** The `run` process that owns the nodes (src/reaper/owner.ts); none for a scale-nodes pool. */
  owner?: string;
  /** Only finds and removes nodes (`sweep`): no image or AMI is needed. */
  sweepOnly?: boolean;
  /** Sessions per node. */
  slots?: number;
  /** Registration secret of the hub (used for drain/remove, and given to docker nodes). */
  secret?: string;
  image?: string;
  /** Event bus, when not the hub's host with ports hub-2 / hub-1 (Selenium's convention). */
  eventBus?: { host?: string; publishPort?: number; subscribePort?: number };
  readyTimeoutMs?: number;
  drainTimeoutMs?: number;
  docker?: { nodeHost?: string; portRange?: [number, number]; shmSizeBytes?: number };
  ec2?: Partial<
    Pick<
      Ec2ProviderOptions,
      | 'region' | 'ami' | 'instanceType' | 'subnetId' | 'securityGroupIds' | 'keyName' | 'instanceProfile'
      | 'spot' | 'spotMaxPrice' | 'maxLifetimeMinutes' | 'secretParameter' | 'nodeAddress' | 'nodePort'
    >
  >;
};

export type ProviderDeps = {
  env?: NodeJS.ProcessEnv;
  log?: (line: string) => void;
  engine?: ContainerEngine;
  ec2Client?: Ec2Api;
  hubClient?: HubClient;
  clock?: WaitClock;
};

export function createProvider(config: NodePoolConfig, deps: ProviderDeps = {}): { provider: NodeProvider; hub: HubClient } {
  const env = deps.env ?? process.env;
  const pool = checkId('pool', config.pool ?? 'default');
  const hub = hubEndpoint(config.hub, config.eventBus);
  const hubClient = deps.hubClient ?? new HttpHubClient(hub.url, { secret: config.secret });
  const slots = config.slots ?? 1;
  const common = { pool, runId: config.runId, owner: config.owner, hub, hubClient, slots, log: deps.log, clock: deps.clock, readyTimeoutMs: config.readyTimeoutMs, drainTimeoutMs: config.drainTimeoutMs };
  const defined = <T extends object>(o: T): T => Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as T;

  if (config.provider === 'docker') {
    const provider = new DockerNodeProvider(
      defined({
        ...common,
        engine: deps.engine ?? new DockerodeEngine(env),
        image: config.image ?? defaultNodeImage,
        secret: config.secret,
        ...config.docker,
      }),
    );
    return { provider, hub: hubClient };
  }
  if (config.provider === 'ec2') {
    const e = config.ec2 ?? {};
    const region = e.region ?? env.AWS_REGION ?? env.AWS_DEFAULT_REGION;
    if (!region) throw new UsageError('--provider ec2 needs a region: --region, AWS_REGION or AWS_DEFAULT_REGION');
    if (!config.image && !config.sweepOnly) {
      throw new UsageError('--provider ec2 needs --image: a node image the instances can pull (your registry, e.g. ECR, or selenium/node-chrome)');
    }
    if (!e.ami && !config.sweepOnly) throw new UsageError('--provider ec2 needs --ami: an AMI id for the nodes (e.g. Amazon Linux 2023)');
    const provider = new Ec2NodeProvider(
      defined({
        ...common,
        ...e,
        ami: e.ami,
        region,
        image: config.image ?? '',
        hubHasSecret: Boolean(config.secret),
        client: deps.ec2Client ?? createEc2Client(region),
      }),
    );
    return { provider, hub: hubClient };
  }
  throw new UsageError(`--provider must be docker or ec2, got ${JSON.stringify(config.provider)}`);
}
