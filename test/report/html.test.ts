import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { buildHtml, HtmlReporter } from '../../src/report/html.ts';
import { computeSummary } from '../../src/report/summary.ts';
import { sampleResults, sampleRunInfo } from './fixtures.ts';

describe('html report', () => {
  const results = sampleResults();
  const summary = computeSummary(results, { wallMs: 60_000, concurrency: 2, sessionsCreated: 3 });
  const html = buildHtml(results, { ...summary, interrupted: 'SIGINT' }, { dir: 'report', cwd: '/ws' });

  it('has a card for each site', () => {
    assert.equal(html.match(/<article class="site /g)?.length, results.length);
    for (const id of ['acme/login-fr', 'shop/signup', 'slow/never-loads', 'flaky/modal']) assert.ok(html.includes(id), id);
  });

  it('escapes hostile ids, urls, tags and locales', () => {
    assert.ok(!html.includes('<script>alert(1)</script>'));
    assert.ok(html.includes('&lt;script&gt;alert(1)&lt;/script&gt;'));
    assert.ok(!html.includes('<img src=x'));
    assert.ok(!html.includes('<b>tag</b>'));
    assert.ok(html.includes('data-locale="x&quot;y"'));
    // only the report's own script element
    assert.equal(html.match(/<script>/g)?.length, 1);
  });

  it('is self-contained: no external resources', () => {
    assert.doesNotMatch(html, /<link|src="https?:|href="https?:\/\/(?!acme)/);
    assert.match(html, /<style>/);
  });

  it('has status, tag and locale filters and summary counts', () => {
    assert.match(html, /<select name="status">/);
    assert.match(html, /<select name="tag">.*<option value="multi-step">multi-step<\/option>/);
    assert.match(html, /<select name="locale">.*<option value="fr">fr<\/option>/);
    assert.match(html, /<li class="passed"><b>2<\/b> passed<\/li>/);
    assert.match(html, /<li class="failed"><b>1<\/b> failed<\/li>/);
    assert.match(html, /Partial run: SIGINT/);
  });

  it('links screenshots relative to the report directory and shows expected vs detected', () => {
    assert.match(html, /<img loading="lazy" alt="screenshot of acme\/login-fr" src="screenshots\/acme-login-fr.png">/);
    assert.match(html, /password: expected &quot;#pass2&quot;, detected &quot;#pass&quot;/);
    assert.match(html, /attempt 1 failed: username: expected/);
  });

  it('as a Reporter, writes index.html into the report directory', async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'html-'));
    try {
      const rep = new HtmlReporter({ dir: path.join(dir, 'report') });
      rep.onBegin(sampleRunInfo());
      await rep.onEnd(results, summary);
      const text = await readFile(path.join(dir, 'report', 'index.html'), 'utf8');
      assert.match(text, /run run-1/);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
