// `grid-run eval`: a run of the detectors over labelled site lists, whose reporter gives
// precision/recall per field, tag and locale. The pages are planned and dispatched as run's
// sites are (session reuse, requeues away from a lost node), on a grid (--grid's hub, --provider's
// nodes, both through grid-start.ts as run's) or on local Chromiums.
import { Option, type Command } from 'commander';
import { OFFLINE_ARGS } from '../eval/browsers.ts';
import { detectorLabels } from '../eval/compare.ts';
import { evalPages } from '../eval/eval-page.ts';
import { EvalReporter } from '../eval/eval-reporter.ts';
import { chooseDetector, type Detector } from '../detector/detector.ts';
import { dispatch } from '../dispatch/dispatch.ts';
import type { SessionFactory } from '../dispatch/session-factory.ts';
import { InfrastructureError, UsageError, errorMessage, runExitCode } from '../errors.ts';
import { sessionsAtOnce } from '../grid/free-slot.ts';
import { plan } from '../plan/plan.ts';
import { loadSiteLists } from '../sites/load.ts';
import { startStaticServer } from '../sites/static-server.ts';
import { GridSessionFactory } from '../session/grid-sessions.ts';
import { LocalChromeSessions } from '../session/local-sessions.ts';
import { defaultSiteRunOptions, type PageRunner, type SiteRunOptions } from '../session/run-site.ts';
import { extensionDetector } from '../extension/answer.ts';
import { loadResultsFile } from '../report/merge.ts';
import { computeSummary } from '../report/summary.ts';
import type { Site, SiteResult } from '../types.ts';
import type { CommandContext } from './context.ts';
import { addExtensionOptions, extensionDefaults, extensionRun, requireExtensionNodes, type ExtensionRun } from './extension-options.ts';
import { configFor, option, sectionOption } from './options.ts';
import { addProviderOptions, beginStart, checkProvider, gridDefaults, newRunId, provisionNodes, startGrid, tearDown, type Started } from './grid-start.ts';
import { addSiteFilterOptions, filterLoaded, siteFilterDefaults } from './site-inputs.ts';
import type { ProviderName } from '../nodes/provider.ts';

export const evalDefaults = {
  // eval's own (the config file's "eval" object): apart from run's report/ and results.json,
  // so an eval in the same folder never overwrites a run's outputs.
  sites: undefined as string[] | undefined,
  json: undefined as string | undefined,
  misses: 50,
  offline: true,
  detector: undefined as string[] | undefined,
  report: 'eval/report',
  results: 'eval/results.json',
  compare: undefined as string | undefined,
  publicHost: undefined as string | undefined,
  ...siteFilterDefaults,
  // Shared with run: the same keys, the same meaning.
  ...gridDefaults,
  pool: 'eval',
  concurrency: undefined as number | undefined,
  serveHost: '127.0.0.1',
  servePort: 0,
  pageLoadTimeout: defaultSiteRunOptions.pageLoadTimeoutMs,
  scriptTimeout: defaultSiteRunOptions.scriptTimeoutMs,
  siteTimeout: defaultSiteRunOptions.siteTimeoutMs,
  ...extensionDefaults,
};

export type EvalConfig = Readonly<typeof evalDefaults>;

/** Browsers at once on this machine without --grid or --concurrency. */
const localConcurrency = 2;

