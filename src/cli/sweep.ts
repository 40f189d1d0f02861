// `sweep --provider docker|ec2`: removes the nodes of runs whose owner is gone (a CLI that was
// killed before its teardown, on a machine its reaper did not survive either). Nodes of
// scale-nodes pools have no owner and are left alone: `scale-nodes 0` removes those.
import type { Command } from 'commander';
import { InfrastructureError, UsageError } from '../errors.ts';
import { describeOwner, findLeftovers, parseDuration } from '../nodes/leftovers.ts';
import { ownerState } from '../reaper/owner.ts';
import type { CommandContext } from './context.ts';
import { configFor, option } from './options.ts';

export function registerSweep(program: Command, ctx: CommandContext): void {
  program
    .command('sweep')
    .description('Remove Docker containers or EC2 instances of runs whose grid-run process is gone.')
    .addOption(option('provider', 'docker or ec2', 'name'))
    .addOption(option('pool', 'only nodes of this pool', 'name'))
    .addOption(option('olderThan', 'only nodes older than this (e.g. 30m, 2h); needed for nodes of runs on other machines', 'duration'))
    .addOption(option('hub', 'hub to take the nodes off as well (default: the one on 127.0.0.1:4444, if any)', 'url'))
    .addOption(option('region', 'ec2: AWS region', 'region'))
    .addOption(option('json', 'print what was removed as JSON'))
    .addHelpText(
      'after',
      '\nA run labels its nodes with its process (host, pid, start time); a node whose process no longer runs is a leftover.\n' +
        'A run on another machine cannot be checked from here: its nodes go only with --older-than.\n\n' +
        'Examples:\n  grid-run sweep --provider docker\n  grid-run sweep --provider ec2 --region eu-west-1 --older-than 4h\n',
    )
    .action(async (_opts: unknown, cmd: Command) => {
      const config = configFor(cmd, ctx, {
        provider: undefined as string | undefined,
        pool: undefined as string | undefined,
        olderThan: undefined as string | undefined,
        hub: undefined as string | undefined,
        region: undefined as string | undefined,
        json: false,
      });
      if (config.provider !== 'docker' && config.provider !== 'ec2') throw new UsageError('sweep needs --provider docker or --provider ec2');
      const olderThanMs = config.olderThan === undefined ? undefined : parseDuration(config.olderThan);
      const { createProvider } = await import('../nodes/create.ts');
      const { provider } = createProvider(
        {
          provider: config.provider,
          hub: config.hub ?? 'http://127.0.0.1:4444',
          pool: config.pool ?? 'default',
          runId: 'sweep',
          sweepOnly: true,
          ec2: { region: config.region },
        },
        { env: ctx.env, log: ctx.err },
      );
      const found = await provider.find(config.pool === undefined ? {} : { pool: config.pool });
      const { leftovers, unknown } = findLeftovers(found, { ownerState, now: Date.now(), olderThanMs });
      const removed = await Promise.allSettled(leftovers.map((n) => provider.remove(n)));
      const failed = removed.flatMap((r, i) => (r.status === 'rejected' ? [`${leftovers[i]!.id}: ${String(r.reason)}`] : []));
      const done = leftovers.filter((_, i) => removed[i]!.status === 'fulfilled');
      if (config.json) {
        ctx.out(JSON.stringify({ provider: provider.name, removed: done, notChecked: unknown, failed }, null, 2));
      } else {
        for (const n of done) ctx.out(`removed ${provider.name} node ${n.id.slice(0, 19)} (pool ${n.pool}, ${describeOwner(n)})`);
        ctx.out(`sweep ${provider.name}: removed ${done.length} node(s) of runs whose process is gone`);
        if (unknown.length > 0) {
          ctx.out(`left ${unknown.length} node(s) of runs on other machines (not checkable from here); --older-than DURATION removes those older than it`);
        }
      }
      if (failed.length > 0) {
        throw new InfrastructureError(`sweep could not remove ${failed.length} node(s):\n${failed.join('\n')}`);
      }
    });
}
