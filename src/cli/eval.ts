// `grid-run eval`: the detector over labelled site lists, with precision/recall per field,
// tag and locale.
import { InvalidArgumentError, type Command } from 'commander';
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { browserFactory } from '../eval/browsers.ts';
import { formatComparison, formatReport } from '../eval/format.ts';
import { detectorLabels, disagreements } from '../eval/compare.ts';
import { report } from '../eval/metrics.ts';
import { chooseDetector, type Detector } from '../detector/detector.ts';
import { describeIdentity } from '../detector/identity.ts';
import { evaluate } from '../eval/run-eval.ts';
import { UsageError } from '../errors.ts';
import { loadSiteLists } from '../sites/load.ts';
import { startStaticServer } from '../sites/static-server.ts';
import type { CommandContext } from './context.ts';
import { addExtensionOptions, extensionDefaults, extensionRun, requireExtensionNodes } from './extension-options.ts';
import { HttpHubClient } from '../grid/hub-client.ts';
import { configFor } from './options.ts';
import { extensionDetector } from '../extension/answer.ts';
import { evalResult } from '../eval/results.ts';
import { compareRuns, comparisonLines } from '../report/compare.ts';
import { writeHtml } from '../report/html.ts';
import { writeResults } from '../report/json.ts';
import { loadResultsFile } from '../report/merge.ts';
import { computeSummary } from '../report/summary.ts';

type EvalOptions = {
  sites: string[];
  grid?: string;
  json?: string;
  concurrency: number;
  serveHost: string;
  publicHost?: string;
  misses: number;
  offline: boolean;
  detector: string[];
  report: string;
  results: string;
  compare?: string;
};

// Apart from run's report/ and results.json, so an eval in the same folder never overwrites a run's outputs.
const evalOutputs = { report: 'eval/report', results: 'eval/results.json' } as const;

const positiveInt = (raw: string) => {
  if (!/^\d+$/.test(raw) || Number(raw) < 1) throw new InvalidArgumentError('expected a whole number of at least 1.');
  return Number(raw);
};

