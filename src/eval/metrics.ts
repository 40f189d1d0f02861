// Metrics of an eval run: pure functions over per-page records.
import type { FieldName } from '../types.ts';

export type FieldOutcome = { field: FieldName; correct: boolean; expected: string | null; detected: string | null; expectedElement?: string; detectedElement?: string };

/** What one page gave. `error` pages (infrastructure) count in no metric, only in `errors`. */
export type PageRecord = {
  id: string;
  tags: string[];
  locale?: string;
  expectedLogin?: boolean;
  detectedLogin: boolean;
  /** Labelled fields of a page expected to be a login page. */
  fields: FieldOutcome[];
  detectMs: number;
  /** When the page was started, its page-load and its whole time, and the browser session: for the HTML report's pictures. */
  startedAt?: string;
  loadMs?: number;
  totalMs?: number;
  session?: string;
  error?: string;
  /** The detector failed on the page (threw, timed out, answered no Detection); counted as no login found. */
  failure?: string;
  detected?: { username: string | null; password: string | null; submit: string | null; step: string; confidence: number; signals: string[] };
};

export type Confusion = { pages: number; tp: number; fp: number; fn: number; tn: number };
export type FieldAccuracy = { correct: number; total: number; accuracy: number | null };

export type Breakdown = Confusion & {
  precision: number | null;
  recall: number | null;
  f1: number | null;
  /** Share of pages expected not to be login pages that were taken for one. */
  falseLoginRate: number | null;
  fields: Record<FieldName, FieldAccuracy>;
};

export type Miss = { id: string; kind: 'false-login' | 'missed-login' | FieldName; expected: string; detected: string; signals?: string[]; failure?: string };

export type EvalReport = {
  overall: Breakdown;
  byTag: Record<string, Breakdown>;
  byLocale: Record<string, Breakdown>;
  timing: { pages: number; medianMs: number | null; p95Ms: number | null; maxMs: number | null };
  misses: Miss[];
  errors: { id: string; error: string }[];
};

const ratio = (a: number, b: number): number | null => (b === 0 ? null : a / b);

export function breakdown(records: PageRecord[]): Breakdown {
  const c: Confusion = { pages: 0, tp: 0, fp: 0, fn: 0, tn: 0 };
  const fields = {
    username: { correct: 0, total: 0, accuracy: null },
    password: { correct: 0, total: 0, accuracy: null },
    submit: { correct: 0, total: 0, accuracy: null },
  } as Record<FieldName, FieldAccuracy>;
  for (const r of records) {
    if (r.error !== undefined || r.expectedLogin === undefined) continue;
    c.pages++;
    if (r.expectedLogin && r.detectedLogin) c.tp++;
    else if (r.expectedLogin) c.fn++;
    else if (r.detectedLogin) c.fp++;
    else c.tn++;
    if (!r.expectedLogin) continue;
    for (const f of r.fields) {
      fields[f.field].total++;
      if (f.correct) fields[f.field].correct++;
    }
  }
  for (const f of Object.values(fields)) f.accuracy = ratio(f.correct, f.total);
  const precision = ratio(c.tp, c.tp + c.fp);
  const recall = ratio(c.tp, c.tp + c.fn);
  const f1 = precision === null || recall === null ? null : precision + recall === 0 ? 0 : (2 * precision * recall) / (precision + recall);
  return { ...c, precision, recall, f1, falseLoginRate: ratio(c.fp, c.fp + c.tn), fields };
}

/** The q-quantile (0..1) by nearest rank; null for no values. */
export function quantile(values: number[], q: number): number | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.max(1, Math.ceil(q * sorted.length));
  return sorted[Math.min(rank, sorted.length) - 1]!;
}

function groupBy(records: PageRecord[], keys: (r: PageRecord) => string[]): Record<string, Breakdown> {
  const groups = new Map<string, PageRecord[]>();
  for (const r of records) for (const k of keys(r)) (groups.get(k) ?? groups.set(k, []).get(k)!).push(r);
  return Object.fromEntries([...groups.entries()].sort(([a], [b]) => a.localeCompare(b)).map(([k, rs]) => [k, breakdown(rs)]));
}

/** A page's language: `en-GB` counts as `en`; pages without a locale as `(none)`. */
export function language(locale: string | undefined): string {
  return locale ? locale.toLowerCase().split(/[-_]/)[0]! : '(none)';
}

export function misses(records: PageRecord[]): Miss[] {
  const out: Miss[] = [];
  for (const r of records) {
    if (r.error !== undefined || r.expectedLogin === undefined) continue;
    const signals = r.detected?.signals;
    if (r.expectedLogin && !r.detectedLogin) out.push({ id: r.id, kind: 'missed-login', expected: 'login form', detected: 'none', signals, ...(r.failure === undefined ? {} : { failure: r.failure }) });
    else if (!r.expectedLogin && r.detectedLogin) {
      out.push({ id: r.id, kind: 'false-login', expected: 'no login form', detected: `password ${r.detected?.password ?? 'none'}, username ${r.detected?.username ?? 'none'}`, signals });
    } else if (r.expectedLogin) {
      for (const f of r.fields) {
        if (f.correct) continue;
        out.push({ id: r.id, kind: f.field, expected: f.expectedElement ?? f.expected ?? 'none', detected: f.detected === null ? 'none' : `${f.detected} (${f.detectedElement ?? ''})` });
      }
    }
  }
  return out;
}

export function report(records: PageRecord[]): EvalReport {
  const timed = records.filter((r) => r.error === undefined).map((r) => r.detectMs);
  return {
    overall: breakdown(records),
    byTag: groupBy(records, (r) => r.tags),
    byLocale: groupBy(records, (r) => [language(r.locale)]),
    timing: { pages: timed.length, medianMs: quantile(timed, 0.5), p95Ms: quantile(timed, 0.95), maxMs: quantile(timed, 1) },
    misses: misses(records),
    errors: records.filter((r) => r.error !== undefined).map((r) => ({ id: r.id, error: r.error! })),
  };
}
