// The Docker/EC2 node options shared by `scale-nodes` and `run --provider` (each also a key of
// grid-run.config.json), and their mapping to the plain NodePoolConfig src/nodes builds from.
import { resolve } from 'node:path';
import type { Command } from 'commander';
import { eventBusFromState } from '../grid/local-grid.ts';
import type { NodePoolConfig } from '../nodes/create.ts';
import { defaultNodeImage } from '../nodes/image.ts';
import type { ProviderName } from '../nodes/provider.ts';
import { option } from './options.ts';

export const nodePoolDefaults = {
  image: undefined as string | undefined,
  eventBusHost: undefined as string | undefined,
  eventBusPublishPort: undefined as number | undefined,
  eventBusSubscribePort: undefined as number | undefined,
  readyTimeout: 180,
  drainTimeout: 600,
  nodeHost: undefined as string | undefined,
  region: undefined as string | undefined,
  ami: undefined as string | undefined,
  instanceType: undefined as string | undefined,
  subnet: undefined as string | undefined,
  securityGroup: undefined as string[] | undefined,
  keyName: undefined as string | undefined,
  instanceProfile: undefined as string | undefined,
  spot: false,
  spotMaxPrice: undefined as string | undefined,
  maxLifetime: 240,
  secretParameter: undefined as string | undefined,
  nodeAddress: 'private',
  stateDir: '.grid-run/grid',
};

export type NodePoolSettings = Readonly<typeof nodePoolDefaults>;

export function addNodePoolOptions(cmd: Command): Command {
  const d = nodePoolDefaults;
  return cmd
    .addOption(option('image', `node image (docker default ${defaultNodeImage}; ec2: one the instances can pull)`, 'ref'))
    .addOption(option('eventBusHost', "event bus host (default the hub's host)", 'host'))
    .addOption(option('eventBusPublishPort', 'event bus publish port (default hub port - 2)', 'port'))
    .addOption(option('eventBusSubscribePort', 'event bus subscribe port (default hub port - 1)', 'port'))
    .addOption(option('stateDir', `state directory of \`grid up\`, where the event bus of a hub it started is found (default ${d.stateDir})`, 'dir'))
    .addOption(option('readyTimeout', `seconds a new node may take to register (default ${d.readyTimeout})`, 'seconds'))
    .addOption(option('drainTimeout', `seconds a draining node's sessions may take (default ${d.drainTimeout})`, 'seconds'))
    .addOption(option('nodeHost', 'docker: address nodes advertise to the hub (default 127.0.0.1 for a loopback hub)', 'address'))
    .addOption(option('region', 'ec2: AWS region', 'region'))
    .addOption(option('ami', 'ec2: AMI id (any Linux with systemd; Docker is installed if missing)', 'id'))
    .addOption(option('instanceType', 'ec2: instance type (default c6i.large)', 'type'))
    .addOption(option('subnet', 'ec2: subnet id', 'id'))
    .addOption(option('securityGroup', 'ec2: security group ids; they must let the hub reach the node port and the node reach the event bus', 'id'))
    .addOption(option('keyName', 'ec2: key pair for SSH', 'name'))
    .addOption(option('instanceProfile', 'ec2: instance profile (needed for --secret-parameter or an ECR image)', 'name|arn'))
    .addOption(option('spot', 'ec2: use spot instances, falling back to on-demand when spot has no capacity'))
    .addOption(option('spotMaxPrice', 'ec2: spot price cap per hour', 'usd'))
    .addOption(option('maxLifetime', `ec2: minutes after which instances shut down (terminate), whatever happens (default ${d.maxLifetime})`, 'minutes'))
    .addOption(option('secretParameter', 'ec2: SSM SecureString with the registration secret, read by the instance at boot', 'name'))
    .addOption(option('nodeAddress', `ec2: instance address the node advertises, private or public (default ${d.nodeAddress})`, 'which'));
}

export type NodePoolBase = {
  provider: ProviderName;
  hub: string;
  pool: string;
  runId: string;
  /** The `run` that owns the nodes; none for a scale-nodes pool. */
  owner?: string;
  slots: number;
  secret?: string;
  /** The event bus when the caller knows it (an embedded hub); the options still win. */
  eventBus?: { host?: string; publishPort?: number; subscribePort?: number };
};

/**
 * The event bus of a hub `grid up` started (its state file) when the options do not name one:
 * such a hub may have moved its bus off the conventional ports because they were taken.
 */
export async function eventBusOfGridUp(s: NodePoolSettings, hubUrl: string, cwd: string): Promise<NodePoolBase['eventBus']> {
  if (s.eventBusPublishPort !== undefined && s.eventBusSubscribePort !== undefined) return undefined;
  return eventBusFromState(resolve(cwd, s.stateDir), hubUrl);
}

export function nodePoolConfig(base: NodePoolBase, s: NodePoolSettings): NodePoolConfig {
  return {
    provider: base.provider,
    hub: base.hub,
    pool: base.pool,
    runId: base.runId,
    owner: base.owner,
    slots: base.slots,
    secret: base.secret,
    image: s.image,
    eventBus: {
      host: s.eventBusHost ?? base.eventBus?.host,
      publishPort: s.eventBusPublishPort ?? base.eventBus?.publishPort,
      subscribePort: s.eventBusSubscribePort ?? base.eventBus?.subscribePort,
    },
    readyTimeoutMs: s.readyTimeout * 1000,
    drainTimeoutMs: s.drainTimeout * 1000,
    docker: s.nodeHost ? { nodeHost: s.nodeHost } : undefined,
    ec2:
      base.provider === 'ec2'
        ? {
            region: s.region,
            ami: s.ami,
            instanceType: s.instanceType,
            subnetId: s.subnet,
            securityGroupIds: s.securityGroup ? [...s.securityGroup] : undefined,
            keyName: s.keyName,
            instanceProfile: s.instanceProfile,
            spot: s.spot,
            spotMaxPrice: s.spotMaxPrice,
            maxLifetimeMinutes: s.maxLifetime,
            secretParameter: s.secretParameter,
            nodeAddress: s.nodeAddress as 'private' | 'public',
          }
        : undefined,
  };
}
