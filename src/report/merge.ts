// results.json files read back for `report`, `compare` and `run --compare`, and several joined
// into one (shards of a run, or runs of different lists). Files from before a field existed
// (verdicts, attempt flags) still load: only what every version wrote is required.
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { UsageError } from '../errors.ts';
import type { SiteResult } from '../types.ts';
import type { RunSummary } from './reporter.ts';
import { computeSummary } from './summary.ts';
import type { ResultsFile } from './json.ts';

export type LoadedResults = { file: string; data: ResultsFile };

const STATUSES = new Set(['passed', 'failed', 'error', 'skipped']);

/** Reads and checks one results.json; every fault is a UsageError naming the file and the field. */
export async function loadResultsFile(file: string, cwd: string): Promise<LoadedResults> {
  const full = path.resolve(cwd, file);
  let text: string;
  try {
    text = await readFile(full, 'utf8');
  } catch (err) {
    throw new UsageError(`${file}: cannot read it (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`);
  }
  let data: Partial<ResultsFile>;
  try {
    data = JSON.parse(text) as Partial<ResultsFile>;
  } catch (err) {
    throw new UsageError(`${file}: not valid JSON (${(err as Error).message})`);
  }
  if (!data || typeof data !== 'object' || !Array.isArray(data.results)) throw new UsageError(`${file}: results: expected an array (is this a grid-run results.json?)`);
  data.results.forEach((r, i) => {
    const where = `${file}: results[${i}]`;
    if (!r || typeof r !== 'object') throw new UsageError(`${where}: expected an object`);
    if (typeof r.id !== 'string' || !r.id) throw new UsageError(`${where}.id: expected a site id`);
    if (!STATUSES.has(r.status)) throw new UsageError(`${where}.status: expected passed, failed, error or skipped, got ${JSON.stringify(r.status)}`);
    if (!Array.isArray(r.attempts)) throw new UsageError(`${where}.attempts: expected an array`);
    if (!r.timings || typeof r.timings !== 'object') throw new UsageError(`${where}.timings: expected an object`);
    if (!Array.isArray(r.tags)) throw new UsageError(`${where}.tags: expected an array`);
  });
  const seen = new Set<string>();
  for (const r of data.results) {
    if (seen.has(r.id)) throw new UsageError(`${file}: site ${JSON.stringify(r.id)} is in it twice`);
    seen.add(r.id);
  }
  return { file, data: data as ResultsFile };
}

export type Merged = { results: SiteResult[]; summary: RunSummary; history: Map<string, number>; runIds: string[]; startedAt?: Date };

/** One run's worth of results from several files; a site in two files is an error naming both. */
export function mergeResults(inputs: readonly LoadedResults[]): Merged {
  checkShards(inputs);
  const from = new Map<string, string>();
  const results: SiteResult[] = [];
  for (const { file, data } of inputs) {
    for (const r of data.results) {
      const other = from.get(r.id);
      if (other !== undefined) throw new UsageError(`site ${JSON.stringify(r.id)} is in both ${other} and ${file}: results to merge must hold different sites`);
      from.set(r.id, file);
      results.push(r);
    }
  }
  const history = new Map<string, number>();
  for (const { data } of inputs) for (const [id, ms] of Object.entries(data.history ?? {})) if (!history.has(id) && typeof ms === 'number') history.set(id, ms);
  const starts = inputs.map((i) => Date.parse(i.data.startedAt ?? '')).filter(Number.isFinite);
  const ends = inputs.map((i) => Date.parse(i.data.finishedAt ?? '')).filter(Number.isFinite);
  const walls = inputs.map((i) => i.data.summary?.wallMs ?? 0);
  // Shards run side by side: the joined run spans from the first start to the last end.
  const wallMs = inputs.length === 1 || starts.length < inputs.length || ends.length < inputs.length ? Math.max(0, ...walls) : Math.max(...ends) - Math.min(...starts);
  // Each file's available slot-time is its busy time over its utilisation.
  let busy = 0;
  let available = 0;
  for (const { data } of inputs) {
    const b = data.results.reduce((sum, r) => sum + r.attempts.reduce((a, t) => a + t.durationMs, 0), 0);
    const u = data.summary?.slotUtilisation ?? 0;
    busy += b;
    if (u > 0) available += b / u;
  }
  const summary = computeSummary(results, { wallMs, concurrency: 1, sessionsCreated: inputs.reduce((n, i) => n + (i.data.summary?.sessionsCreated ?? 0), 0) });
  summary.slotUtilisation = available > 0 ? Math.round(Math.min(1, busy / available) * 100) / 100 : 0;
  const interrupted = inputs.map((i) => i.data.summary?.interrupted).filter((x): x is string => !!x);
  if (interrupted.length) summary.interrupted = [...new Set(interrupted)].join('; ');
  return {
    results,
    summary,
    history,
    runIds: inputs.map((i) => i.data.runId).filter((x): x is string => !!x),
    startedAt: starts.length ? new Date(Math.min(...starts)) : undefined,
  };
}

/**
 * Shards (`run --shard i/n`) merge only whole: every file a shard of the same n, each share once,
 * none missing; a missing shard is named, since a merged report without it would pass for complete.
 */
function checkShards(inputs: readonly LoadedResults[]): void {
  const sharded = inputs.flatMap(({ file, data }) => (data.shard ? [{ file, shard: data.shard }] : []));
  const first = sharded[0];
  if (!first) return;
  const plain = inputs.find((i) => !i.data.shard);
  if (plain) throw new UsageError(`${plain.file} holds no shard, while ${first.file} is shard ${first.shard.current}/${first.shard.total}: merge the shards of one run`);
  const total = first.shard.total;
  const byIndex = new Map<number, string>();
  for (const { file, shard } of sharded) {
    const { current, total: n } = shard;
    if (n !== total) throw new UsageError(`${file} is shard ${current}/${n}, ${first.file} is of ${total}: merge the shards of one run`);
    const other = byIndex.get(current);
    if (other !== undefined) throw new UsageError(`shard ${current}/${total} is in both ${other} and ${file}`);
    byIndex.set(current, file);
  }
  const missing = Array.from({ length: total }, (_, i) => i + 1).filter((i) => !byIndex.has(i));
  if (missing.length) throw new UsageError(`shard${missing.length > 1 ? 's' : ''} ${missing.map((i) => `${i}/${total}`).join(', ')} missing: the files hold ${[...byIndex.keys()].sort((a, b) => a - b).map((i) => `${i}/${total}`).join(', ')}`);
}

/**
 * Where a result's screenshot is now: as recorded, else next to the results file that holds it
 * (in `report/screenshots/` or `screenshots/`), as after downloading a CI artifact elsewhere.
 */
export function findScreenshot(recorded: string, resultsFile: string, cwd: string): string | undefined {
  const base = path.dirname(path.resolve(cwd, resultsFile));
  const candidates = [path.resolve(cwd, recorded), path.join(base, 'report', 'screenshots', path.basename(recorded)), path.join(base, 'screenshots', path.basename(recorded))];
  return candidates.find((f) => existsSync(f));
}
