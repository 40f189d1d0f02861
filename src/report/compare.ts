// What changed between two runs of the same sites: per site (newly failing, fixed, detection
// changed, new, removed, flaky) and, for the labelled sites, the detector's login precision,
// recall and F1 and its per-field accuracy, old against new. Pure: results in, data out.
import { FIELDS, type SiteResult } from '../types.ts';
import { breakdown, language, type Breakdown, type PageRecord } from '../eval/metrics.ts';

/** The earlier run a report compares with: its file, as the user named it, and its results. */
export type CompareWith = { file: string; results: readonly SiteResult[] };

export type Change = 'newly-failing' | 'fixed' | 'detection-changed' | 'new' | 'flaky';
export const CHANGES: readonly Change[] = ['newly-failing', 'fixed', 'detection-changed', 'new', 'flaky'];

export type DetectionChange = { field: 'login' | 'step' | (typeof FIELDS)[number]; from: boolean | string | null; to: boolean | string | null };

/** Metrics of one run's labelled sites: overall, per language and per tag. */
export type MetricSet = { overall: Breakdown; byLocale: Record<string, Breakdown>; byTag: Record<string, Breakdown> };

export type Comparison = {
  /** The old results file, as the user named it. */
  oldFile: string;
  /** Failed now, passed in the old run: what `--fail-on regressions` fails on. */
  newlyFailing: string[];
  /** Passed now, failed in the old run. */
  fixed: string[];
  detectionChanged: { id: string; changes: DetectionChange[] }[];
  /** In this run only. */
  added: string[];
  /** In the old run only. */
  removed: string[];
  /** Passed in this run only after a failed attempt. */
  flaky: string[];
  metrics: { old: MetricSet; new: MetricSet };
};

const DETECTION_FIELDS = ['login', 'step', ...FIELDS] as const;

export function compareRuns(oldResults: readonly SiteResult[], newResults: readonly SiteResult[], oldFile: string): Comparison {
  const old = new Map(oldResults.map((r) => [r.id, r]));
  const now = new Set(newResults.map((r) => r.id));
  const c: Comparison = {
    oldFile,
    newlyFailing: [],
    fixed: [],
    detectionChanged: [],
    added: [],
    removed: oldResults.filter((r) => !now.has(r.id)).map((r) => r.id),
    flaky: newResults.filter((r) => r.flaky).map((r) => r.id),
    metrics: { old: metricSet(oldResults), new: metricSet(newResults) },
  };
  for (const r of newResults) {
    const before = old.get(r.id);
    if (!before) {
      c.added.push(r.id);
      continue;
    }
    if (before.status === 'passed' && r.status === 'failed') c.newlyFailing.push(r.id);
    if (before.status === 'failed' && r.status === 'passed') c.fixed.push(r.id);
    if (before.detection && r.detection) {
      const changes = DETECTION_FIELDS.filter((f) => before.detection![f] !== r.detection![f]).map((f) => ({ field: f, from: before.detection![f], to: r.detection![f] }));
      if (changes.length) c.detectionChanged.push({ id: r.id, changes });
    }
  }
  return c;
}

/** Site id -> its changes in this run, for the report's "changed" filter and JUnit. */
export function changesById(c: Comparison): Map<string, Change[]> {
  const map = new Map<string, Change[]>();
  const add = (id: string, change: Change) => (map.get(id) ?? map.set(id, []).get(id)!).push(change);
  for (const id of c.newlyFailing) add(id, 'newly-failing');
  for (const id of c.fixed) add(id, 'fixed');
  for (const d of c.detectionChanged) add(d.id, 'detection-changed');
  for (const id of c.added) add(id, 'new');
  for (const id of c.flaky) add(id, 'flaky');
  return map;
}

/**
 * A result as an eval page record. Only sites labelled with `expect.login` count; a site that
 * errored, never ran or failed before detecting (a step) counts in no metric. Field accuracy
 * comes from the verdict's own comparisons, so results from before verdicts have none.
 */
