// `report RESULTS.json...`: the JUnit, HTML and a merged results.json written again from one or
// more results.json files, without a browser: to rebuild a report, or to join a run's shards.
import { copyFile, mkdir } from 'node:fs/promises';
import path from 'node:path';
import type { Command } from 'commander';
import { InfrastructureError, errorMessage } from '../errors.ts';
import { compareRuns } from '../report/compare.ts';
import { writeHtml } from '../report/html.ts';
import { writeResults } from '../report/json.ts';
import { writeJUnit } from '../report/junit.ts';
import { findScreenshot, loadResultsFile, mergeResults } from '../report/merge.ts';
import type { CommandContext } from './context.ts';
import { configFor, option } from './options.ts';

const reportDefaults = { out: 'report', compare: undefined as string | undefined };

export function registerReport(program: Command, ctx: CommandContext): void {
  program
    .command('report')
    .description('Write the JUnit, HTML report and a merged results.json again from one or more results.json files (no browser).')
    .argument('<results...>', 'results.json files; a site may be in only one of them')
    .addOption(option('out', `directory for index.html, screenshots/, junit.xml and results.json (default ${reportDefaults.out})`, 'dir'))
    .addOption(option('compare', 'an earlier results.json: what changed goes into every report', 'file'))
    .addHelpText('after', '\nExit codes: 0 written, 2 bad input (a file unreadable, or a site in two files), 3 a report could not be written.\n\nExamples:\n  grid-run report results.json --out rebuilt\n  grid-run report shard-1/results.json shard-2/results.json --out merged\n')
    .action(async (files: string[], _opts: unknown, cmd: Command) => {
      const config = configFor(cmd, ctx, reportDefaults);
      const inputs = [];
      for (const file of files) inputs.push(await loadResultsFile(file, ctx.cwd));
      const merged = mergeResults(inputs);
      const old = config.compare ? await loadResultsFile(config.compare, ctx.cwd) : undefined;
      const compareWith = old && { file: old.file, results: old.data.results };
      const out = path.resolve(ctx.cwd, config.out);
      try {
        // The folder must work on its own (a CI artifact): the screenshots are copied into it.
        const shots = path.join(out, 'screenshots');
        const fileOf = new Map(inputs.flatMap(({ file, data }) => data.results.map((r) => [r.id, file] as const)));
        const results = [];
        let missing = 0;
        for (const r of merged.results) {
          const found = r.screenshot ? findScreenshot(r.screenshot, fileOf.get(r.id)!, ctx.cwd) : undefined;
          if (r.screenshot && !found) missing++;
          if (!found) {
            results.push(r.screenshot ? { ...r, screenshot: undefined } : r);
            continue;
          }
          const target = path.join(shots, path.basename(found));
          if (path.resolve(found) !== target) {
            await mkdir(shots, { recursive: true });
            await copyFile(found, target);
          }
          results.push({ ...r, screenshot: target });
        }
        const meta = { runId: merged.runIds.join('+') || undefined, startedAt: merged.startedAt };
        await writeResults(path.join(out, 'results.json'), results, merged.summary, merged.history, meta);
        await writeJUnit(path.join(out, 'junit.xml'), results, merged.summary, { ...meta, cwd: ctx.cwd, compareWith });
        const comparison = compareWith && compareRuns(compareWith.results, results, compareWith.file);
        await writeHtml(results, merged.summary, { dir: out, cwd: ctx.cwd, ...meta, comparison });
        const s = merged.summary;
        ctx.out(`${s.total} sites from ${files.length} file(s): ${s.passed} passed, ${s.failed} failed, ${s.errors} errors, ${s.skipped} skipped, ${s.flaky} flaky`);
        if (missing) ctx.err(`grid-run: ${missing} screenshot(s) named in the results were not found; their sites are reported without one`);
        ctx.out(`wrote ${rel(ctx.cwd, path.join(out, 'index.html'))}, ${rel(ctx.cwd, path.join(out, 'junit.xml'))} and ${rel(ctx.cwd, path.join(out, 'results.json'))}`);
      } catch (err) {
        throw new InfrastructureError(`report: could not write to ${out}: ${errorMessage(err)}`, { cause: err });
      }
    });
}

const rel = (cwd: string, file: string) => path.relative(cwd, file) || file;
