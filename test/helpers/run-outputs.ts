// Reading what a `grid-run run` left behind, and checking that every site is in it once.
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { SiteResult } from '../../src/types.ts';

export type ResultsFile = { results: SiteResult[]; summary?: { interrupted?: string } };

export async function readResults(file: string): Promise<ResultsFile> {
  return JSON.parse(await readFile(file, 'utf8')) as ResultsFile;
}

/** Writes a .json site list named `name` into `dir` and returns its path. */
export async function writeList(dir: string, entries: object[], name = 'sites.json'): Promise<string> {
  const file = join(dir, name);
  await writeFile(file, JSON.stringify(entries, null, 1));
  return file;
}

export type Tally = {
  /** Expected ids missing from at least one of the reports. */
  lost: string[];
  /** Ids reported more than once in at least one of the reports. */
  duplicated: string[];
  /** Ids reported that were never given. */
  unknown: string[];
};

/** Compares the ids each report lists (results.json, JUnit, ...) with the ids given. */
export function tally(expected: readonly string[], ...reports: (readonly string[])[]): Tally {
  const want = new Set(expected);
  const lost = new Set<string>();
  const duplicated = new Set<string>();
  const unknown = new Set<string>();
  for (const ids of reports) {
    const seen = new Set<string>();
    for (const id of ids) {
      if (seen.has(id)) duplicated.add(id);
      seen.add(id);
      if (!want.has(id)) unknown.add(id);
    }
    for (const id of want) if (!seen.has(id)) lost.add(id);
  }
  return { lost: [...lost], duplicated: [...duplicated], unknown: [...unknown] };
}
