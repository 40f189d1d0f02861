// Progress for people: a live bar with per-node activity on a terminal, plain periodic lines in
// CI (where redraws turn logs into noise), and always a final summary.
import cliProgress from 'cli-progress';
import type { Writable } from 'node:stream';
import type { SiteResult } from '../types.ts';
import type { Reporter, RunInfo, RunSummary, SiteStart } from './reporter.ts';
import { failsRun, fixedMessage, formatDuration, redactUrl } from './summary.ts';
import { compareRuns, comparisonLines, type Comparison, type CompareWith } from './compare.ts';

export type OutStream = Writable & { isTTY?: boolean; columns?: number; rows?: number };

/** Time and timers, injected so tests drive progress without waiting. */
export type ProgressClock = {
  now(): number;
  setInterval(fn: () => void, ms: number): unknown;
  clearInterval(handle: unknown): void;
};

export const systemProgressClock: ProgressClock = {
  now: () => Date.now(),
  setInterval: (fn, ms) => {
    const h = setInterval(fn, ms);
    h.unref(); // progress must never keep the process alive on its own
    return h;
  },
  clearInterval: (h) => clearInterval(h as NodeJS.Timeout),
};

export type ConsoleOptions = {
  stream: OutStream;
  /** Plain lines even on a TTY (CI=true, or --no-progress). */
  ci: boolean;
  clock?: ProgressClock;
  /** CI: longest quiet time between progress lines. */
  intervalMs?: number;
  /** CI: also print a line each time this fraction of the sites is crossed. */
  percentStep?: number;
  /** TTY: most node lines shown under the bar; the rest are folded into one line. */
  maxNodeLines?: number;
  /** The earlier run to compare with at the end (`--compare`). */
  compareWith?: CompareWith;
};

/** Plain mode unless the stream is a terminal and we were not told we are in CI. */
export function isInteractive(stream: OutStream, ci: boolean): boolean {
  return !ci && stream.isTTY === true;
}

type Counts = { done: number; passed: number; failed: number; errors: number; skipped: number; flaky: number };

export class ConsoleReporter implements Reporter {
  readonly interactive: boolean;
  #stream: OutStream;
  #clock: ProgressClock;
  #intervalMs: number;
  #percentStep: number;
  #maxNodeLines: number;
  #compareWith?: CompareWith;
  #total = 0;
  #concurrency = 0;
  #startMs = 0;
  #counts: Counts = { done: 0, passed: 0, failed: 0, errors: 0, skipped: 0, flaky: 0 };
  /** slot key -> site running there; a key is node + slot so two nodes' slot 0 differ. */
  #active = new Map<string, { siteId: string; node: string; since: number }>();
  #slotOf = new Map<string, string>();
  #notices: string[] = [];
  #timer: unknown;
  #lastLineStep = 0;
  #lastLineMs = 0;
  #multibar?: cliProgress.MultiBar;
  #mainBar?: cliProgress.SingleBar;
  #nodeBars = new Map<string, cliProgress.SingleBar>();
  #moreBar?: cliProgress.SingleBar;

  constructor(options: ConsoleOptions) {
    this.#stream = options.stream;
    this.#clock = options.clock ?? systemProgressClock;
    this.#intervalMs = options.intervalMs ?? 30_000;
    this.#percentStep = options.percentStep ?? 0.1;
    this.#maxNodeLines = options.maxNodeLines ?? 12;
    this.#compareWith = options.compareWith;
    this.interactive = isInteractive(options.stream, options.ci);
  }

