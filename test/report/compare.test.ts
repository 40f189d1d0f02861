// compare on two hand-made results files: exact counts, the detection changes, the metrics.
import assert from 'node:assert/strict';
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { compareRuns, comparisonLines } from '../../src/report/compare.ts';
import type { FieldVerdict, SiteResult, SiteStatus } from '../../src/types.ts';
import { runCli } from '../helpers/cli.ts';
import { tempDirEach } from '../helpers/temp.ts';
import { readJUnit } from '../helpers/junit.ts';
import { buildJUnit } from '../../src/report/junit.ts';
import { computeSummary } from '../../src/report/summary.ts';

type Spec = { id: string; status: SiteStatus; login?: boolean; detected?: boolean; password?: string | null; passwordOk?: boolean; flaky?: boolean; locale?: string; tags?: string[] };

/** A result as a run writes it: the verdict's comparisons included. */
function result(s: Spec): SiteResult {
  const detected = s.detected ?? s.login ?? true;
  const verdicts: FieldVerdict[] = [];
  if (s.login !== undefined) verdicts.push({ field: 'login', expected: s.login, detected, match: s.login === detected });
  if (s.login && detected && s.passwordOk !== undefined) verdicts.push({ field: 'password', expected: '#pw', detected: s.password ?? '#pw', match: s.passwordOk });
  return {
    id: s.id,
    url: `https://${s.id}.example/`,
    status: s.status,
    flaky: s.flaky ?? false,
    attempts: s.status === 'skipped' ? [] : [{ attempt: 1, status: s.status, startedAt: '2026-01-01T00:00:00.000Z', durationMs: 1000, sessionId: 'a', node: 'n' }],
    timings: { loadMs: 500, stepsMs: 0, detectMs: 20, totalMs: 1000 },
    ...(s.status === 'error' ? {} : { detection: { login: detected, step: detected ? 'full' : 'none', username: null, password: detected ? (s.password ?? '#pw') : null, submit: null, confidence: 0.9, signals: [] } }),
    ...(s.login !== undefined ? { expect: { login: s.login, ...(s.passwordOk !== undefined ? { password: '#pw' } : {}) }, verdicts } : {}),
    tags: s.tags ?? [],
    ...(s.locale ? { locale: s.locale } : {}),
  };
}

const OLD: Spec[] = [
  { id: 'a', status: 'passed', login: true, passwordOk: true, locale: 'en', tags: ['form'] },
  { id: 'b', status: 'passed', login: true, passwordOk: true, locale: 'fr', tags: ['form'] },
  { id: 'c', status: 'failed', login: true, detected: false, locale: 'fr' },
  { id: 'd', status: 'passed', login: false, locale: 'en' },
  { id: 'e', status: 'passed', login: true, passwordOk: true, locale: 'en' },
  { id: 'gone', status: 'passed', login: true, locale: 'de' },
];
const NEW: Spec[] = [
  // a: the password is now wrong: newly failing, detection changed
  { id: 'a', status: 'failed', login: true, password: '#other', passwordOk: false, locale: 'en', tags: ['form'] },
  { id: 'b', status: 'passed', login: true, passwordOk: true, flaky: true, locale: 'fr', tags: ['form'] },
  // c: fixed, and its detection changed from no login to one
  { id: 'c', status: 'passed', login: true, detected: true, locale: 'fr' },
  // d: a false login now: newly failing
  { id: 'd', status: 'failed', login: false, detected: true, locale: 'en' },
  // e: an infrastructure error is not a regression of the detector
  { id: 'e', status: 'error', login: true, locale: 'en' },
  { id: 'fresh', status: 'passed', login: true, locale: 'ja' },
];

