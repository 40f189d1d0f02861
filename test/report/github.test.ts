import assert from 'node:assert/strict';
import { annotationLines, changedSites, escapeData, escapeProperty, stepSummary, SUMMARY_LIMIT_BYTES } from '../../src/report/github.ts';
import { computeSummary } from '../../src/report/summary.ts';
import type { SiteResult } from '../../src/types.ts';
import { realisticRun } from './fixtures.ts';

const summaryOf = (results: SiteResult[], strictKnown = false) => computeSummary(results, { wallMs: 60_000, concurrency: 4, sessionsCreated: 4, strictKnown });

describe('github reporter', () => {
  it('escapes workflow commands as @actions/core does', () => {
    assert.equal(escapeData('50% a\r\nb: c, d'), '50%25 a%0D%0Ab: c, d');
    assert.equal(escapeProperty('a/b: c, d%'), 'a/b%3A c%2C d%25');
  });

  it('annotates regressions first, at most 10, then one notice for the rest', () => {
    const { results } = realisticRun(30, 2); // 15 failed: 0, 2, 4, ...
    const before = results.map((r) => ({ ...r, status: r.id.endsWith('00028-login') ? ('passed' as const) : r.status }));
    const changes = changedSites(before, results);
    assert.deepEqual(changes.regressions.map((r) => r.id), ['corpus/site-00028-login']);
    const lines = annotationLines(results, summaryOf(results), { sources: new Map([['corpus/site-00028-login', 'sites/a.json:57']]), changes, outputs: ['junit.xml'] });
    assert.equal(lines.length, 11);
    assert.equal(lines[0], '::error file=sites/a.json,line=57,title=corpus/site-00028-login::regression (passed in the compared run), failed: login: expected no login form, detected one (step full, password input[name="pw"])');
    assert.match(lines[1]!, /^::error title=corpus\/site-00000-login::failed: /);
    assert.equal(lines[10], '::notice title=grid-run::5 more site(s) fail the run and are not annotated (GitHub shows 10 per step); all 15 are in junit.xml and the job summary');
  });

  it('annotates no known failure still failing', () => {
    const { results } = realisticRun(5, 1e9); // site 0 fails, the others pass
    results[0]!.known = { reason: 'T-1: x', state: 'failing' };
    assert.deepEqual(annotationLines(results, summaryOf(results), { sources: new Map() }), []);
  });

  it('keeps the job summary under GitHub\'s 1 MiB at 10,000 failures with long messages, and within what the step left', () => {
    const { results, sites } = realisticRun(10_000, 1);
    for (const r of results) r.message = `${'x'.repeat(5000)} | <script>`;
    const sources = new Map(sites.map((s) => [s.id, s.source]));
    const full = stepSummary(results, summaryOf(results), { sources, budgetBytes: SUMMARY_LIMIT_BYTES });
    assert.ok(Buffer.byteLength(full) <= SUMMARY_LIMIT_BYTES);
    assert.match(full, /^### Failures \(first 50 of 10000\)$/m);
    assert.ok(!full.includes('<script>'), 'no raw HTML from page-controlled text');
    const tight = stepSummary(results, summaryOf(results), { sources, budgetBytes: 4000 });
    assert.ok(Buffer.byteLength(tight) <= 4000 && tight.startsWith('## grid-run: failed\n'), tight);
    assert.equal(stepSummary(results, summaryOf(results), { sources, budgetBytes: 100 }), '');
  });
});
