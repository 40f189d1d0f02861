// `run`: sites -> plan -> dispatch on the grid -> results -> JUnit, HTML, results.json.
import { mkdir, rm, writeFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import type { Command } from 'commander';
import { InfrastructureError, UsageError, errorMessage, runExitCode } from '../errors.ts';
import type { HubClient } from '../grid/hub-client.ts';
import { sessionsAtOnce } from '../grid/free-slot.ts';
import { dispatch } from '../dispatch/dispatch.ts';
import { plan, expectedMs } from '../plan/plan.ts';
import { createReporters, computeSummary, readResults, type CompositeReporter } from '../report/index.ts';
import { compareRuns } from '../report/compare.ts';
import { loadResultsFile } from '../report/merge.ts';
import { startStaticServer } from '../sites/static-server.ts';
import { GridSessionFactory } from '../session/grid-sessions.ts';
import { readBaseline } from '../session/baseline.ts';
import { defaultSiteRunOptions } from '../session/run-site.ts';
import { describeIdentity } from '../detector/identity.ts';
import type { Site, SiteResult } from '../types.ts';
import { skippedResult } from '../site-result.ts';
import type { CommandContext } from './context.ts';
import { bundledSites } from './defaults.ts';
import { configFor, option } from './options.ts';
import { addSiteOptions, lastFailedIds, loadSiteInputs, siteFilterDefaults } from './site-inputs.ts';
import { REPORTERS, defaultReporters, parseReporters } from './reporters.ts';
import { parseShard, shardOf } from '../plan/shard.ts';
import type { Shard } from '../report/reporter.ts';
import { addProviderOptions, beginStart, checkProvider, gridDefaults, newRunId, provisionNodes, startGrid, tearDown, type Started } from './grid-start.ts';
import type { ProviderName } from '../nodes/provider.ts';
import { addExtensionOptions, chooseRunDetector, extensionDefaults, requireExtensionNodes } from './extension-options.ts';

export const runDefaults = {
  sites: [bundledSites] as string[],
  chunks: undefined as number | undefined,
  chunkSize: undefined as number | undefined,
  concurrency: undefined as number | undefined,
  retries: 0,
  junit: 'junit.xml',
  report: 'report',
  results: 'results.json',
  history: undefined as string | undefined,
  baseline: undefined as string | undefined,
  pool: 'run',
  serveHost: '127.0.0.1',
  servePort: 0,
  pageLoadTimeout: defaultSiteRunOptions.pageLoadTimeoutMs,
  scriptTimeout: defaultSiteRunOptions.scriptTimeoutMs,
  siteTimeout: defaultSiteRunOptions.siteTimeoutMs,
  screenshots: 'failures' as 'all' | 'failures' | 'none',
  detector: undefined as string | undefined,
  reporter: undefined as string | undefined,
  shard: undefined as string | undefined,
  knownFailures: undefined as string | undefined,
  strictKnown: false,
  lastFailed: undefined as string | undefined,
  compare: undefined as string | undefined,
  failOn: undefined as 'regressions' | undefined,
  ...siteFilterDefaults,
  ...gridDefaults,
  ...extensionDefaults,
};

export type RunConfig = Readonly<typeof runDefaults>;

export function registerRun(program: Command, ctx: CommandContext): void {
  const command = program
    .command('run')
    .description('Run the sites in chunks, in parallel on a Selenium Grid, and write JUnit, HTML and results.json.');
  addSiteOptions(command)
    .addOption(option('grid', 'hub URL; without it a local grid is started for the run and stopped after', 'url'))
    .addOption(option('secret', 'registration secret of the hub', 'secret'))
    .addOption(option('chunks', 'number of chunks (default: one per slot)', 'n'))
    .addOption(option('chunkSize', 'sites per chunk (instead of --chunks)', 'k'))
    .addOption(option('concurrency', "sessions at once (default: the grid's free slots)", 'n'))
    .addOption(option('retries', 'retries of a site whose test failed; a later pass is reported flaky (default 0)', 'n'))
    .addOption(option('junit', `JUnit XML file (default ${runDefaults.junit})`, 'file'))
    .addOption(option('report', `HTML report directory (default ${runDefaults.report})`, 'dir'))
    .addOption(option('results', `results.json file (default ${runDefaults.results})`, 'file'))
    .addOption(option('history', 'timing history to balance chunks by (a results.json of an earlier run)', 'file'))
    .addOption(option('baseline', 'results.json whose detections record-only sites must match', 'file'))
    .addOption(option('serveHost', 'address of the static server for relative pages; must be reachable by the nodes (default 127.0.0.1)', 'host'))
    .addOption(option('servePort', 'port of the static server (default: a free one)', 'port'))
    .addOption(option('pageLoadTimeout', `page load timeout per site in ms (default ${runDefaults.pageLoadTimeout})`, 'ms'))
    .addOption(option('scriptTimeout', `detection script timeout in ms (default ${runDefaults.scriptTimeout})`, 'ms'))
    .addOption(option('siteTimeout', `bound on one site, all included, in ms (default ${runDefaults.siteTimeout})`, 'ms'))
    .addOption(option('screenshots', `which sites get an outlined screenshot in the report: all, failures or none (default ${runDefaults.screenshots})`, 'when'))
    .addOption(option('detector', 'an ES module (.js or .ts) exporting detect(), run in the page instead of the built-in detector (default builtin; with --extension, run after the extension has had its time)', 'file'))
    .addOption(option('reporter', `outputs, comma-separated: ${REPORTERS.join(', ')} (default: dot in CI, else list; github on GitHub Actions; junit, html, json)`, 'names'))
    .addOption(option('shard', "run only this share of the sites, like 2/3 (balanced by --history's durations, else by count)", 'i/n'))
    .addOption(option('knownFailures', 'file of known failures: "SITE-ID REASON" per line', 'file'))
    .addOption(option('strictKnown', 'a known failure that passes (fixed) fails the run'))
    .addOption(option('lastFailed', 'run only the sites that failed or errored in this results.json', 'file'))
    .addOption(option('compare', 'results.json of an earlier run: what changed goes into the console, JUnit and HTML reports', 'file'))
    .addOption(option('failOn', 'regressions: with --compare, exit 1 only when a site fails that passed in the compared run', 'what'));
  addProviderOptions(addExtensionOptions(command), 'nodes of the embedded local grid, or to provision with --provider', runDefaults.pool)
    .addHelpText(
      'after',
      '\nExit codes: 0 all passed, 1 a site failed, 2 bad usage or input, 3 infrastructure failure, 130/143 interrupted.\n\n' +
        'Examples:\n  grid-run run\n  grid-run run --grid http://hub:4444 --sites sites/ --junit results.xml\n  grid-run run --history results.json --retries 1\n  grid-run run --compare main-results.json --fail-on regressions\n' +
        '  grid-run run --provider docker --nodes 4 --slots 2\n  grid-run run --detector ./my-detector.ts --sites my-sites.jsonl\n  grid-run run --extension ./my-extension --sites my-sites.jsonl\n' +
        '  grid-run run --shard 2/3 --history results.json --reporter dot,github,junit,json\n' +
        '  grid-run run --last-failed results.json --known-failures known-failures.txt\n',
    )
    .action(async (_opts: unknown, cmd: Command) => {
      const config = configFor(cmd, ctx, runDefaults);
      ctx.exitCode = await runCommand(config, ctx);
    });
}

/**
 * Each output's directory made and written to (a file created and removed) before anything
 * starts: a report that cannot be written is found now, not after the sites ran.
 */
async function checkOutputsWritable(outputs: [what: string, dir: string, shown: string][]): Promise<void> {
  for (const [what, dir, shown] of outputs) {
    const probe = join(dir, `.grid-run-write-check-${process.pid}`);
    try {
      await mkdir(dir, { recursive: true });
      await writeFile(probe, '');
      await rm(probe, { force: true });
    } catch (err) {
      const e = err as NodeJS.ErrnoException;
      const why = e.code === 'ENOTDIR' || e.code === 'EEXIST' ? 'a part of the path is a file, not a directory' : e.code ?? errorMessage(err);
      throw new InfrastructureError(`cannot write ${what} to ${shown}: ${why} (${e.code ?? 'error'} at ${e.path ?? dir})`, { cause: err });
    }
  }
}

async function runCommand(config: RunConfig, ctx: CommandContext): Promise<number> {
  const inputs = await checkRunInputs(config, ctx);
  if (inputs.sites.length === 0) {
    // A shard with no share, or nothing failed last time: the reports of an empty run, so a
    // merge still finds this shard and CI its files.
    return reportWithoutDispatch(inputs, config, { sites: [], gridUrl: 'none (no site to run)' });
  }
  return runOnGrid(config, ctx, inputs);
}

/** Everything `run` needs that the user could have got wrong, checked before anything starts. */
type RunInputs = {
  runId: string;
  startedAt: Date;
  sites: Site[];
  history: ReadonlyMap<string, number>;
  shard: Shard | undefined;
  baseline: Awaited<ReturnType<typeof readBaseline>> | undefined;
  provider: ProviderName | undefined;
  compareWith: { file: string; results: SiteResult[] } | undefined;
  detector: RunDetector['detector'];
  extensions: RunDetector['extensions'];
  /** An absolute path of an output option. */
  at: (file: string) => string;
  createReporter: () => CompositeReporter;
};

type RunDetector = Awaited<ReturnType<typeof chooseRunDetector>>;

async function checkRunInputs(config: RunConfig, ctx: CommandContext): Promise<RunInputs> {
  const startedAt = new Date();
  const runId = newRunId(startedAt);
  const reporters = new Set(config.reporter ? parseReporters(config.reporter) : defaultReporters(ctx.env));
  const shard = config.shard ? parseShard(config.shard) : undefined;
  const { sites: loaded, history } = await loadSiteInputs(config, ctx);
  const sites = await selectForRun(loaded, { lastFailed: config.lastFailed, shard, history }, ctx);
  const baseline = config.baseline ? await readBaseline(resolve(ctx.cwd, config.baseline)) : undefined;
  const provider = await checkProvider('run', config, runId, ctx.env);
  if (config.failOn && !config.compare) throw new UsageError('--fail-on regressions needs --compare OLD.json: the run whose passes count as the standard');
  const old = config.compare ? await loadResultsFile(config.compare, ctx.cwd) : undefined;
  const compareWith = old && { file: old.file, results: old.data.results };
  const { detector, extensions } = await chooseRunDetector(config, ctx.cwd);
  if (detector.identity.kind !== 'builtin') ctx.err(`grid-run: detector ${describeIdentity(detector.identity)}`);
  const at = (file: string) => resolve(ctx.cwd, file);
  // The report folder also holds the screenshots the JUnit attachments name.
  const outputs: [what: string, dir: string, shown: string][] = [['the HTML report', at(config.report), at(config.report)]];
  if (reporters.has('junit')) outputs.push(['the JUnit file', dirname(at(config.junit)), at(config.junit)]);
  if (reporters.has('json')) outputs.push(['results.json', dirname(at(config.results)), at(config.results)]);
  await checkOutputsWritable(outputs);
  // The run GitHub's annotations put regressions first against: --compare's, else the history's.
  const compared = !reporters.has('github') ? undefined : old ? { runId: old.data.runId, results: old.data.results } : config.history ? await readResults(at(config.history)).catch(() => undefined) : undefined;
  const createReporter = () =>
    createReporters({
      junit: reporters.has('junit') ? at(config.junit) : undefined,
      report: reporters.has('html') ? at(config.report) : undefined,
      results: reporters.has('json') ? at(config.results) : undefined,
      previousHistory: history,
      compareWith,
      cwd: ctx.cwd,
      attachmentsRoot: ctx.env.GITLAB_CI === 'true' ? ctx.env.CI_PROJECT_DIR || ctx.cwd : undefined,
      console: reporters.has('list') ? { stream: ctx.stdout, ci: ctx.env.CI === 'true' || ctx.env.CI === '1' } : undefined,
      dot: reporters.has('dot') ? ctx.stdout : undefined,
      github: reporters.has('github')
        ? {
            stream: ctx.stdout,
            summaryFile: ctx.env.GITHUB_STEP_SUMMARY || undefined,
            compared: compared && { label: `${config.compare ?? config.history}${compared.runId ? ` (run ${compared.runId})` : ''}`, results: compared.results },
            outputs: [
              ...(reporters.has('junit') ? [config.junit] : []),
              ...(reporters.has('html') ? [join(config.report, 'index.html')] : []),
              ...(reporters.has('json') ? [config.results] : []),
            ],
          }
        : undefined,
    });
  return { runId, startedAt, sites, history, shard, baseline, provider, compareWith, detector, extensions, at, createReporter };
}

/**
 * The reports of a run that dispatched nothing: no site to run, or interrupted by `signal`
 * before any site ran, every site then skipped with `why`.
 */
async function reportWithoutDispatch(
  inputs: RunInputs,
  config: RunConfig,
  run: { sites: Site[]; gridUrl: string; interrupted?: { signal: string; why: string } },
): Promise<number> {
  const { sites, gridUrl, interrupted } = run;
  const results = interrupted ? sites.map((site) => skippedResult(site, `not run: ${interrupted.why}`)) : [];
  const summary = computeSummary(results, { wallMs: 0, concurrency: 0, sessionsCreated: 0, interrupted: interrupted?.signal, strictKnown: config.strictKnown });
  const reporter = inputs.createReporter();
  try {
    await reporter.onBegin({ runId: inputs.runId, gridUrl, sites, chunks: [], concurrency: 0, startedAt: inputs.startedAt, shard: inputs.shard, detector: inputs.detector.identity });
    for (const result of results) reporter.onSiteEnd(result);
    await reporter.onEnd(results, summary);
  } catch (err) {
    throw new InfrastructureError(errorMessage(err), { cause: err });
  }
  return runExitCode(summary);
}

/** Start the static server and the grid, provision nodes, run the sites, tear down what was started. */
async function runOnGrid(config: RunConfig, ctx: CommandContext, inputs: RunInputs): Promise<number> {
  const started = await beginStart({ runId: inputs.runId, localGrid: !config.grid, provider: inputs.provider }, ctx.env);
  let runnable = inputs.sites;
  try {
    runnable = await servePages(config, inputs.sites, started);
    ctx.signal.throwIfAborted();
    const grid = await startGrid(config, ctx, inputs.provider, started);
    if (inputs.provider) await provisionNodes(config, ctx, { ...grid, provider: inputs.provider, runId: inputs.runId }, started);
    return await runSites(config, ctx, inputs, grid.hub, runnable, started);
  } catch (err) {
    if (ctx.signal.aborted && !(err instanceof UsageError) && !started.dispatching) {
      // Interrupted before any site ran: still the reports, every site skipped, saying why.
      const signal = String(ctx.signal.reason);
      const why = `the run was interrupted (${signal}) while ${started.phase}`;
      ctx.err(`grid-run: interrupted (${signal}) while ${started.phase}: no site was run`);
      return await reportWithoutDispatch(inputs, config, { sites: runnable, gridUrl: started.hubUrl ?? `none (${why})`, interrupted: { signal, why } });
    }
    throw err;
  } finally {
    await tearDown(started, ctx);
  }
}

/** The sites with relative pages served by a static server of the run's own. */
async function servePages(config: RunConfig, sites: Site[], started: Started): Promise<Site[]> {
  if (!sites.some((s) => s.localPath)) return sites;
  started.phase = 'starting the static server';
  const server = await startStaticServer({ host: config.serveHost, port: config.servePort });
  started.teardown.add('the static server', () => server.close());
  return server.resolve(sites);
}

/** The plan on the grid's free slots, dispatched, and the reports of its results. */
async function runSites(config: RunConfig, ctx: CommandContext, inputs: RunInputs, hub: HubClient, runnable: Site[], started: Started): Promise<number> {
  const { history, extensions, detector, compareWith } = inputs;
  started.phase = 'the grid was asked for its slots';
  const { summary, concurrency } = await sessionsAtOnce(hub, config.concurrency, ctx.signal);
  if (extensions) requireExtensionNodes(hub.url, summary.nodes);
  const chunks = plan(
    runnable.map((s) => s.id),
    { chunks: config.chunks, chunkSize: config.chunkSize, defaultChunks: concurrency, history },
  );
  const reporter = inputs.createReporter();
  started.dispatching = true;
  await reporter.onBegin({ runId: inputs.runId, gridUrl: hub.url, sites: runnable, chunks, concurrency, startedAt: inputs.startedAt, shard: inputs.shard, detector: detector.identity });

  const slots = Math.min(concurrency, runnable.length);
  // The detector is bundled while the sessions open, not once the first of them is waiting for it
  // (a failed build is reported by the sites that need it).
  detector.prepare().catch(() => undefined);
  const dispatchStarted = Date.now();
  const outcome = await dispatch({
    sites: new Map(runnable.map((s) => [s.id, s])),
    chunks,
    concurrency: slots,
    retries: config.retries,
    costOf: (id) => expectedMs(id, { history }),
    sessions: new GridSessionFactory({
      hub,
      run: {
        pageLoadTimeoutMs: config.pageLoadTimeout,
        scriptTimeoutMs: config.scriptTimeout,
        siteTimeoutMs: config.siteTimeout,
        screenshotDir: config.screenshots === 'none' ? undefined : join(inputs.at(config.report), 'screenshots'),
        screenshotsOf: config.screenshots === 'all' ? 'all' : 'failures',
        baseline: inputs.baseline,
        detector,
      },
      extensions: extensions?.crxs,
    }),
    reporter,
    signal: ctx.signal,
    hurry: ctx.hurry,
  });
  const signalled = ctx.signal.aborted ? String(ctx.signal.reason) : undefined;
  const interrupted = signalled ?? outcome.infrastructureFailure;
  const runSummary = computeSummary(outcome.results, {
    // Rates and utilisation are of the dispatch itself, not of starting a grid.
    wallMs: Date.now() - dispatchStarted,
    concurrency: slots,
    sessionsCreated: outcome.sessionsCreated,
    interrupted,
    strictKnown: config.strictKnown,
  });
  try {
    await reporter.onEnd(outcome.results, runSummary);
  } catch (err) {
    throw new InfrastructureError(errorMessage(err), { cause: err });
  }
  const regressions = config.failOn === 'regressions' && compareWith ? compareRuns(compareWith.results, outcome.results, compareWith.file).newlyFailing.length : undefined;
  return runExitCode({ ...runSummary, interrupted: signalled, regressions });
}

/** --last-failed, then --shard: the sites this run takes of the loaded (and filtered) ones. */
async function selectForRun(
  sites: Site[],
  options: { lastFailed?: string; shard?: Shard; history: ReadonlyMap<string, number> },
  ctx: CommandContext,
): Promise<Site[]> {
  let selected = sites;
  if (options.lastFailed) {
    const failed = await lastFailedIds(options.lastFailed, ctx);
    selected = selected.filter((s) => failed.has(s.id));
    ctx.err(`grid-run: --last-failed: ${selected.length} site(s), of the ${failed.size} that failed or errored in ${options.lastFailed}`);
  }
  if (options.shard) {
    const { current, total } = options.shard;
    const mine = new Set(shardOf(selected.map((s) => s.id), options.shard, options.history));
    ctx.err(`grid-run: shard ${current}/${total}: ${mine.size} of ${selected.length} site(s)`);
    selected = selected.filter((s) => mine.has(s.id));
  }
  return selected;
}
