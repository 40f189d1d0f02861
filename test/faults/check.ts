// The checks every fault case makes on a run's outputs: each site in results.json and in a
// well-formed JUnit file exactly once, the two agreeing, and the exit code the right one.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import type { SiteResult } from '../../src/types.ts';
import { readJUnit, type JUnitCase } from '../helpers/junit.ts';
import { readResults, tally } from '../helpers/run-outputs.ts';
import { record } from './table.ts';

export type Checked = { results: SiteResult[]; byId: Map<string, SiteResult>; cases: JUnitCase[] };

export async function checkRun(
  name: string,
  run: { dir: string; ids: readonly string[]; code: number | null; expectedCodes: readonly number[]; output?: string },
): Promise<Checked> {
  const row = { case: name, sites: run.ids.length, lost: '-' as number | string, duplicated: '-' as number | string, exitCode: String(run.code) };
  record(row);
  const context = `exit ${run.code}\n${(run.output ?? '').slice(-3000)}`;
  const { results } = await readResults(join(run.dir, 'results.json'));
  // readJUnit throws unless the file is well-formed XML.
  const junit = await readJUnit(join(run.dir, 'junit.xml'));
  const t = tally(run.ids, results.map((r) => r.id), junit.cases.map((c) => c.name));
  row.lost = t.lost.length;
  row.duplicated = t.duplicated.length;
  assert.deepEqual(t.lost, [], `sites missing from results.json or JUnit\n${context}`);
  assert.deepEqual(t.duplicated, [], `sites reported more than once\n${context}`);
  assert.deepEqual(t.unknown, [], 'sites reported that were never given');
  assert.equal(junit.counts.tests, run.ids.length, 'JUnit tests count');
  for (const r of results) assert.equal(junit.cases.find((c) => c.name === r.id)?.status, r.status, `${r.id}: JUnit and results.json agree`);
  assert.equal(junit.counts.failures, results.filter((r) => r.status === 'failed').length, 'JUnit failures count');
  assert.equal(junit.counts.errors, results.filter((r) => r.status === 'error').length, 'JUnit errors count');
  assert.equal(junit.counts.skipped, results.filter((r) => r.status === 'skipped').length, 'JUnit skipped count');
  assert.ok(run.code !== null && run.expectedCodes.includes(run.code), `exit code ${run.code}, expected ${run.expectedCodes.join(' or ')}\n${context}`);
  return { results, byId: new Map(results.map((r) => [r.id, r])), cases: junit.cases };
}
