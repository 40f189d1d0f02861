// The run talks to one Reporter; this fans its events out to the outputs the user asked for.
import type { SiteResult } from '../types.ts';
import type { Reporter, RunInfo, RunSummary, SiteStart } from './reporter.ts';
import { ConsoleReporter } from './console.ts';
import type { ProgressClock, OutStream } from './console.ts';
import { HtmlReporter } from './html.ts';
import { JsonReporter } from './json.ts';
import { JUnitReporter } from './junit.ts';
import { DotReporter } from './dot.ts';
import { GitHubReporter, type GitHubOptions } from './github.ts';
import type { CompareWith } from './compare.ts';

export type ReportersOptions = {
  /** JUnit XML file. */
  junit?: string;
  /** HTML report directory (index.html is written inside). */
  report?: string;
  /** results.json file. */
  results?: string;
  /** History the run was planned with, blended into results.json's `history`. */
  previousHistory?: ReadonlyMap<string, number>;
  /** The `list` reporter: a live bar on a terminal, plain lines in CI. */
  console?: { stream: OutStream; ci: boolean; clock?: ProgressClock; intervalMs?: number };
  /** The `dot` reporter: one character per site. */
  dot?: OutStream;
  /** The `github` reporter: annotations and the job summary. */
  github?: GitHubOptions;
  /** Resolves relative screenshot paths. */
  cwd?: string;
  /** JUnit attachments relative to this folder (GitLab's $CI_PROJECT_DIR) instead of absolute. */
  attachmentsRoot?: string;
  /** The results of an earlier run (`--compare`): what changed goes into every report. */
  compareWith?: CompareWith;
  /** More reporters (tests, plugins). */
  extra?: Reporter[];
};

export function createReporters(options: ReportersOptions): CompositeReporter {
  const list: Reporter[] = [];
  // Files first, then the console: the summary is printed once every file is on disk.
  if (options.results) list.push(new JsonReporter(options.results, { previousHistory: options.previousHistory }));
  const compareWith = options.compareWith;
  if (options.junit) list.push(new JUnitReporter(options.junit, { cwd: options.cwd, attachmentsRoot: options.attachmentsRoot, compareWith }));
  if (options.report) list.push(new HtmlReporter({ dir: options.report, cwd: options.cwd, compareWith }));
  if (options.extra) list.push(...options.extra);
  if (options.dot) list.push(new DotReporter(options.dot, { compareWith }));
  if (options.console) list.push(new ConsoleReporter({ ...options.console, compareWith }));
  // After the console's summary: annotations are lines of their own, never the end of a line of dots.
  if (options.github) list.push(new GitHubReporter(options.github));
  return new CompositeReporter(list);
}

export class ReportWriteError extends Error {
  readonly errors: unknown[];
  constructor(errors: unknown[]) {
    super(`could not write ${errors.length} report(s): ${errors.map((e) => (e instanceof Error ? e.message : String(e))).join('; ')}`);
    this.name = 'ReportWriteError';
    this.errors = errors;
  }
}

/**
 * Calls every reporter for every event. A reporter that throws must not cost the others their
 * output (a full disk for the HTML must not lose the JUnit CI needs): streaming events swallow
 * and report the fault as a notice; onEnd runs all writers, then throws one error naming all.
 */
export class CompositeReporter implements Reporter {
  readonly reporters: readonly Reporter[];
  #ended = false;
  constructor(reporters: Reporter[]) {
    this.reporters = reporters;
  }
  async onBegin(info: RunInfo): Promise<void> {
    // An async wrapper turns a reporter's synchronous throw into a rejection like the others.
    const errors = await settle(this.reporters.map(async (r) => await r.onBegin?.(info)));
    if (errors.length) throw new ReportWriteError(errors);
  }
  onSiteStart(start: SiteStart): void {
    this.#each((r) => r.onSiteStart?.(start));
  }
  onSiteEnd(result: SiteResult): void {
    this.#each((r) => r.onSiteEnd?.(result));
  }
  onNotice(message: string): void {
    for (const r of this.reporters) {
      try {
        r.onNotice?.(message);
      } catch {
        // a notice about a failing notice would loop; the run goes on
      }
    }
  }
  /** Idempotent: a second call (normal end racing Ctrl-C) writes nothing twice. */
  async onEnd(results: SiteResult[], summary: RunSummary): Promise<void> {
    if (this.#ended) return;
    this.#ended = true;
    const errors: unknown[] = [];
    // Sequential so the console summary (last) comes after the files are written.
    for (const r of this.reporters) {
      try {
        await r.onEnd?.(results, summary);
      } catch (err) {
        errors.push(err);
      }
    }
    if (errors.length) throw new ReportWriteError(errors);
  }
  #each(fn: (r: Reporter) => void): void {
    for (const r of this.reporters) {
      try {
        fn(r);
      } catch (err) {
        this.onNotice(`reporter failed: ${err instanceof Error ? err.message : String(err)}`);
      }
    }
  }
}

async function settle(values: Promise<void>[]): Promise<unknown[]> {
  const outcomes = await Promise.allSettled(values);
  return outcomes.flatMap((o): unknown[] => (o.status === 'rejected' ? [o.reason] : []));
}

export { computeSummary, completeResults, skippedResult, failsRun } from './summary.ts';
export { describeVerdict, problems } from './verdicts.ts';
export type { SummaryInput } from './summary.ts';
export { readHistory, mergeHistory, readResults, writeResults } from './json.ts';
export { writeJUnit, buildJUnit } from './junit.ts';
export { writeHtml, buildHtml } from './html.ts';
export { ConsoleReporter, systemProgressClock } from './console.ts';
export type { ProgressClock, OutStream } from './console.ts';