export function registerEval(program: Command, ctx: CommandContext): void {
  const command = program
    .command('eval')
    .description('Run the detector over labelled site lists and report precision/recall per field, tag and locale.')
    .addOption(sectionOption('eval', 'sites', 'site lists (.json, .jsonl) or folders of them (required)', 'list'));
  addSiteFilterOptions(command, (name, description, argName) => sectionOption('eval', name, description, argName))
    .addOption(option('grid', 'run on this Selenium Grid instead of local Chromiums', 'url'))
    .addOption(option('secret', 'registration secret of the hub', 'secret'))
    .addOption(sectionOption('eval', 'json', 'also write the report, every page included, as JSON', 'file'))
    .addOption(option('concurrency', `browsers at once (default ${localConcurrency}; with --grid, its free slots)`, 'n'))
    .addOption(option('serveHost', 'address of the static server for the pages; nodes of a remote grid must reach it (default 127.0.0.1)', 'host'))
    .addOption(option('servePort', 'port of the static server (default: a free one)', 'port'))
    .addOption(sectionOption('eval', 'publicHost', 'host name put into page URLs when it differs from --serve-host', 'host'))
    .addOption(sectionOption('eval', 'misses', `misses listed on the console (default ${evalDefaults.misses})`, 'n'))
    .addOption(new Option('--no-offline', "let the browser fetch sub-resources from the pages' original hosts"))
    .addOption(
      new Option('--detector <file>', "a detector module (.js, .ts) or builtin; repeat it to compare several on the same page loads (default builtin; with --extension: the extension's answer only)").argParser(
        (v: string, all: string[] | undefined) => [...(all ?? []), v],
      ),
    )
    .addOption(sectionOption('eval', 'report', `HTML report directory: the run's report with the tables per locale and tag and the misses, of the first --detector (default ${evalDefaults.report})`, 'dir'))
    .addOption(sectionOption('eval', 'results', `results.json of this eval, of the first --detector, what --compare of a later eval or run reads (default ${evalDefaults.results})`, 'file'))
    .addOption(sectionOption('eval', 'compare', 'results.json of an earlier eval or run: what changed, and precision/recall old vs new', 'file'))
    .addOption(option('pageLoadTimeout', `page load timeout per page in ms (default ${evalDefaults.pageLoadTimeout})`, 'ms'))
    .addOption(option('scriptTimeout', `detection script timeout in ms (default ${evalDefaults.scriptTimeout})`, 'ms'))
    .addOption(option('siteTimeout', `bound on one page, every detector included, in ms (default ${evalDefaults.siteTimeout})`, 'ms'))
    .addHelpText(
      'after',
      '\nOptions of eval\'s own (sites, grep, grepInvert, tag, locale, json, misses, offline, detector, report, results, compare, publicHost) go in grid-run.config.json under "eval"; the others are the top-level keys run reads.\n\n' +
        'Examples:\n  grid-run eval --sites corpus.jsonl --json eval.json\n  grid-run eval --detector ./mine.ts --detector builtin --sites corpus.jsonl\n  grid-run eval --extension ./my-extension --detector builtin --sites corpus.jsonl\n  grid-run eval --sites corpus.jsonl --compare last-eval/results.json\n  grid-run eval --grid http://hub:4444 --sites corpus.jsonl\n  grid-run eval --provider docker --nodes 2 --sites corpus.jsonl --tag i18n\n',
    );
  addProviderOptions(addExtensionOptions(command), 'nodes to provision with --provider (without --grid, joined to a local hub)', evalDefaults.pool).action(async (_opts: unknown, cmd: Command) => {
    ctx.exitCode = await evalCommand(configFor(cmd, ctx, evalDefaults, 'eval'), ctx);
  });
}

/** What eval runs with, checked before anything starts. */
type EvalInputs = {
  runId: string;
  startedAt: Date;
  sites: Site[];
  provider: ProviderName | undefined;
  detectors: Detector[];
  labels: string[];
  extensions?: ExtensionRun;
  compareWith?: { file: string; results: SiteResult[] };
};

