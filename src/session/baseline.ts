// Record-only sites (no `expect`) compared with the last accepted detection, like a snapshot.
import { readFile } from 'node:fs/promises';
import { UsageError } from '../errors.ts';
import type { Detection, FieldVerdict } from '../types.ts';

export type Baseline = ReadonlyMap<string, Detection>;

const compared = ['login', 'step', 'username', 'password', 'submit'] as const;

/** Reads a results.json of an accepted run: each result's detection is the baseline of its site. */
export async function readBaseline(file: string): Promise<Baseline> {
  let data: { results?: { id?: unknown; detection?: Detection }[] };
  try {
    data = JSON.parse(await readFile(file, 'utf8')) as typeof data;
  } catch (err) {
    throw new UsageError(`--baseline ${file}: ${(err as Error).message}`);
  }
  if (!Array.isArray(data.results)) throw new UsageError(`--baseline ${file}: not a grid-run results.json (no "results" array)`);
  const baseline = new Map<string, Detection>();
  for (const r of data.results) if (typeof r.id === 'string' && r.detection) baseline.set(r.id, r.detection);
  return baseline;
}

/** The detection against the accepted one, field by field (by value: the baseline names its own selectors). */
export function baselineVerdicts(detection: Detection, accepted: Detection): FieldVerdict[] {
  return compared.map((field) => ({ field, expected: accepted[field], detected: detection[field], match: detection[field] === accepted[field], against: 'baseline' as const }));
}