export function pageRecord(r: SiteResult): PageRecord | undefined {
  if (r.expect?.login === undefined) return undefined;
  const base = { id: r.id, tags: r.tags, locale: r.locale, expectedLogin: r.expect.login };
  if (r.status === 'error' || r.status === 'skipped' || !r.detection) return { ...base, detectedLogin: false, fields: [], detectMs: 0, error: r.message ?? r.status };
  const fields = (r.verdicts ?? []).flatMap((v) =>
    v.field !== 'login' && v.field !== 'step' && v.field !== 'present' && v.field !== 'absent' && v.against === undefined
      ? [{ field: v.field, correct: v.match, expected: v.expected as string | null, detected: v.detected as string | null }]
      : [],
  );
  return { ...base, detectedLogin: r.detection.login, fields, detectMs: r.timings.detectMs };
}

export function metricSet(results: readonly SiteResult[]): MetricSet {
  const records = results.map(pageRecord).filter((r): r is PageRecord => r !== undefined);
  const group = (keys: (r: PageRecord) => string[]) => {
    const groups = new Map<string, PageRecord[]>();
    for (const r of records) for (const k of keys(r)) (groups.get(k) ?? groups.set(k, []).get(k)!).push(r);
    return Object.fromEntries([...groups].sort(([a], [b]) => a.localeCompare(b)).map(([k, rs]) => [k, breakdown(rs)]));
  };
  return { overall: breakdown(records), byLocale: group((r) => [language(r.locale)]), byTag: group((r) => r.tags) };
}

export const pct = (v: number | null | undefined): string => (v === null || v === undefined ? '-' : `${(v * 100).toFixed(1)}%`);

/** `95.0% -> 97.5%` */
export function change(from: number | null | undefined, to: number | null | undefined): string {
  return `${pct(from)} -> ${pct(to)}`;
}

export function comparisonCounts(c: Comparison): Array<[string, number]> {
  return [
    ['newly failing', c.newlyFailing.length],
    ['fixed', c.fixed.length],
    ['detection changed', c.detectionChanged.length],
    ['new', c.added.length],
    ['removed', c.removed.length],
    ['flaky', c.flaky.length],
  ];
}

/** The comparison for the console, `grid-run compare` and the end of `run --compare`. */
export function comparisonLines(c: Comparison, options: { limit?: number } = {}): string[] {
  const limit = options.limit ?? 20;
  const lines = [`Compared with ${c.oldFile}: ${comparisonCounts(c).map(([k, n]) => `${n} ${k}`).join(', ')}`];
  const list = (title: string, ids: string[]) => {
    if (!ids.length) return;
    lines.push(`  ${title}:`);
    for (const id of ids.slice(0, limit)) lines.push(`    ${id}`);
    if (ids.length > limit) lines.push(`    … and ${ids.length - limit} more`);
  };
  list('newly failing', c.newlyFailing);
  list('fixed', c.fixed);
  if (c.detectionChanged.length) {
    lines.push('  detection changed:');
    for (const d of c.detectionChanged.slice(0, limit)) lines.push(`    ${d.id}: ${describeChanges(d.changes)}`);
    if (c.detectionChanged.length > limit) lines.push(`    … and ${c.detectionChanged.length - limit} more`);
  }
  list('new', c.added);
  list('removed', c.removed);
  list('flaky', c.flaky);
  const o = c.metrics.old.overall;
  const n = c.metrics.new.overall;
  lines.push(
    `  labelled sites ${o.pages} -> ${n.pages}: login precision ${change(o.precision, n.precision)}, recall ${change(o.recall, n.recall)}, F1 ${change(o.f1, n.f1)}`,
    `  field accuracy: ${FIELDS.map((f) => `${f} ${change(o.fields[f].accuracy, n.fields[f].accuracy)}`).join(', ')}`,
  );
  return lines;
}

export function describeChanges(changes: readonly DetectionChange[]): string {
  return changes.map((x) => `${x.field} ${JSON.stringify(x.from)} -> ${JSON.stringify(x.to)}`).join(', ');
}