  onBegin(info: RunInfo): void {
    this.#total = info.sites.length;
    this.#concurrency = info.concurrency;
    this.#startMs = this.#clock.now();
    this.#lastLineMs = this.#startMs;
    this.#write(
      `grid-run: ${info.sites.length} sites in ${info.chunks.length} chunks, ${info.concurrency} slots on ${redactUrl(info.gridUrl)} (run ${info.runId})`,
    );
    if (this.interactive) {
      this.#multibar = new cliProgress.MultiBar({
        stream: this.#stream,
        clearOnComplete: true, // the summary replaces the bar; scrollback keeps failures and notices
        hideCursor: true,
        format: ' {bar} {value}/{total} | {passed} passed, {failed} failed, {errors} errors | {elapsed} elapsed, ETA {etaText}',
        barsize: 30,
        autopadding: true,
        // The run's own signal handling (src/cli/signals.ts) decides what Ctrl-C does.
        gracefulExit: false,
      });
      this.#mainBar = this.#multibar.create(Math.max(this.#total, 1), 0, this.#payload());
      // A second Ctrl-C exits without onEnd; the terminal must not be left with a hidden cursor.
      process.once('exit', this.#showCursor);
      // Elapsed time and ETA move even when no site finishes.
      this.#timer = this.#clock.setInterval(() => this.#refresh(), 1000);
    } else {
      this.#timer = this.#clock.setInterval(() => this.#tick(), Math.min(this.#intervalMs, 5000));
    }
  }

  onSiteStart(start: SiteStart): void {
    const node = start.node ?? 'grid';
    const key = `${node}#${start.slot}`;
    this.#active.set(key, { siteId: start.siteId, node, since: this.#clock.now() });
    this.#slotOf.set(start.siteId, key);
    this.#refresh();
  }

  onSiteEnd(result: SiteResult): void {
    const key = this.#slotOf.get(result.id);
    if (key !== undefined && this.#active.get(key)?.siteId === result.id) this.#active.delete(key);
    this.#slotOf.delete(result.id);
    const c = this.#counts;
    c.done++;
    if (result.status === 'passed') c.passed++;
    else if (result.status === 'failed') c.failed++;
    else if (result.status === 'error') c.errors++;
    else c.skipped++;
    if (result.flaky) c.flaky++;
    if (result.known) {
      this.#log(knownLine(result));
    } else if (result.status === 'failed' || result.status === 'error') {
      this.#log(`${result.status === 'failed' ? 'FAIL ' : 'ERROR'} ${result.id}: ${oneLine(result.message ?? result.status)}`);
    } else if (result.flaky) {
      this.#log(`FLAKY ${result.id}: passed on attempt ${result.attempts.at(-1)?.attempt ?? '?'}`);
    }
    if (this.interactive) {
      this.#refresh();
    } else if (this.#total > 0 && this.#percentStep > 0) {
      const step = Math.floor(c.done / this.#total / this.#percentStep);
      if (step > this.#lastLineStep) {
        this.#lastLineStep = step;
        this.#progressLine();
      }
    }
  }

  onNotice(message: string): void {
    this.#notices.push(message);
    this.#log(`note: ${message}`);
  }

  onEnd(results: SiteResult[], summary: RunSummary): void {
    if (this.#timer !== undefined) this.#clock.clearInterval(this.#timer);
    this.#timer = undefined;
    if (this.#multibar) {
      this.#refresh();
      this.#multibar.update(); // flushes buffered log lines before the bar is cleared
      this.#multibar.stop();
      this.#multibar = undefined;
      process.off('exit', this.#showCursor);
    }
    const comparison = this.#compareWith && compareRuns(this.#compareWith.results, results, this.#compareWith.file);
    for (const line of summaryLines(results, summary, this.#notices, comparison)) this.#write(line);
  }

  #showCursor = (): void => {
    this.#stream.write('\x1b[?25h\x1b[?7h'); // cursor on, line wrapping back on (the bar turns both off)
  };

  #payload() {
    const c = this.#counts;
    const elapsed = this.#clock.now() - this.#startMs;
    return {
      passed: c.passed,
      failed: c.failed,
      errors: c.errors,
      elapsed: formatDuration(elapsed),
      etaText: this.#eta(elapsed),
    };
  }

  #eta(elapsedMs: number): string {
    const done = this.#counts.done;
    if (done === 0) return '?';
    return formatDuration((elapsedMs / done) * Math.max(0, this.#total - done));
  }

  #refresh(): void {
    if (!this.#multibar || !this.#mainBar) return;
    this.#mainBar.update(this.#counts.done, this.#payload());
    const byNode = new Map<string, string[]>();
    const now = this.#clock.now();
    for (const a of [...this.#active.values()].sort((x, y) => x.since - y.since)) {
      const list = byNode.get(a.node) ?? [];
      list.push(`${a.siteId} (${formatDuration(now - a.since)})`);
      byNode.set(a.node, list);
    }
    // A node keeps its line once seen, showing "idle", so lines do not jump around.
    for (const node of byNode.keys()) {
      if (!this.#nodeBars.has(node) && this.#nodeBars.size < this.#maxNodeLines) {
        this.#nodeBars.set(node, this.#multibar.create(1, 0, { text: '' }, { format: '   {text}' }));
      }
    }
    const width = Math.max(40, (this.#stream.columns ?? 100) - 4);
    for (const [node, bar] of this.#nodeBars) {
      const sites = byNode.get(node);
      bar.update(0, { text: clipText(`${node}: ${sites ? sites.join(', ') : 'idle'}`, width) });
    }
    const hidden = [...byNode.keys()].filter((n) => !this.#nodeBars.has(n));
    if (hidden.length || this.#moreBar) {
      this.#moreBar ??= this.#multibar.create(1, 0, { text: '' }, { format: '   {text}' });
      const busy = hidden.reduce((n, node) => n + (byNode.get(node)?.length ?? 0), 0);
      this.#moreBar.update(0, { text: hidden.length ? `… ${hidden.length} more nodes, ${busy} sites running` : '' });
    }
  }

  #tick(): void {
    if (this.#clock.now() - this.#lastLineMs >= this.#intervalMs) this.#progressLine();
  }

  #progressLine(): void {
    const c = this.#counts;
    const now = this.#clock.now();
    this.#lastLineMs = now;
    const pct = this.#total ? Math.floor((c.done * 100) / this.#total) : 100;
    const elapsed = now - this.#startMs;
    this.#write(
      `progress: ${c.done}/${this.#total} (${pct}%) | ${c.passed} passed, ${c.failed} failed, ${c.errors} errors` +
        ` | ${this.#active.size}/${this.#concurrency} slots busy | ${formatDuration(elapsed)} elapsed, ETA ${this.#eta(elapsed)}`,
    );
  }

  #log(line: string): void {
    if (this.#multibar) this.#multibar.log(line + '\n');
    else this.#write(line);
  }

  #write(line: string): void {
    this.#stream.write(line + '\n');
  }
}

export function summaryLines(results: readonly SiteResult[], s: RunSummary, notices: readonly string[] = [], comparison?: Comparison): string[] {
  const lines: string[] = [];
  if (s.interrupted) lines.push(`Run interrupted: ${s.interrupted}. Unfinished sites are reported as skipped.`);
  const problems = results.filter((r) => failsRun(r, s.strictKnown));
  if (problems.length) {
    lines.push('', `${problems.length} site(s) need attention:`);
    const shown = problems.slice(0, 20);
    for (const r of shown) lines.push(`  ${r.known ? knownLine(r) : `${r.status === 'failed' ? 'FAIL ' : 'ERROR'} ${r.id}: ${oneLine(r.message ?? r.status)}`}`);
    if (problems.length > shown.length) lines.push(`  … and ${problems.length - shown.length} more (see the JUnit or HTML report)`);
  }
  const known = results.filter((r) => r.known && !problems.includes(r));
  if (known.length) {
    lines.push('', `Known failures (${s.known} still failing, ${s.fixed} fixed):`);
    for (const r of known.slice(0, 20)) lines.push(`  ${knownLine(r)}`);
    if (known.length > 20) lines.push(`  … and ${known.length - 20} more`);
  }
  if (notices.length) {
    lines.push('', `Notices (${notices.length}):`);
    for (const n of notices.slice(-20)) lines.push(`  ${oneLine(n)}`);
  }
  if (comparison) lines.push('', ...comparisonLines(comparison));
  lines.push(
    '',
    `${s.total} sites: ${s.passed} passed, ${s.failed} failed, ${s.errors} errors, ${s.skipped} skipped, ${s.flaky} flaky` +
      (s.known || s.fixed ? `, ${s.known} known failures, ${s.fixed} fixed` : ''),
    `wall ${formatDuration(s.wallMs)}, ${s.sitesPerMinute} sites/min, slot utilisation ${Math.round(s.slotUtilisation * 100)}%, ${s.sessionsCreated} sessions created`,
  );
  return lines;
}

/** `KNOWN id: reason: message` for one still failing, `FIXED id: ...` for one that passed. */
function knownLine(r: SiteResult): string {
  if (r.known?.state === 'fixed') return `FIXED ${r.id}: ${fixedMessage(r)}`;
  return `KNOWN ${r.id}: known failure (${r.known?.reason}), still failing: ${oneLine(r.message ?? r.status)}`;
}

function oneLine(s: string): string {
  return s.replace(/\s*\n\s*/g, ' | ');
}

function clipText(s: string, max: number): string {
  return s.length > max ? `${s.slice(0, max - 1)}…` : s;
}
