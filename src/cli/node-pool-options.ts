// The Docker/EC2 node options shared by `scale-nodes` and `run --provider`, and their mapping
// to the plain NodePoolConfig that src/nodes builds a provider from.
import { InvalidArgumentError, Option, type Command } from 'commander';
import { defaultNodeImage, type NodePoolConfig } from '../nodes/create.ts';
import type { ProviderName } from '../nodes/provider.ts';

export const wholeNumber = (min: number, max: number) => (raw: string) => {
  const value = /^\d+$/.test(raw) ? Number(raw) : NaN;
  if (!Number.isInteger(value) || value < min || value > max) throw new InvalidArgumentError(`expected a whole number from ${min} to ${max}.`);
  return value;
};
const collect = (value: string, previous: string[] = []) => [...previous, value];

/** What commander parses from the options below. */
export type NodePoolOpts = {
  image?: string;
  nodeHost?: string;
  eventBusHost?: string;
  eventBusPublishPort?: number;
  eventBusSubscribePort?: number;
  readyTimeout: number;
  drainTimeout: number;
  region?: string;
  ami?: string;
  instanceType?: string;
  subnet?: string;
  securityGroup?: string[];
  keyName?: string;
  instanceProfile?: string;
  spot?: boolean;
  spotMaxPrice?: string;
  maxLifetime: number;
  secretParameter?: string;
  nodeAddress: 'private' | 'public';
};

export function addNodePoolOptions(cmd: Command): Command {
  const port = wholeNumber(1, 65535);
  return cmd
    .option('--image <ref>', `node image (docker default ${defaultNodeImage}; ec2: one the instances can pull)`)
    .option('--event-bus-host <host>', "event bus host (default the hub's host)")
    .option('--event-bus-publish-port <port>', 'event bus publish port (default hub port - 2)', port)
    .option('--event-bus-subscribe-port <port>', 'event bus subscribe port (default hub port - 1)', port)
    .option('--ready-timeout <seconds>', 'how long a new node may take to register', wholeNumber(1, 3600), 180)
    .option('--drain-timeout <seconds>', "how long a draining node's sessions may take", wholeNumber(1, 86_400), 600)
    .option('--node-host <address>', 'docker: address nodes advertise to the hub (default 127.0.0.1 for a loopback hub)')
    .option('--region <region>', 'ec2: AWS region [env AWS_REGION]')
    .option('--ami <id>', 'ec2: AMI id (any Linux with systemd; Docker is installed if missing)')
    .option('--instance-type <type>', 'ec2: instance type (default c6i.large)')
    .option('--subnet <id>', 'ec2: subnet id')
    .option('--security-group <id>', 'ec2: security group id (repeatable); must let the hub reach the node port and the node reach the event bus', collect)
    .option('--key-name <name>', 'ec2: key pair for SSH')
    .option('--instance-profile <name|arn>', 'ec2: instance profile (needed for --secret-parameter or an ECR image)')
    .option('--spot', 'ec2: use spot instances, falling back to on-demand when spot has no capacity')
    .option('--spot-max-price <usd>', 'ec2: spot price cap per hour')
    .option('--max-lifetime <minutes>', 'ec2: instances shut down (terminate) after this long, whatever happens', wholeNumber(5, 10_080), 240)
    .option('--secret-parameter <name>', 'ec2: SSM SecureString with the registration secret, read by the instance at boot')
    .addOption(new Option('--node-address <which>', 'ec2: instance address the node advertises').choices(['private', 'public']).default('private'));
}

export type NodePoolBase = {
  provider: ProviderName;
  hub: string;
  pool: string;
  runId: string;
  slots: number;
  secret?: string;
  /** The event bus when the caller knows it (an embedded hub); the options still win. */
  eventBus?: { host?: string; publishPort?: number; subscribePort?: number };
};

export function nodePoolConfig(base: NodePoolBase, opts: NodePoolOpts): NodePoolConfig {
  return {
    provider: base.provider,
    hub: base.hub,
    pool: base.pool,
    runId: base.runId,
    slots: base.slots,
    secret: base.secret,
    image: opts.image,
    eventBus: {
      host: opts.eventBusHost ?? base.eventBus?.host,
      publishPort: opts.eventBusPublishPort ?? base.eventBus?.publishPort,
      subscribePort: opts.eventBusSubscribePort ?? base.eventBus?.subscribePort,
    },
    readyTimeoutMs: opts.readyTimeout * 1000,
    drainTimeoutMs: opts.drainTimeout * 1000,
    docker: opts.nodeHost ? { nodeHost: opts.nodeHost } : undefined,
    ec2:
      base.provider === 'ec2'
        ? {
            region: opts.region,
            ami: opts.ami,
            instanceType: opts.instanceType,
            subnetId: opts.subnet,
            securityGroupIds: opts.securityGroup,
            keyName: opts.keyName,
            instanceProfile: opts.instanceProfile,
            spot: opts.spot,
            spotMaxPrice: opts.spotMaxPrice,
            maxLifetimeMinutes: opts.maxLifetime,
            secretParameter: opts.secretParameter,
            nodeAddress: opts.nodeAddress,
          }
        : undefined,
  };
}
