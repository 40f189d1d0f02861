// Pure helpers shared by the reporters: the run's verdict in numbers, partial-run filling,
// and the human sentence for "expected vs detected" that JUnit, HTML and console all print.
import { FIELDS, type Detection, type Expectation, type Site, type SiteResult } from '../types.ts';
import { skippedResult } from '../site-result.ts';
import type { RunSummary } from './reporter.ts';

// The reports' index lists it with the other result helpers.
export { skippedResult };

export type SummaryInput = {
  wallMs: number;
  /** Slots used at once; with wallMs it bounds the available slot-time. */
  concurrency: number;
  sessionsCreated: number;
  interrupted?: string;
  /** --strict-known: a fixed known failure fails the run. */
  strictKnown?: boolean;
};

/** Counts come from final statuses only, so a site retried or requeued is counted once. */
export function computeSummary(results: readonly SiteResult[], input: SummaryInput): RunSummary {
  const count = (s: SiteResult['status']) => results.filter((r) => r.status === s).length;
  const done = results.length - count('skipped');
  // Busy time includes every attempt: a failed first try occupied its slot just the same.
  const busyMs = results.reduce((sum, r) => sum + r.attempts.reduce((a, t) => a + t.durationMs, 0), 0);
  const availableMs = input.concurrency * input.wallMs;
  const summary: RunSummary = {
    total: results.length,
    passed: count('passed'),
    failed: results.filter((r) => r.status === 'failed' && r.known?.state !== 'failing').length,
    known: results.filter((r) => r.known?.state === 'failing').length,
    fixed: results.filter((r) => r.known?.state === 'fixed').length,
    errors: count('error'),
    skipped: count('skipped'),
    flaky: results.filter((r) => r.flaky).length,
    wallMs: input.wallMs,
    sitesPerMinute: input.wallMs > 0 ? round2((done * 60_000) / input.wallMs) : 0,
    slotUtilisation: availableMs > 0 ? round2(Math.min(1, busyMs / availableMs)) : 0,
    sessionsCreated: input.sessionsCreated,
  };
  if (input.interrupted) summary.interrupted = input.interrupted;
  if (input.strictKnown) summary.strictKnown = true;
  return summary;
}

/**
 * A site that counts against the run: an error, a failure not marked as known, or with
 * --strict-known a known failure that passed (fixed, to be removed from the known failures).
 */
export function failsRun(r: SiteResult, strictKnown = false): boolean {
  if (r.status === 'error') return true;
  if (r.status === 'failed') return r.known?.state !== 'failing';
  return strictKnown && r.known?.state === 'fixed';
}

/** The line a fixed known failure is reported with. */
export function fixedMessage(r: SiteResult): string {
  return `fixed: passes now, remove it from the known failures (${r.known?.reason})`;
}

/** Seconds with at most 3 decimals: JUnit readers show `time` as given (0.8533999999999999). */
export function seconds(ms: number): number {
  return Math.round(ms) / 1000;
}

/**
 * Every site exactly once, in the order of `sites`: finished results as they are, the rest
 * as skipped with `reason`. Results for ids not in `sites` are kept at the end rather than lost.
 */
export function completeResults(sites: readonly Site[], results: readonly SiteResult[], reason: string): SiteResult[] {
  const byId = new Map(results.map((r) => [r.id, r]));
  const out = sites.map((s) => byId.get(s.id) ?? skippedResult(s, reason));
  const known = new Set(sites.map((s) => s.id));
  for (const r of results) if (!known.has(r.id)) out.push(r);
  return out;
}


/**
 * One line per checked field that disagrees, e.g. `password: expected "#pw", detected none`.
 * Empty when expectation and detection agree (or nothing was checked).
 */
export function mismatches(expect: Expectation | undefined, detection: Detection | undefined): string[] {
  if (!expect) return [];
  if (!detection) return ['nothing detected (the detector returned no answer)'];
  const lines: string[] = [];
  if (expect.login !== undefined && expect.login !== detection.login) {
    lines.push(
      expect.login
        ? `login: expected a login form, detected none (step ${detection.step})`
        : `login: expected no login form, detected one (step ${detection.step})`,
    );
  }
  for (const f of FIELDS) {
    const want = expect[f];
    if (want === undefined) continue;
    const got = detection[f];
    if (want !== got) lines.push(`${f}: expected ${show(want)}, detected ${show(got)}`);
  }
  return lines;
}

/** `username=#email password=none submit=form button login=yes (0.92)` */
export function describeDetection(d: Detection | undefined): string {
  if (!d) return 'no detection';
  return (
    `login=${d.login ? 'yes' : 'no'} step=${d.step} ` +
    FIELDS.map((f) => `${f}=${d[f] ?? 'none'}`).join(' ') +
    ` confidence=${d.confidence.toFixed(2)}`
  );
}

export function describeExpectation(e: Expectation | undefined): string {
  if (!e) return 'record-only (no expectation)';
  const parts: string[] = [];
  if (e.login !== undefined) parts.push(`login=${e.login ? 'yes' : 'no'}`);
  for (const f of FIELDS) if (e[f] !== undefined) parts.push(`${f}=${e[f] ?? 'none'}`);
  return parts.length ? parts.join(' ') : 'nothing checked';
}

export function formatDuration(ms: number): string {
  if (!Number.isFinite(ms) || ms < 0) return '?';
  if (ms < 1000) return `${Math.round(ms)}ms`;
  const s = ms / 1000;
  if (s < 60) return `${s.toFixed(1)}s`;
  const m = Math.floor(s / 60);
  const rest = Math.round(s % 60);
  if (m < 60) return `${m}m${String(rest).padStart(2, '0')}s`;
  return `${Math.floor(m / 60)}h${String(m % 60).padStart(2, '0')}m`;
}

export function finalAttemptMs(r: SiteResult): number {
  return r.attempts.at(-1)?.durationMs ?? r.timings.totalMs;
}

function show(v: string | null | undefined): string {
  return v == null ? 'none' : JSON.stringify(v);
}

function round2(n: number): number {
  return Math.round(n * 100) / 100;
}

/** Reports are shared widely: a grid URL with user:password@ must not carry them along. */
export function redactUrl(url: string): string {
  try {
    const u = new URL(url);
    if (!u.username && !u.password) return url;
    u.username = '';
    u.password = '';
    return u.toString();
  } catch {
    return url.replace(/\/\/[^/@\s]*@/, '//');
  }
}
