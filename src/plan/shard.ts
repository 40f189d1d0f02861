// Shards: n CI jobs split one site list. Pure and deterministic: every job computes the same
// split from the same list and history, so the shards cover the list exactly once.
import { UsageError } from '../errors.ts';
import type { Shard } from '../report/reporter.ts';
import { plan } from './plan.ts';

/** `--shard 2/3` -> { current: 2, total: 3 }, as Playwright writes it. */
export function parseShard(text: string): Shard {
  const m = /^\s*(\d+)\s*\/\s*(\d+)\s*$/.exec(text);
  const current = Number(m?.[1]);
  const total = Number(m?.[2]);
  if (!m || total < 1 || current < 1 || current > total) {
    throw new UsageError(`--shard: expected CURRENT/TOTAL with 1 <= CURRENT <= TOTAL, like 1/3, got "${text}"`);
  }
  return { current, total };
}

/**
 * The ids of one shard, in the list's order. The split is the planner's (longest expected
 * first, each to the lightest share), so shards are balanced by the history's durations when
 * given and by count without one.
 */
export function shardOf(ids: readonly string[], shard: Shard, history?: ReadonlyMap<string, number>): string[] {
  const shares = plan(ids, { chunks: shard.total, defaultChunks: shard.total, history });
  const mine = new Set(shares[shard.current - 1]?.siteIds ?? []);
  return ids.filter((id) => mine.has(id));
}
