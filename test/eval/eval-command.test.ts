// `grid-run eval` end to end on a small labelled list, in real headless Chromium: the counts
// are exact because every page's outcome is known, the mislabelled ones included.
import assert from 'node:assert/strict';
import { mkdtemp, readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { EvalReport, PageRecord } from '../../src/eval/metrics.ts';
import { runCli } from '../helpers/cli.ts';
import { tempDir } from '../helpers/temp.ts';

const repo = fileURLToPath(new URL('../..', import.meta.url));
const LIST = 'test/fixtures/eval/sites.jsonl';

describe('grid-run eval', function () {
  this.timeout(120_000);
  let dir: string;
  before(async () => (dir = await tempDir('grid-run-eval-')));

  it('prints and writes precision, recall, field accuracy, breakdowns and misses', async () => {
    const json = path.join(dir, 'eval.json');
    const outputs = ['--report', path.join(dir, 'report'), '--results', path.join(dir, 'results.json')];
    const run = await runCli(['eval', '--sites', LIST, '--json', json, '--concurrency', '1', ...outputs], { cwd: repo });
    assert.equal(run.code, 0, run.stderr);
    const report = JSON.parse(await readFile(json, 'utf8')) as EvalReport & { pages: PageRecord[] };
    const o = report.overall;
    // 6 labelled pages: tp = login + honeypot, fp = login labelled negative, fn = newsletter labelled login.
    assert.deepEqual({ pages: o.pages, tp: o.tp, fp: o.fp, fn: o.fn, tn: o.tn }, { pages: 6, tp: 2, fp: 1, fn: 1, tn: 2 });
    assert.equal(o.precision, 2 / 3);
    assert.equal(o.recall, 2 / 3);
    assert.equal(o.falseLoginRate, 1 / 3);
    assert.deepEqual(o.fields.username, { correct: 1, total: 2, accuracy: 0.5 });
    assert.deepEqual(o.fields.password, { correct: 2, total: 2, accuracy: 1 });
    assert.deepEqual(o.fields.submit, { correct: 2, total: 2, accuracy: 1 });
    assert.deepEqual(Object.keys(report.byLocale), ['(none)', 'en', 'fr', 'ja']);
    assert.deepEqual([report.byTag.mislabelled!.tp, report.byTag.mislabelled!.fp, report.byTag.mislabelled!.fn], [1, 1, 1]);
    assert.deepEqual(report.misses.map((m) => `${m.id} ${m.kind}`).sort(), [
      'eval/honeypot-username-label username',
      'eval/login-labelled-negative false-login',
      'eval/newsletter-labelled-login missed-login',
    ]);
    assert.equal(report.pages.length, 7);
    assert.equal(report.timing.pages, 7);
    assert.ok(report.timing.medianMs! > 0 && report.timing.medianMs! < 100);
    assert.match(run.stdout, /pages 6: login precision 66\.7%, recall 66\.7%, F1 66\.7%, false logins 1\/3 \(33\.3%\)/);
    assert.match(run.stdout, /username 1\/2 \(50\.0%\), password 2\/2 \(100\.0%\), submit 2\/2 \(100\.0%\)/);
    assert.match(run.stdout, /eval\/honeypot-username-label: username: expected input\[name=website\]/);

    // The same HTML report as run's, with the tables per locale and tag and the misses.
    const html = await readFile(path.join(dir, 'report', 'index.html'), 'utf8');
    assert.match(html, /<section class="evaluation"/);
    assert.match(html, /<tr><th>all<\/th><td>6<\/td><td>66\.7%<\/td><td>66\.7%<\/td><td>66\.7%<\/td><td>50\.0%<\/td><td>100\.0%<\/td><td>100\.0%<\/td><\/tr>/);
    assert.match(html, /<tr><th>locale fr<\/th>/);
    assert.match(html, /<tr><th>tag mislabelled<\/th>/);
    assert.equal(html.match(/<tr><td><a href="#site=/g)?.length, 3, 'one row per miss');
    // Its results.json: each page with the verdict run would give it.
    const results = JSON.parse(await readFile(path.join(dir, 'results.json'), 'utf8')).results as { id: string; status: string; verdicts?: { field: string; match: boolean }[] }[];
    assert.equal(results.length, 7);
    assert.deepEqual(results.filter((r) => r.status === 'failed').map((r) => r.id).sort(), ['eval/honeypot-username-label', 'eval/login-labelled-negative', 'eval/newsletter-labelled-login']);
    assert.deepEqual(results.find((r) => r.id === 'eval/honeypot-username-label')!.verdicts!.filter((v) => !v.match).map((v) => v.field), ['username']);

    // Again, compared with the first: nothing changed.
    const again = await runCli(['eval', '--sites', LIST, '--concurrency', '1', '--report', path.join(dir, 'report2'), '--results', path.join(dir, 'results2.json'), '--compare', path.join(dir, 'results.json')], { cwd: repo });
    assert.equal(again.code, 0, again.stderr);
    assert.match(again.stdout, /: 0 newly failing, 0 fixed, 0 detection changed, 0 new, 0 removed, 0 flaky$/m);
    assert.match(again.stdout, /labelled sites 6 -> 6: login precision 66\.7% -> 66\.7%/);
    assert.match(await readFile(path.join(dir, 'report2', 'index.html'), 'utf8'), /<section class="compare"/);
  });

  it('writes into eval/ by default, apart from run\'s outputs, and compares with its last eval there', async () => {
    const cwd = await mkdtemp(path.join(dir, 'defaults-'));
    const list = path.join(repo, LIST);
    const first = await runCli(['eval', '--sites', list, '--concurrency', '1'], { cwd });
    assert.equal(first.code, 0, first.stderr);
    assert.match(first.stdout, /^HTML report eval\/report\/index\.html, results eval\/results\.json$/m);
    assert.match(await readFile(path.join(cwd, 'eval', 'report', 'index.html'), 'utf8'), /<section class="evaluation"/);
    assert.equal((JSON.parse(await readFile(path.join(cwd, 'eval', 'results.json'), 'utf8')) as { results: unknown[] }).results.length, 7);
    assert.deepEqual(await readdir(cwd), ['eval'], 'no report/ or results.json of a run written or overwritten');
    // The README's "against the last eval": the old file is read before the new one replaces it.
    const again = await runCli(['eval', '--sites', list, '--concurrency', '1', '--compare', 'eval/results.json'], { cwd });
    assert.equal(again.code, 0, again.stderr);
    assert.match(again.stdout, /: 0 newly failing, 0 fixed, 0 detection changed, 0 new, 0 removed, 0 flaky$/m);
  });

  it('exits 2 for a bad list, before starting a browser', async () => {
    const run = await runCli(['eval', '--sites', 'test/fixtures/eval/missing.jsonl'], { cwd: repo });
    assert.equal(run.code, 2);
    assert.match(run.stderr, /missing\.jsonl/);
  });

  it('exits 3 when the grid cannot be reached', async () => {
    const run = await runCli(['eval', '--sites', LIST, '--grid', 'http://127.0.0.1:9'], { cwd: repo });
    assert.equal(run.code, 3, run.stderr);
    assert.match(run.stderr, /could not open a session on the grid at http:\/\/127\.0\.0\.1:9/);
  });
});
