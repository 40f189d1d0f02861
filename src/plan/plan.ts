// Chunking: pure and deterministic. Same sites, options and history -> same chunks.
import type { Chunk } from '../types.ts';

export type PlanOptions = {
  /** Number of chunks; wins over chunkSize. */
  chunks?: number;
  /** Sites per chunk (by count); the number of chunks is derived from it. */
  chunkSize?: number;
  /** Chunks to make when neither is given: usually the slots that will run them. */
  defaultChunks: number;
  /** Recorded duration per site id, in ms. */
  history?: ReadonlyMap<string, number>;
  /** Duration assumed for a site without history, in ms. */
  defaultMs?: number;
};

export const defaultSiteMs = 2000;

/**
 * Longest-processing-time-first: sites sorted by expected duration (longest first, id as the
 * tie-break), each given to the chunk with the least expected work so far. Without history
 * every site weighs the same and the chunks differ in size by at most one. Inside a chunk
 * the long sites come first, so work stolen from its tail comes in small pieces.
 */
export function plan(siteIds: readonly string[], options: PlanOptions): Chunk[] {
  if (siteIds.length === 0) return [];
  const count = Math.max(1, Math.min(siteIds.length, chunkCount(siteIds.length, options)));
  const cost = (id: string) => expectedMs(id, options);
  const order = [...siteIds].sort((a, b) => cost(b) - cost(a) || (a < b ? -1 : a > b ? 1 : 0));
  const chunks: Chunk[] = Array.from({ length: count }, (_, index) => ({ index, siteIds: [], estimatedMs: 0 }));
  for (const id of order) {
    let target = chunks[0]!;
    for (const chunk of chunks) {
      if (chunk.estimatedMs < target.estimatedMs || (chunk.estimatedMs === target.estimatedMs && chunk.siteIds.length < target.siteIds.length)) {
        target = chunk;
      }
    }
    target.siteIds.push(id);
    target.estimatedMs += cost(id);
  }
  return chunks;
}

export function expectedMs(id: string, options: Pick<PlanOptions, 'history' | 'defaultMs'>): number {
  const recorded = options.history?.get(id);
  return recorded !== undefined && Number.isFinite(recorded) && recorded >= 0 ? recorded : (options.defaultMs ?? defaultSiteMs);
}

function chunkCount(sites: number, options: PlanOptions): number {
  if (options.chunks) return options.chunks;
  if (options.chunkSize) return Math.ceil(sites / options.chunkSize);
  return options.defaultChunks;
}

/** Makespan lower bound of any schedule of `durations` over `slots`: max(longest job, total / slots). */
export function lowerBound(durations: readonly number[], slots: number): number {
  let total = 0;
  let longest = 0;
  for (const d of durations) {
    total += d;
    if (d > longest) longest = d;
  }
  return Math.max(longest, total / slots);
}
