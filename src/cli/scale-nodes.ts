// `scale-nodes <count>`: make a pool of Docker or EC2 nodes exactly `count` big.
import { InvalidArgumentError, type Command } from 'commander';
import { UsageError } from '../errors.ts';
import { scaleTo } from '../nodes/scale.ts';
import { noticeLeftovers } from '../nodes/leftovers.ts';
import type { CommandContext } from './context.ts';
import { configFor, option } from './options.ts';
import { addNodePoolOptions, eventBusOfGridUp, nodePoolConfig, nodePoolDefaults } from './node-pool-options.ts';

const wholeNumber = (min: number, max: number) => (raw: string) => {
  const value = /^\d+$/.test(raw) ? Number(raw) : NaN;
  if (!Number.isInteger(value) || value < min || value > max) throw new InvalidArgumentError(`expected a whole number from ${min} to ${max}.`);
  return value;
};

export function registerScaleNodes(program: Command, ctx: CommandContext): void {
  const command = program
    .command('scale-nodes')
    .description("Make a pool's node count equal <count> (Docker containers or EC2 instances); scaling down drains first; 0 removes the pool.")
    .argument('<count>', 'nodes the pool should have', wholeNumber(0, 500))
    .addOption(option('provider', 'where nodes run: docker or ec2', 'name'))
    .addOption(option('hub', 'hub URL the nodes register with', 'url'))
    .addOption(option('pool', 'pool name; nodes are labelled/tagged with it (default "default")', 'name'))
    .addOption(option('slots', 'concurrent sessions per node (default 1)', 'n'))
    .addOption(option('secret', "the hub's registration secret", 'secret'));
  addNodePoolOptions(command)
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
    .action(async (count: number, opts: { json?: boolean }, cmd: Command) => {
      const config = configFor(cmd, ctx, {
        provider: undefined as string | undefined,
        hub: undefined as string | undefined,
        pool: 'default',
        slots: 1,
        secret: undefined as string | undefined,
        ...nodePoolDefaults,
      });
      if (config.provider !== 'docker' && config.provider !== 'ec2') throw new UsageError('scale-nodes needs --provider docker or --provider ec2');
      if (!config.hub) throw new UsageError('scale-nodes needs --hub URL (or GRID_RUN_HUB): the hub the nodes register with');
      const runId = `scale-${new Date().toISOString().replace(/\D/g, '').slice(0, 14)}`;
      const eventBus = await eventBusOfGridUp(config, config.hub, ctx.cwd);
      const poolConfig = nodePoolConfig({ ...config, provider: config.provider, hub: config.hub, runId, eventBus }, config);
      // Loaded here, not at start-up: no other command pays for the provider SDKs' memory (README, Performance).
      const { createProvider } = await import('../nodes/create.ts');
      const { provider, hub } = createProvider(poolConfig, { env: ctx.env, log: (line) => ctx.err(line) });
      await noticeLeftovers(provider, ctx.err);
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
