// `compare OLD.json NEW.json`: what changed between two runs, site by site and in the
// detector's precision, recall and field accuracy; `--fail-on regressions` gates on it.
import type { Command } from 'commander';
import { ExitCode } from '../errors.ts';
import { compareRuns, comparisonLines } from '../report/compare.ts';
import { loadResultsFile } from '../report/merge.ts';
import type { CommandContext } from './context.ts';
import { configFor, option } from './options.ts';

const compareDefaults = { failOn: undefined as 'regressions' | undefined, json: false };

export function registerCompare(program: Command, ctx: CommandContext): void {
  program
    .command('compare')
    .description('What changed from one run to another: newly failing, fixed, detection changed, new, removed, flaky; precision/recall old vs new.')
    .argument('<old>', 'results.json of the earlier run (e.g. the last run of the main branch)')
    .argument('<new>', 'results.json of the later run')
    .addOption(option('failOn', 'regressions: exit 1 when a site fails that passed in <old>', 'what'))
    .addOption(option('json', 'print the comparison as JSON'))
    .addHelpText('after', '\nExit codes: 0 compared (with --fail-on regressions: and none newly failing), 1 a site newly failing with --fail-on regressions, 2 bad input.\n\nExamples:\n  grid-run compare main/results.json results.json\n  grid-run compare main/results.json results.json --fail-on regressions\n')
    .action(async (oldFile: string, newFile: string, _opts: unknown, cmd: Command) => {
      const config = configFor(cmd, ctx, compareDefaults);
      const old = await loadResultsFile(oldFile, ctx.cwd);
      const now = await loadResultsFile(newFile, ctx.cwd);
      const comparison = compareRuns(old.data.results, now.data.results, oldFile);
      if (config.json) ctx.out(JSON.stringify(comparison, null, 2));
      else for (const line of comparisonLines(comparison, { limit: 200 })) ctx.out(line);
      ctx.exitCode = config.failOn === 'regressions' && comparison.newlyFailing.length > 0 ? ExitCode.testFailed : ExitCode.ok;
    });
}
