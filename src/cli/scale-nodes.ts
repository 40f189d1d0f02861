// `scale-nodes <count>`: make a pool of Docker or EC2 nodes exactly `count` big.
import { InvalidArgumentError, Option, type Command } from 'commander';
import { UsageError } from '../errors.ts';
import { createProvider, defaultNodeImage, type NodePoolConfig } from '../nodes/create.ts';
import { scaleTo } from '../nodes/scale.ts';
import type { CommandContext } from './context.ts';
import { configFor, option } from './options.ts';

const int = (min: number, max: number) => (raw: string) => {
  const value = /^\d+$/.test(raw) ? Number(raw) : NaN;
  if (!Number.isInteger(value) || value < min || value > max) throw new InvalidArgumentError(`expected a whole number from ${min} to ${max}.`);
  return value;
};
const collect = (value: string, previous: string[] = []) => [...previous, value];

type ScaleOpts = {
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
  json?: boolean;
};

export function registerScaleNodes(program: Command, ctx: CommandContext): void {
  program
    .command('scale-nodes')
    .description("Make a pool's node count equal <count> (Docker containers or EC2 instances); scaling down drains first; 0 removes the pool.")
    .argument('<count>', 'nodes the pool should have', int(0, 500))
    .addOption(option('provider', 'where nodes run: docker or ec2', 'name'))
    .addOption(option('hub', 'hub URL the nodes register with', 'url'))
    .addOption(option('pool', 'pool name; nodes are labelled/tagged with it (default "default")', 'name'))
    .addOption(option('slots', 'concurrent sessions per node (default 1)', 'n'))
    .addOption(option('secret', "the hub's registration secret", 'secret'))
    .option('--image <ref>', `node image (docker default ${defaultNodeImage}; ec2: one the instances can pull)`)
    .option('--event-bus-host <host>', "event bus host (default the hub's host)")
    .option('--event-bus-publish-port <port>', "event bus publish port (default hub port - 2)", int(1, 65535))
    .option('--event-bus-subscribe-port <port>', 'event bus subscribe port (default hub port - 1)', int(1, 65535))
    .option('--ready-timeout <seconds>', 'how long a new node may take to register', int(1, 3600), 180)
    .option('--drain-timeout <seconds>', "how long a draining node's sessions may take", int(1, 86_400), 600)
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
    .option('--max-lifetime <minutes>', 'ec2: instances shut down (terminate) after this long, whatever happens', int(5, 10_080), 240)
    .option('--secret-parameter <name>', 'ec2: SSM SecureString with the registration secret, read by the instance at boot')
    .addOption(new Option('--node-address <which>', 'ec2: instance address the node advertises').choices(['private', 'public']).default('private'))
    .option('--json', 'print the result as JSON')
    .addHelpText(
      'after',
      `
Examples:
  grid-run scale-nodes 2 --provider docker --hub http://127.0.0.1:4444
  grid-run scale-nodes 0 --provider docker --hub http://127.0.0.1:4444       # remove the pool
  grid-run scale-nodes 20 --provider ec2 --hub http://10.0.0.5:4444 --region eu-west-1 \\
      --ami ami-0123456789abcdef0 --image 123456789012.dkr.ecr.eu-west-1.amazonaws.com/grid-run-node:0.1.0 \\
      --subnet subnet-0abc --security-group sg-0abc --instance-profile grid-run-node \\
      --secret-parameter /grid-run/registration-secret --spot
`,
    )
    .action(async (count: number, opts: ScaleOpts, cmd: Command) => {
      const config = configFor(cmd, ctx, {
        provider: undefined as string | undefined,
        hub: undefined as string | undefined,
        pool: 'default',
        slots: 1,
        secret: undefined as string | undefined,
      });
      if (config.provider !== 'docker' && config.provider !== 'ec2') throw new UsageError('scale-nodes needs --provider docker or --provider ec2');
      if (!config.hub) throw new UsageError('scale-nodes needs --hub URL (or GRID_RUN_HUB): the hub the nodes register with');
      const poolConfig: NodePoolConfig = {
        provider: config.provider,
        hub: config.hub,
        pool: config.pool,
        runId: `scale-${new Date().toISOString().replace(/\D/g, '').slice(0, 14)}`,
        slots: config.slots,
        secret: config.secret,
        image: opts.image,
        eventBus: { host: opts.eventBusHost, publishPort: opts.eventBusPublishPort, subscribePort: opts.eventBusSubscribePort },
        readyTimeoutMs: opts.readyTimeout * 1000,
        drainTimeoutMs: opts.drainTimeout * 1000,
        docker: opts.nodeHost ? { nodeHost: opts.nodeHost } : undefined,
        ec2:
          config.provider === 'ec2'
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
      const { provider, hub } = createProvider(poolConfig, { env: ctx.env, log: (line) => ctx.err(line) });
      const result = await scaleTo(provider, count, { hub, signal: ctx.signal, log: (line) => ctx.err(line) });
      if (opts.json) {
        ctx.out(JSON.stringify({ provider: provider.name, pool: provider.pool, hub: hub.url, ...result }, null, 2));
      } else {
        const changes = [
          result.added.length ? `added ${result.added.length}` : '',
          result.removed.length ? `drained and removed ${result.removed.length}` : '',
          result.cleaned.length ? `cleaned up ${result.cleaned.length} dead` : '',
        ].filter(Boolean);
        ctx.out(`${provider.name} pool ${provider.pool}: ${result.after} node(s) (was ${result.before})${changes.length ? ': ' + changes.join(', ') : ', nothing to do'}`);
      }
    });
}