describe('compare', () => {
  const tmp = tempDirEach('compare-');
  const oldResults = OLD.map(result);
  const newResults = NEW.map(result);

  it('sorts every site into newly failing, fixed, detection changed, new, removed, flaky', () => {
    const c = compareRuns(oldResults, newResults, 'old.json');
    assert.deepEqual(c.newlyFailing, ['a', 'd']);
    assert.deepEqual(c.fixed, ['c']);
    assert.deepEqual(c.detectionChanged, [
      { id: 'a', changes: [{ field: 'password', from: '#pw', to: '#other' }] },
      { id: 'c', changes: [{ field: 'login', from: false, to: true }, { field: 'step', from: 'none', to: 'full' }, { field: 'password', from: null, to: '#pw' }] },
      { id: 'd', changes: [{ field: 'login', from: false, to: true }, { field: 'step', from: 'none', to: 'full' }, { field: 'password', from: null, to: '#pw' }] },
    ]);
    assert.deepEqual(c.added, ['fresh']);
    assert.deepEqual(c.removed, ['gone']);
    assert.deepEqual(c.flaky, ['b']);
  });

  it('measures login precision, recall and F1 and field accuracy old and new, per locale and tag', () => {
    const { old, new: now } = compareRuns(oldResults, newResults, 'old.json').metrics;
    // old: a b e gone tp, c fn, d tn
    assert.deepEqual([old.overall.tp, old.overall.fp, old.overall.fn, old.overall.tn], [4, 0, 1, 1]);
    assert.equal(old.overall.precision, 1);
    assert.equal(old.overall.recall, 0.8);
    // new: a b c fresh tp, d fp, e errored (not counted)
    assert.deepEqual([now.overall.tp, now.overall.fp, now.overall.fn, now.overall.tn], [4, 1, 0, 0]);
    assert.equal(now.overall.precision, 0.8);
    assert.equal(now.overall.recall, 1);
    assert.equal(Math.round(now.overall.f1! * 1000), 889);
    assert.deepEqual(old.overall.fields.password, { correct: 3, total: 3, accuracy: 1 });
    assert.deepEqual(now.overall.fields.password, { correct: 1, total: 2, accuracy: 0.5 });
    assert.deepEqual(Object.keys(now.byLocale), ['en', 'fr', 'ja']);
    assert.deepEqual([now.byLocale.en!.tp, now.byLocale.en!.fp], [1, 1]);
    assert.equal(now.byTag.form!.fields.password.accuracy, 0.5);
  });

  it('goes into JUnit as suite properties and per-site change properties', async () => {
    const summary = computeSummary(newResults, { wallMs: 1000, concurrency: 1, sessionsCreated: 1 });
    const file = path.join(tmp.path, 'junit.xml');
    await writeFile(file, buildJUnit(newResults, summary, { compareWith: { file: 'old.json', results: oldResults } }));
    const junit = await readJUnit(file);
    const props = junit.properties;
    assert.equal(props['compare.newly-failing'], '2');
    assert.equal(props['compare.fixed'], '1');
    assert.equal(props['compare.detection-changed'], '3');
    assert.equal(props['compare.new'], '1');
    assert.equal(props['compare.removed'], '1');
    assert.equal(props['compare.flaky'], '1');
    assert.equal(props['compare.old.login.recall'], '0.8');
    assert.equal(props['compare.new.login.precision'], '0.8');
    assert.equal(junit.cases.find((c) => c.name === 'a')?.properties.change, 'newly-failing,detection-changed');
  });

  it('`grid-run compare` prints the counts; --fail-on regressions exits 1 only for a site that passed before', async () => {
    const write = async (name: string, results: SiteResult[]) => writeFile(path.join(tmp.path, name), JSON.stringify({ format: 'grid-run/results@1', results, history: {} }));
    await write('old.json', oldResults);
    await write('new.json', newResults);
    const r = await runCli(['compare', 'old.json', 'new.json'], { cwd: tmp.path });
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /^Compared with old\.json: 2 newly failing, 1 fixed, 3 detection changed, 1 new, 1 removed, 1 flaky$/m);
    assert.match(r.stdout, /^ {4}a: password "#pw" -> "#other"$/m);
    assert.match(r.stdout, /labelled sites 6 -> 5: login precision 100\.0% -> 80\.0%, recall 80\.0% -> 100\.0%/);
    assert.equal((await runCli(['compare', 'old.json', 'new.json', '--fail-on', 'regressions'], { cwd: tmp.path })).code, 1);
    // a and d fail again in a later run: nothing passed before that fails now
    await write('later.json', newResults.map((x) => (x.id === 'c' ? { ...x } : x)));
    const again = await runCli(['compare', 'new.json', 'later.json', '--fail-on', 'regressions'], { cwd: tmp.path });
    assert.equal(again.code, 0, again.stdout);
    assert.match(again.stdout, /: 0 newly failing, 0 fixed, 0 detection changed, 0 new, 0 removed, 1 flaky$/m);
  });

  it('refuses a file that is not a results file, naming it and the field (exit 2)', async () => {
    await writeFile(path.join(tmp.path, 'old.json'), JSON.stringify({ results: [{ id: 'x', status: 'green', attempts: [], timings: {}, tags: [] }] }));
    await writeFile(path.join(tmp.path, 'new.json'), JSON.stringify({ results: [] }));
    const r = await runCli(['compare', 'old.json', 'new.json'], { cwd: tmp.path });
    assert.equal(r.code, 2);
    assert.equal(r.stderr.trim(), 'grid-run: old.json: results[0].status: expected passed, failed, error or skipped, got "green"');
    const missing = await runCli(['compare', 'nope.json', 'new.json'], { cwd: tmp.path });
    assert.equal(missing.code, 2);
    assert.match(missing.stderr, /^grid-run: nope\.json: cannot read it \(ENOENT\)$/m);
  });

  it('words the comparison for the console', () => {
    const lines = comparisonLines(compareRuns(oldResults, newResults, 'old.json'));
    assert.ok(lines.includes('  newly failing:'));
    assert.ok(lines.includes('    gone'));
  });
});
