import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { buildHtml, HtmlReporter } from '../../src/report/html.ts';
import { computeSummary } from '../../src/report/summary.ts';
import { reportDetails, sampleResults, sampleRunInfo } from './fixtures.ts';
import { tempDir } from '../helpers/temp.ts';

/** The rows block of a report, decoded as the page's script reads it. */
function dataOf(html: string): { sites: unknown[][]; strings: string[] } {
  const m = /<script type="application\/json" id="data">([\s\S]*?)<\/script>/.exec(html);
  assert.ok(m, 'the report has its data block');
  return JSON.parse(m[1]!);
}

describe('html report', () => {
  const results = sampleResults();
  const summary = computeSummary(results, { wallMs: 60_000, concurrency: 2, sessionsCreated: 3 });
  const html = buildHtml(results, { ...summary, interrupted: 'SIGINT' }, { dir: 'report', cwd: '/ws' });

  it('carries every site once, failures and errors first', () => {
    const data = dataOf(html);
    assert.deepEqual(
      data.sites.map((s) => s[0]),
      ['shop/signup', 'slow/never-loads', 'flaky/modal', '<script>alert(1)</script>', 'acme/login-fr'],
    );
  });

  it('escapes hostile ids, urls, tags and locales', () => {
    assert.ok(!html.includes('<script>alert(1)</script>'));
    assert.ok(!html.includes('<img src=x'));
    assert.ok(!html.includes('<b>tag</b>'));
    assert.ok(html.includes('<option value="x&quot;y">x&quot;y</option>'));
    // the first screen's paint mark, the rows and details blocks and the report's own script, nothing a site brought
    assert.equal(html.match(/<script[ >]/g)?.length, 4);
    assert.ok(dataOf(html).sites.some((s) => s[0] === '<script>alert(1)</script>'), 'the id survives intact inside the data');
  });

  it('is self-contained: no external resources', () => {
    assert.doesNotMatch(html, /<link|src="https?:|href="https?:/);
    assert.match(html, /<style>/);
  });

  it('has status, tag, locale and node filters, a search box and the summary counts', () => {
    assert.match(html, /<select name="status">/);
    assert.match(html, /<select name="tag">.*<option value="multi-step">multi-step<\/option>/);
    assert.match(html, /<select name="locale">.*<option value="fr">fr<\/option>/);
    assert.match(html, /<select name="node">.*<option value="node-a">node-a<\/option><option value="node-b">node-b<\/option>/);
    assert.match(html, /<input name="q" type="search"/);
    assert.doesNotMatch(html, /<select name="change">/, 'no change filter without a comparison');
    assert.match(html, /<li class="passed"><b>2<\/b> passed<\/li>/);
    assert.match(html, /<li class="failed"><b>1<\/b> failed<\/li>/);
    assert.match(html, /Partial run: SIGINT/);
  });

  it('links screenshots relative to the report directory, and words only the verdict\'s failed comparisons', () => {
    const ids = dataOf(html).sites.map((s) => s[0]);
    const details = reportDetails(html);
    const acme = details.sites[ids.indexOf('acme/login-fr')]!;
    assert.equal(details.strings[acme[3] as number], 'screenshots/acme-login-fr.png');
    const signup = details.sites[ids.indexOf('shop/signup')]!;
    const verdicts = signup[7] as number[][];
    assert.equal(verdicts.length, 1, 'the login comparison only: the password was never compared');
    assert.equal(verdicts[0]![1], 0, 'no match');
    assert.equal(details.strings[verdicts[0]![7]!], 'login: expected no login form, detected one (step full, password #pass)');
  });

  it('draws a timeline with one lane per session, and pass rates and time distributions', () => {
    const lanes = html.match(/<g class="lane[^"]*" data-session="[^"]*"/g) ?? [];
    assert.deepEqual(lanes.map((l) => /data-session="([^"]*)"/.exec(l)![1]), ['s1', 's3', 's2'], 'by node, then by first start');
    assert.match(html, /<path class="retry"/, 'a retry is marked');
    assert.match(html, /<path class="lost" [^>]*><title>flaky\/modal: session lost \(node gone\)<\/title>/, 'a lost session is crossed');
    assert.match(html, /<g class="lane node-lost" data-session="s2">/, 'the lane of a lost node stands out');
    assert.match(html, /Pass rate by locale/);
    assert.match(html, /Pass rate by tag/);
    assert.match(html, /Page load: median/);
    assert.match(html, /Detection: median/);
  });

  it('names every detector its results record, as a report merged from two runs has them', () => {
    const merged = sampleResults().map((r, i) => ({ ...r, detector: i % 2 ? { name: 'builtin', kind: 'builtin' as const, version: '0.1.0' } : { name: 'mine.ts', kind: 'file' as const, file: 'mine.ts', sha256: 'ab'.repeat(32) } }));
    const page = buildHtml(merged, summary, { dir: 'report', cwd: '/ws' });
    assert.match(page, /<span class="detector">detectors mine\.ts \(file, sha256 abababababab\); builtin \(version 0\.1\.0\)<\/span>/);
    assert.doesNotMatch(html, /class="detector"/, 'no detector line when nothing records one');
  });

  it('as a Reporter, writes index.html into the report directory', async () => {
    const dir = await tempDir('html-');
    const rep = new HtmlReporter({ dir: path.join(dir, 'report') });
    rep.onBegin(sampleRunInfo());
    await rep.onEnd(results, summary);
    const text = await readFile(path.join(dir, 'report', 'index.html'), 'utf8');
    assert.match(text, /run run-1/);
  });
});
