// results.json: the full record of a run, and the timing history the planner reads next time.
import { readFile } from 'node:fs/promises';
import type { SiteResult } from '../types.ts';
import type { Reporter, RunInfo, RunSummary, Shard } from './reporter.ts';
import { writeFileAtomic } from './atomic.ts';
import { finalAttemptMs, redactUrl } from './summary.ts';

export const RESULTS_FORMAT = 'grid-run/results@1';

export type ResultsFile = {
  format: typeof RESULTS_FORMAT;
  runId?: string;
  gridUrl?: string;
  startedAt?: string;
  finishedAt: string;
  /** Set with --shard: which share of the list this file holds, so a merge can name a missing one. */
  shard?: Shard;
  summary: RunSummary;
  results: SiteResult[];
  /**
   * Expected duration per site id in ms: this run's durations blended into the previous
   * history, so one slow run does not reorder the next plan on its own.
   */
  history: Record<string, number>;
};

export type History = Map<string, number>;

/** Weight of the newest run in the moving average. */
export const HISTORY_ALPHA = 0.3;

/**
 * The duration this run says a site takes, or undefined when it says nothing useful:
 * a skipped site never ran. An error still counts: a timeout occupies its slot as long.
 */
export function observedDurationMs(r: SiteResult): number | undefined {
  if (r.status === 'skipped' || r.attempts.length === 0) return undefined;
  const ms = finalAttemptMs(r);
  return Number.isFinite(ms) && ms >= 0 ? ms : undefined;
}

/** Exponential moving average per site; sites absent from this run keep their old value. */
export function mergeHistory(
  previous: ReadonlyMap<string, number>,
  results: readonly SiteResult[],
  alpha = HISTORY_ALPHA,
): History {
  const merged: History = new Map(previous);
  for (const r of results) {
    const ms = observedDurationMs(r);
    if (ms === undefined) continue;
    const old = previous.get(r.id);
    merged.set(r.id, Math.round(old === undefined ? ms : alpha * ms + (1 - alpha) * old));
  }
  return merged;
}

export type ResultsMeta = { runId?: string; gridUrl?: string; startedAt?: Date; finishedAt?: Date; shard?: Shard };

export function buildResultsFile(
  results: readonly SiteResult[],
  summary: RunSummary,
  previousHistory: ReadonlyMap<string, number> = new Map(),
  meta: ResultsMeta = {},
): ResultsFile {
  const file: ResultsFile = {
    format: RESULTS_FORMAT,
    finishedAt: (meta.finishedAt ?? new Date()).toISOString(),
    ...(meta.shard ? { shard: { ...meta.shard } } : {}),
    summary,
    results: [...results],
    history: Object.fromEntries([...mergeHistory(previousHistory, results)].sort(([a], [b]) => (a < b ? -1 : 1))),
  };
  if (meta.runId) file.runId = meta.runId;
  if (meta.gridUrl) file.gridUrl = redactUrl(meta.gridUrl);
  if (meta.startedAt) file.startedAt = meta.startedAt.toISOString();
  return file;
}

export async function writeResults(
  file: string,
  results: readonly SiteResult[],
  summary: RunSummary,
  previousHistory?: ReadonlyMap<string, number>,
  meta?: ResultsMeta,
): Promise<ResultsFile> {
  const data = buildResultsFile(results, summary, previousHistory, meta);
  await writeFileAtomic(file, resultsJsonPieces(data));
  return data;
}

/**
 * The text of `JSON.stringify(data, null, 2) + '\n'`, one result at a time, so that 10,000
 * results are never one string. JSON strings hold no raw newline, so re-indenting a nested
 * value is a matter of its line breaks.
 */
export function* resultsJsonPieces(data: ResultsFile): Generator<string> {
  const indent = (text: string, by: string) => text.replaceAll('\n', `\n${by}`);
  const entries = Object.entries(data).filter(([, value]) => value !== undefined);
  yield '{';
  for (let i = 0; i < entries.length; i++) {
    const [key, value] = entries[i]!;
    yield `${i ? ',' : ''}\n  ${JSON.stringify(key)}: `;
    if (key === 'results' && Array.isArray(value) && value.length > 0) {
      yield '[';
      for (let j = 0; j < value.length; j++) yield `${j ? ',' : ''}\n    ${indent(JSON.stringify(value[j], null, 2), '    ')}`;
      yield '\n  ]';
    } else {
      yield indent(JSON.stringify(value, null, 2), '  ');
    }
  }
  yield '\n}\n';
}

export async function readResults(file: string): Promise<ResultsFile> {
  const data = JSON.parse(await readFile(file, 'utf8')) as Partial<ResultsFile>;
  if (!data || typeof data !== 'object' || !Array.isArray(data.results)) {
    throw new Error(`${file}: not a grid-run results file (no "results" array)`);
  }
  return data as ResultsFile;
}

/**
 * Site id -> expected duration in ms. Reads a results.json of an earlier run: its `history`
 * when present (the blended figures), else the durations of its results. A missing file is an
 * empty history (first run); an unreadable one is an error, since the user named it.
 */
export async function readHistory(file: string): Promise<History> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return new Map();
    throw err;
  }
  let data: Partial<ResultsFile>;
  try {
    data = JSON.parse(text) as Partial<ResultsFile>;
  } catch (err) {
    throw new Error(`${file}: history is not valid JSON (${(err as Error).message})`, { cause: err });
  }
  const history: History = new Map();
  if (data.history && typeof data.history === 'object') {
    for (const [id, ms] of Object.entries(data.history)) {
      if (typeof ms === 'number' && Number.isFinite(ms) && ms >= 0) history.set(id, ms);
    }
    return history;
  }
  if (Array.isArray(data.results)) return mergeHistory(new Map(), data.results);
  throw new Error(`${file}: not a grid-run results file (no "history" or "results")`);
}

export type JsonReporterOptions = {
  /** The history the run was planned with; this run's durations are blended into it. */
  previousHistory?: ReadonlyMap<string, number>;
  now?: () => Date;
};

export class JsonReporter implements Reporter {
  readonly file: string;
  #options: JsonReporterOptions;
  #meta: ResultsMeta = {};
  constructor(file: string, options: JsonReporterOptions = {}) {
    this.file = file;
    this.#options = options;
  }
  onBegin(info: RunInfo): void {
    this.#meta = { runId: info.runId, gridUrl: info.gridUrl, startedAt: info.startedAt, shard: info.shard };
  }
  async onEnd(results: SiteResult[], summary: RunSummary): Promise<void> {
    const finishedAt = (this.#options.now ?? (() => new Date()))();
    await writeResults(this.file, results, summary, this.#options.previousHistory, { ...this.#meta, finishedAt });
  }
}
