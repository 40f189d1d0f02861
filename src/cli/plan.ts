// `plan`: the chunks `run` would make for these sites, without running anything.
import type { Command } from 'commander';
import { plan, expectedMs, lowerBound, defaultSiteMs } from '../plan/plan.ts';
import type { CommandContext } from './context.ts';
import { configFor, option } from './options.ts';
import { bundledSites, embeddedGrid } from './defaults.ts';
import { addSiteOptions, loadSiteInputs, siteFilterDefaults } from './site-inputs.ts';

const planDefaults = {
  sites: [bundledSites] as string[],
  history: undefined as string | undefined,
  chunks: undefined as number | undefined,
  chunkSize: undefined as number | undefined,
  // The slots of run's embedded grid: the chunk count `run` would use there.
  concurrency: embeddedGrid.nodes * embeddedGrid.slots,
  json: false,
  ...siteFilterDefaults,
};

export function registerPlan(program: Command, ctx: CommandContext): void {
  const command = program
    .command('plan')
    .description('Print the chunks run would make: balanced by recorded durations (--history), by count otherwise.');
  addSiteOptions(command)
    .addOption(option('history', 'timing history (a results.json of an earlier run)', 'file'))
    .addOption(option('chunks', 'number of chunks (default: one per slot)', 'n'))
    .addOption(option('chunkSize', 'sites per chunk (instead of --chunks)', 'k'))
    .addOption(option('concurrency', `slots the chunks are for (default ${planDefaults.concurrency}, the embedded grid's)`, 'n'))
    .addOption(option('json', 'print the plan as JSON'))
    .addHelpText('after', '\nExamples:\n  grid-run plan --sites sites/ --chunks 4\n  grid-run plan --history results.json --concurrency 16 --json\n')
    .action(async (_opts: unknown, cmd: Command) => {
      const config = configFor(cmd, ctx, planDefaults);
      const { sites, history } = await loadSiteInputs(config, ctx);
      const ids = sites.map((s) => s.id);
      const chunks = plan(ids, { chunks: config.chunks, chunkSize: config.chunkSize, defaultChunks: config.concurrency, history });
      const durations = ids.map((id) => expectedMs(id, { history }));
      const known = ids.filter((id) => history.has(id)).length;
      const bound = lowerBound(durations, config.concurrency);
      const longest = Math.max(...chunks.map((c) => c.estimatedMs));
      if (config.json) {
        ctx.out(JSON.stringify({ sites: ids.length, withHistory: known, defaultSiteMs, slots: config.concurrency, lowerBoundMs: bound, chunks }, null, 2));
        return;
      }
      const basis = known > 0 ? `by recorded duration (${known} of ${ids.length} sites; others count ${defaultSiteMs / 1000} s)` : 'by count (no history)';
      ctx.out(`${ids.length} sites in ${chunks.length} chunks for ${config.concurrency} slots, balanced ${basis}`);
      for (const chunk of chunks) {
        const shown = chunk.siteIds.slice(0, 5).join(', ') + (chunk.siteIds.length > 5 ? `, ... (${chunk.siteIds.length - 5} more)` : '');
        ctx.out(`  chunk ${chunk.index + 1}: ${chunk.siteIds.length} sites, ~${shownSeconds(chunk.estimatedMs)}: ${shown}`);
      }
      ctx.out(`longest chunk ~${shownSeconds(longest)}; no schedule on ${config.concurrency} slots can take less than ~${shownSeconds(bound)}`);
    });
}

const shownSeconds = (ms: number) => `${(ms / 1000).toFixed(1)} s`;
