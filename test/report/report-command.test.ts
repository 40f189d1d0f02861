// `grid-run report`: the reports written again from results.json files, several joined into one.
import assert from 'node:assert/strict';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { runCli } from '../helpers/cli.ts';
import { readJUnit } from '../helpers/junit.ts';
import { sampleResults } from './fixtures.ts';
import { tempDirEach } from '../helpers/temp.ts';
import type { SiteResult } from '../../src/types.ts';

const PNG = 'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==';

describe('grid-run report', () => {
  const tmp = tempDirEach('report-cmd-');
  const write = async (file: string, results: SiteResult[], extra: object = {}) => {
    await mkdir(path.dirname(path.join(tmp.path, file)), { recursive: true });
    await writeFile(path.join(tmp.path, file), JSON.stringify({ format: 'grid-run/results@1', finishedAt: '2026-01-01T00:01:00.000Z', results, history: Object.fromEntries(results.map((r) => [r.id, 1000])), ...extra }));
  };

  it('joins shards into one JUnit, HTML and results.json, screenshots copied into the folder', async () => {
    const all = sampleResults();
    // The first shard's screenshot sits next to its results.json, as in a downloaded CI artifact.
    all[1]!.screenshot = '/elsewhere/report/screenshots/shop-signup.png';
    await mkdir(path.join(tmp.path, 'shard-1', 'report', 'screenshots'), { recursive: true });
    await writeFile(path.join(tmp.path, 'shard-1', 'report', 'screenshots', 'shop-signup.png'), PNG, 'base64');
    await write('shard-1/results.json', all.slice(0, 2), { runId: 'r1', startedAt: '2026-01-01T00:00:00.000Z' });
    await write('shard-2/results.json', all.slice(2), { runId: 'r2', startedAt: '2026-01-01T00:00:10.000Z' });
    const r = await runCli(['report', 'shard-1/results.json', 'shard-2/results.json', '--out', 'merged'], { cwd: tmp.path });
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /^5 sites from 2 file\(s\): 2 passed, 1 failed, 1 errors, 1 skipped, 1 flaky$/m);
    const merged = JSON.parse(await readFile(path.join(tmp.path, 'merged', 'results.json'), 'utf8'));
    assert.deepEqual(merged.results.map((x: SiteResult) => x.id), all.map((x) => x.id));
    assert.equal(merged.summary.total, 5);
    assert.equal(merged.summary.wallMs, 60_000, 'from the first start to the last end');
    assert.equal(merged.runId, 'r1+r2');
    assert.equal(merged.results[1].screenshot, path.join(tmp.path, 'merged', 'screenshots', 'shop-signup.png'));
    // acme's and flaky's screenshots were never written: reported without one, and said so.
    assert.equal(merged.results[0].screenshot, undefined);
    assert.match(r.stderr, /2 screenshot\(s\) named in the results were not found/);
    const junit = await readJUnit(path.join(tmp.path, 'merged', 'junit.xml'));
    assert.deepEqual(junit.counts, { tests: 5, failures: 1, errors: 1, skipped: 1 });
    const html = await readFile(path.join(tmp.path, 'merged', 'index.html'), 'utf8');
    assert.match(html, /"screenshots\/shop-signup\.png"/);
  });

  it('refuses a site that is in two files, naming both (exit 2, nothing written)', async () => {
    const all = sampleResults();
    await write('a.json', all.slice(0, 3));
    await write('b.json', all.slice(2));
    const r = await runCli(['report', 'a.json', 'b.json', '--out', 'merged'], { cwd: tmp.path });
    assert.equal(r.code, 2);
    assert.equal(r.stderr.trim(), 'grid-run: site "slow/never-loads" is in both a.json and b.json: results to merge must hold different sites');
    await assert.rejects(readFile(path.join(tmp.path, 'merged', 'index.html')));
  });

  it('names a shard that is missing from the files (exit 2, nothing written), and merges the shards when all are there', async () => {
    const all = sampleResults();
    await write('s1.json', all.slice(0, 2), { shard: { current: 1, total: 3 } });
    await write('s2.json', all.slice(2, 4), { shard: { current: 2, total: 3 } });
    await write('s3.json', all.slice(4), { shard: { current: 3, total: 3 } });
    const partial = await runCli(['report', 's1.json', 's3.json', '--out', 'merged'], { cwd: tmp.path });
    assert.equal(partial.code, 2);
    assert.equal(partial.stderr.trim(), 'grid-run: shard 2/3 missing: the files hold 1/3, 3/3');
    await assert.rejects(readFile(path.join(tmp.path, 'merged', 'index.html')));
    const twice = await runCli(['report', 's1.json', 's2.json', 's1.json', '--out', 'merged'], { cwd: tmp.path });
    assert.equal(twice.code, 2);
    const whole = await runCli(['report', 's1.json', 's2.json', 's3.json', '--out', 'merged'], { cwd: tmp.path });
    assert.equal(whole.code, 0, whole.stderr);
    const merged = JSON.parse(await readFile(path.join(tmp.path, 'merged', 'results.json'), 'utf8'));
    assert.deepEqual(merged.results.map((x: SiteResult) => x.id), all.map((x) => x.id));
  });

  it('reads a results.json written before verdicts were recorded', async () => {
    const old = sampleResults().map(({ verdicts: _v, ...rest }) => rest);
    await write('old.json', old);
    const r = await runCli(['report', 'old.json'], { cwd: tmp.path });
    assert.equal(r.code, 0, r.stderr);
    const junit = await readJUnit(path.join(tmp.path, 'report', 'junit.xml'));
    assert.equal(junit.cases.find((c) => c.name === 'shop/signup')?.message, 'login: expected no login form, detected one (step full, password #pass)');
  });
});
