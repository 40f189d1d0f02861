import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { Writable } from 'node:stream';
import { CompositeReporter, createReporters, ReportWriteError } from '../../src/report/index.ts';
import type { Reporter } from '../../src/report/reporter.ts';
import { completeResults, computeSummary } from '../../src/report/summary.ts';
import { describeVerdict, problems, verdictMessage } from '../../src/report/verdicts.ts';
import type { FieldVerdict } from '../../src/types.ts';
import { readHistory } from '../../src/report/json.ts';
import { sampleResults, sampleRunInfo, sampleSites } from './fixtures.ts';
import { tempDirEach } from '../helpers/temp.ts';

function sink(): Writable & { text: string } {
  const s = new Writable({
    write(chunk, _enc, done) {
      s.text += chunk.toString();
      done();
    },
  }) as Writable & { text: string };
  s.text = '';
  return s;
}

describe('createReporters', () => {
  const tmp = tempDirEach('reporters-');

  it('writes JUnit, results.json and HTML for an interrupted run, every site exactly once', async () => {
    const all = sampleResults();
    const sites = sampleSites(all);
    const stream = sink();
    const rep = createReporters({
      junit: path.join(tmp.path, 'junit.xml'),
      results: path.join(tmp.path, 'results.json'),
      report: path.join(tmp.path, 'report'),
      console: { stream, ci: true },
      cwd: tmp.path,
    });
    await rep.onBegin({ ...sampleRunInfo(sites), gridUrl: 'http://user:s3cret@127.0.0.1:4444/' });
    for (const r of all.slice(0, 2)) rep.onSiteEnd(r);
    // Ctrl-C: only two sites finished; the rest become skipped with the reason.
    const results = completeResults(sites, all.slice(0, 2), 'not run: interrupted by SIGINT');
    const summary = computeSummary(results, { wallMs: 10_000, concurrency: 2, sessionsCreated: 1, interrupted: 'SIGINT' });
    await rep.onEnd(results, summary);
    await rep.onEnd(results, summary); // idempotent

    const junit = await readFile(path.join(tmp.path, 'junit.xml'), 'utf8');
    assert.equal(junit.match(/<testcase /g)?.length, 5);
    assert.match(junit, /skipped="3"/);
    assert.equal(junit.match(/<skipped message="not run: interrupted by SIGINT"/g)?.length, 3);
    const json = JSON.parse(await readFile(path.join(tmp.path, 'results.json'), 'utf8'));
    assert.deepEqual(json.results.map((r: { id: string }) => r.id), sites.map((s) => s.id));
    assert.equal(json.summary.skipped, 3);

    assert.equal((await readHistory(path.join(tmp.path, 'results.json'))).size, 2);
    const html = await readFile(path.join(tmp.path, 'report', 'index.html'), 'utf8');
    assert.match(html, /Partial run: SIGINT/);
    for (const text of [junit, JSON.stringify(json), html, stream.text]) assert.ok(!text.includes('s3cret'), 'grid credentials kept out');
    assert.equal(stream.text.match(/5 sites: 1 passed, 1 failed, 0 errors, 3 skipped/g)?.length, 1);
  });

  it('a failing reporter costs the others nothing, and onEnd names it', async () => {
    const seen: string[] = [];
    const broken: Reporter = {
      onSiteEnd() {
        throw new Error('boom');
      },
      async onEnd() {
        throw new Error('disk full');
      },
    };
    const good: Reporter = {
      onSiteEnd: (r) => void seen.push(r.id),
      onNotice: (m) => void seen.push(m),
      onEnd: () => void seen.push('end'),
    };
    const rep = new CompositeReporter([broken, good]);
    const [r] = sampleResults();
    rep.onSiteEnd(r!);
    await assert.rejects(rep.onEnd([r!], computeSummary([r!], { wallMs: 1, concurrency: 1, sessionsCreated: 1 })), (err) => {
      assert.ok(err instanceof ReportWriteError);
      assert.match(err.message, /disk full/);
      return true;
    });
    assert.deepEqual(seen, ['reporter failed: boom', 'acme/login-fr', 'end']);
  });
});

describe('summary helpers', () => {
  it('computes counts, rate and utilisation from final results', () => {
    const results = sampleResults();
    const s = computeSummary(results, { wallMs: 60_000, concurrency: 2, sessionsCreated: 4 });
    assert.deepEqual(
      [s.total, s.passed, s.failed, s.errors, s.skipped, s.flaky, s.sessionsCreated],
      [5, 2, 1, 1, 1, 1, 4],
    );
    assert.equal(s.sitesPerMinute, 4);
    // busy: 1200 + 900 + 20000 + (700 + 300 + 650) = 23750 of 120000
    assert.equal(s.slotUtilisation, 0.2);
  });

  it('words the verdict\'s own comparisons, and only the failed ones', () => {
    const verdicts: FieldVerdict[] = [
      { field: 'login', expected: true, detected: true, match: true },
      { field: 'username', expected: '#u', detected: null, match: false },
      { field: 'password', expected: 'input[name=pw]', detected: '#pw2', match: false, expectedElement: 'input#pw', detectedElement: 'input#pw2' },
      { field: 'submit', expected: 'form button', detected: 'button#go', match: true, expectedElement: 'button#go' },
    ];
    assert.deepEqual(problems({ verdicts }), ['username: expected #u, detected none', 'password: expected input[name=pw] (input#pw), detected #pw2 (input#pw2)']);
    assert.equal(verdictMessage(verdicts), 'username: expected #u, detected none; password: expected input[name=pw] (input#pw), detected #pw2 (input#pw2)');
    assert.equal(describeVerdict({ field: 'login', expected: true, detected: false, match: false, detectedElement: 'no password field' }), 'login: expected a login form, detected none (no password field)');
    assert.equal(verdictMessage([{ field: 'step', expected: 'full', detected: 'none', match: false, against: 'baseline' }]), 'differs from the baseline: step: baseline "full", now "none"');
    // A result from before verdicts were recorded has no problems to show; its message still says why.
    assert.deepEqual(problems({}), []);
    assert.equal(verdictMessage(verdicts.filter((v) => v.match)), undefined);
  });
});