export function registerEval(program: Command, ctx: CommandContext): void {
  const command = program
    .command('eval')
    .description('Run the detector over labelled site lists and report precision/recall per field, tag and locale.')
    .requiredOption('--sites <list...>', 'site lists (.json, .jsonl) or folders of them')
    .option('--grid <url>', 'run on this Selenium Grid instead of a local Chromium')
    .option('--json <file>', 'also write the report, every page included, as JSON')
    .option('--concurrency <n>', 'browsers at once', positiveInt, 2)
    .option('--serve-host <host>', 'address of the static server for the pages; nodes of a remote grid must reach it (as run --serve-host)', '127.0.0.1')
    .option('--public-host <host>', 'host name put into page URLs when it differs from --serve-host')
    .option('--misses <n>', 'misses listed on the console', positiveInt, 50)
    .option('--no-offline', 'let the browser fetch sub-resources from the pages\' original hosts')
    .option('--detector <file>', 'a detector module (.js, .ts) or builtin; repeat it to compare several on the same page loads (default builtin; with --extension: the extension\'s answer only)', (v: string, all: string[]) => [...all, v], [])
    .option('--report <dir>', 'HTML report directory: the run\'s report with the tables per locale and tag and the misses (of the first --detector)', evalOutputs.report)
    .option('--results <file>', 'results.json of this eval, of the first --detector (what --compare of a later eval or run reads)', evalOutputs.results)
    .option('--compare <file>', 'results.json of an earlier eval or run: what changed, and precision/recall old vs new')
    .addHelpText('after', '\nExamples:\n  grid-run eval --sites corpus.jsonl --json eval.json\n  grid-run eval --detector ./mine.ts --detector builtin --sites corpus.jsonl\n  grid-run eval --extension ./my-extension --detector builtin --sites corpus.jsonl\n  grid-run eval --sites corpus.jsonl --compare last-eval/results.json\n');
  addExtensionOptions(command)
    .action(async (opts: EvalOptions, cmd: Command) => {
      if (opts.grid && !/^https?:\/\//.test(opts.grid)) throw new UsageError(`--grid: expected an http(s) URL, got ${opts.grid}`);
      const loaded = await loadSiteLists(opts.sites, { cwd: ctx.cwd });
      if (loaded.length === 0) throw new UsageError('eval: the site lists hold no sites');
      // With --extension, its answer is one of the detectors (the first), and the others read the page after it.
      const extensions = await extensionRun(configFor(cmd, ctx, extensionDefaults), ctx.cwd);
      if (extensions && opts.grid) requireExtensionNodes(opts.grid, (await new HttpHubClient(opts.grid).summary()).nodes);
      const detectors: Detector[] = extensions ? [extensionDetector(extensions.answer)] : [];
      const names = opts.detector.length || extensions ? opts.detector : ['builtin'];
      for (const name of names) detectors.push(await chooseDetector(name, ctx.cwd));
      const labels = detectorLabels(detectors.map((d) => d.identity));
      if (new Set(labels).size < labels.length) throw new UsageError(`eval: the same detector is given twice (${labels.join(', ')})`);
      const old = opts.compare ? await loadResultsFile(opts.compare, ctx.cwd) : undefined;
      const startedAt = new Date();
      const server = await startStaticServer({ host: opts.serveHost, publicHost: opts.publicHost });
      try {
        const sites = server.resolve(loaded);
        const started = Date.now();
        const runs = await evaluate(sites, {
          concurrency: opts.concurrency,
          startBrowser: browserFactory(opts.grid, opts.offline, extensions?.crxs),
          detectors,
          signal: ctx.signal,
          onPage: (_r, done, total) => {
            if (ctx.stderr.isTTY) ctx.stderr.write(`\r${done}/${total} pages`);
          },
        });
        if (ctx.stderr.isTTY) ctx.stderr.write('\n');
        const reports = runs.map(report);
        const pages = runs[0]!.length;
        if (detectors.length === 1) {
          for (const line of formatReport(reports[0]!, { misses: opts.misses })) ctx.out(line);
        } else {
          for (const [i, r] of reports.entries()) {
            ctx.out(`== detector ${labels[i]}: ${describeIdentity(detectors[i]!.identity)}`);
            for (const line of formatReport(r, { misses: opts.misses })) ctx.out(line);
            ctx.out('');
          }
          ctx.out('== side by side');
          for (const line of formatComparison(labels, reports, disagreements(labels, runs), { misses: opts.misses })) ctx.out(line);
        }
        ctx.out(`${pages} pages in ${((Date.now() - started) / 1000).toFixed(0)} s`);
        // The HTML report and results.json are the first detector's, as a run with it would write them.
        const byId = new Map(sites.map((s) => [s.id, s]));
        const results = runs[0]!.map((r) => ({ ...evalResult(byId.get(r.id)!, r), detector: detectors[0]!.identity }));
        const sessions = new Set(runs[0]!.map((r) => r.session).filter(Boolean)).size;
        const summary = computeSummary(results, { wallMs: Date.now() - started, concurrency: opts.concurrency, sessionsCreated: sessions });
        const comparison = old && compareRuns(old.data.results, results, old.file);
        if (comparison) for (const line of ['', ...comparisonLines(comparison)]) ctx.out(line);
        const resultsFile = path.resolve(ctx.cwd, opts.results);
        await writeResults(resultsFile, results, summary, new Map(), { startedAt, finishedAt: new Date() });
        const html = await writeHtml(results, summary, { dir: opts.report, cwd: ctx.cwd, title: 'grid-run eval', startedAt, evaluation: reports[0]!, comparison });
        ctx.out(`HTML report ${path.relative(ctx.cwd, html) || html}, results ${path.relative(ctx.cwd, resultsFile) || resultsFile}${detectors.length > 1 ? ` (detector ${labels[0]})` : ''}`);
        if (opts.json) {
          const file = path.resolve(ctx.cwd, opts.json);
          // One detector: the report itself, as before; several: one report each and where they part.
          const written =
            detectors.length === 1
              ? { detector: detectors[0]!.identity, ...reports[0]!, pages: runs[0] }
              : { detectors: reports.map((r, i) => ({ label: labels[i], detector: detectors[i]!.identity, ...r, pages: runs[i] })), disagreements: disagreements(labels, runs) };
          await writeFile(file, JSON.stringify(written, null, 2) + '\n');
          ctx.out(`report written to ${path.relative(ctx.cwd, file) || file}`);
        }
        ctx.exitCode = 0;
      } finally {
        await server.close();
      }
    });
}