async function checkEvalInputs(config: EvalConfig, ctx: CommandContext): Promise<EvalInputs> {
  if (!config.sites?.length) throw new UsageError('eval needs --sites (or "eval": { "sites": [...] } in grid-run.config.json)');
  if (config.grid && !/^https?:\/\//.test(config.grid)) throw new UsageError(`--grid: expected an http(s) URL, got ${config.grid}`);
  const loaded = await loadSiteLists([...config.sites], { cwd: ctx.cwd });
  if (loaded.length === 0) throw new UsageError('eval: the site lists hold no sites');
  const sites = filterLoaded(loaded, config, config.sites);
  const startedAt = new Date();
  const runId = newRunId(startedAt, 'eval-');
  const provider = await checkProvider('eval', config, runId, ctx.env);
  // With --extension, its answer is one of the detectors (the first), and the others read the page after it.
  const extensions = await extensionRun(config, ctx.cwd);
  const detectors: Detector[] = extensions ? [extensionDetector(extensions.answer)] : [];
  const names = config.detector?.length || extensions ? (config.detector ?? []) : ['builtin'];
  for (const name of names) detectors.push(await chooseDetector(name, ctx.cwd));
  const labels = detectorLabels(detectors.map((d) => d.identity));
  if (new Set(labels).size < labels.length) throw new UsageError(`eval: the same detector is given twice (${labels.join(', ')})`);
  const old = config.compare ? await loadResultsFile(config.compare, ctx.cwd) : undefined;
  return { runId, startedAt, sites, provider, detectors, labels, extensions, compareWith: old && { file: old.file, results: old.data.results } };
}

async function evalCommand(config: EvalConfig, ctx: CommandContext): Promise<number> {
  const inputs = await checkEvalInputs(config, ctx);
  const { runId, startedAt, provider } = inputs;
  const started = await beginStart({ runId, localGrid: !config.grid && provider !== undefined, provider }, ctx.env);
  try {
    started.phase = 'starting the static server';
    const server = await startStaticServer({ host: config.serveHost, port: config.servePort, publicHost: config.publicHost });
    started.teardown.add('the static server', () => server.close());
    const sites = server.resolve(inputs.sites);
    const pages = evalPages(inputs.detectors);
    const { sessions, concurrency, gridUrl } = await sessionsFor(config, ctx, inputs, pages.runPage, started);
    const reporter = new EvalReporter({
      detectors: inputs.detectors,
      labels: inputs.labels,
      records: pages.records,
      misses: config.misses,
      report: config.report,
      results: config.results,
      json: config.json,
      cwd: ctx.cwd,
      compareWith: inputs.compareWith,
      out: ctx.out,
      err: ctx.err,
      progress: ctx.stderr.isTTY ? (done, total) => void ctx.stderr.write(`\r${done}/${total} pages${done === total ? '\n' : ''}`) : undefined,
    });
    const slots = Math.min(concurrency, sites.length);
    const chunks = plan(
      sites.map((s) => s.id),
      { defaultChunks: slots },
    );
    started.dispatching = true;
    reporter.onBegin({ runId, gridUrl, sites, chunks, concurrency: slots, startedAt, detector: inputs.detectors[0]!.identity });
    const dispatchStarted = Date.now();
    // A miss is the detector's answer, not chance: no retries; an infrastructure error is requeued as in run.
    const outcome = await dispatch({ sites: new Map(sites.map((s) => [s.id, s])), chunks, concurrency: slots, retries: 0, costOf: () => 1, sessions, reporter, signal: ctx.signal, hurry: ctx.hurry });
    if (outcome.infrastructureFailure && !ctx.signal.aborted) throw new InfrastructureError(`eval: ${outcome.infrastructureFailure}`);
    const interrupted = ctx.signal.aborted ? String(ctx.signal.reason) : undefined;
    const summary = computeSummary(outcome.results, { wallMs: Date.now() - dispatchStarted, concurrency: slots, sessionsCreated: outcome.sessionsCreated, interrupted });
    try {
      await reporter.onEnd(outcome.results, summary);
    } catch (err) {
      throw new InfrastructureError(errorMessage(err), { cause: err });
    }
    // Misses are what eval measures, not failures: only an interruption changes the exit code.
    return interrupted ? runExitCode({ failed: 0, errors: 0, interrupted }) : 0;
  } catch (err) {
    if (ctx.signal.aborted && !(err instanceof UsageError) && !started.dispatching) {
      const signal = String(ctx.signal.reason);
      ctx.err(`grid-run: interrupted (${signal}) while ${started.phase}: no page was evaluated`);
      return runExitCode({ failed: 0, errors: 0, interrupted: signal });
    }
    throw err;
  } finally {
    await tearDown(started, ctx);
  }
}

/** Sessions on --grid's hub or --provider's nodes, or in Chromiums started here; and how many at once. */
async function sessionsFor(
  config: EvalConfig,
  ctx: CommandContext,
  inputs: EvalInputs,
  runPage: PageRunner,
  started: Started,
): Promise<{ sessions: SessionFactory; concurrency: number; gridUrl: string }> {
  const { extensions, provider } = inputs;
  const extraArgs = config.offline ? OFFLINE_ARGS : [];
  const run: SiteRunOptions = { pageLoadTimeoutMs: config.pageLoadTimeout, scriptTimeoutMs: config.scriptTimeout, siteTimeoutMs: config.siteTimeout };
  if (!config.grid && !provider) {
    // GRID_RUN_CHROMIUM / GRID_RUN_CHROMEDRIVER point at another build of either, as for dry-run.
    const chrome = { chromium: ctx.env.GRID_RUN_CHROMIUM, chromedriver: ctx.env.GRID_RUN_CHROMEDRIVER, args: extraArgs, extensions: extensions?.crxs };
    return { sessions: new LocalChromeSessions({ chrome, run, runPage }), concurrency: config.concurrency ?? localConcurrency, gridUrl: 'local Chromium' };
  }
  const grid = await startGrid(config, ctx, provider, started);
  if (provider) await provisionNodes(config, ctx, { ...grid, provider, runId: inputs.runId }, started);
  const { hub } = grid;
  started.phase = 'the grid was asked for its slots';
  let atOnce: Awaited<ReturnType<typeof sessionsAtOnce>>;
  try {
    atOnce = await sessionsAtOnce(hub, config.concurrency, ctx.signal);
  } catch (err) {
    throw new InfrastructureError(`eval: could not open a session on the grid at ${hub.url}: ${errorMessage(err).split('\n')[0]}`, { cause: err });
  }
  if (extensions) requireExtensionNodes(hub.url, atOnce.summary.nodes);
  return { sessions: new GridSessionFactory({ hub, run, runPage, extraArgs, extensions: extensions?.crxs }), concurrency: atOnce.concurrency, gridUrl: hub.url };
}
