// Hand-built results covering every status, a flaky pass, a record-only site and a hostile id.
import type { Attempt, Site, SiteResult } from '../../src/types.ts';
import type { RunInfo } from '../../src/report/reporter.ts';

const at = '2026-01-01T00:00:00.000Z';

function attempt(n: number, status: Attempt['status'], durationMs: number, extra: Partial<Attempt> = {}): Attempt {
  return { attempt: n, status, startedAt: at, durationMs, node: 'node-a', sessionId: `s${n}`, ...extra };
}

export function sampleResults(): SiteResult[] {
  return [
    {
      id: 'acme/login-fr',
      url: 'https://acme.example/fr/connexion',
      status: 'passed',
      flaky: false,
      attempts: [attempt(1, 'passed', 1200)],
      timings: { loadMs: 800, stepsMs: 100, detectMs: 300, totalMs: 1200 },
      node: 'node-a',
      sessionId: 's1',
      browserVersion: '131.0',
      detection: { login: true, step: 'full', username: '#email', password: '#pw', submit: 'form button', confidence: 0.93, signals: ['autocomplete=current-password'] },
      expect: { login: true, username: '#email', password: '#pw' },
      verdicts: [
        { field: 'login', expected: true, detected: true, match: true },
        { field: 'username', expected: '#email', detected: '#email', match: true, expectedElement: 'input#email', detectedElement: 'input#email' },
        { field: 'password', expected: '#pw', detected: '#pw', match: true, expectedElement: 'input#pw', detectedElement: 'input#pw' },
      ],
      screenshot: 'report/screenshots/acme-login-fr.png',
      tags: ['multi-step', 'fr'],
      locale: 'fr',
    },
    {
      id: 'shop/signup',
      url: 'https://shop.example/signup',
      status: 'failed',
      flaky: false,
      attempts: [attempt(1, 'failed', 900, { message: 'login: expected no login form, detected one (step full, password #pass)' })],
      timings: { loadMs: 500, stepsMs: 0, detectMs: 400, totalMs: 900 },
      node: 'node-b',
      sessionId: 's7',
      browserVersion: '131.0',
      detection: { login: true, step: 'full', username: '#user', password: '#pass', submit: null, confidence: 0.6, signals: [] },
      expect: { login: false, password: '#pass2' },
      // The verdict stops at the login answer: the password was never compared, so it is no problem.
      verdicts: [{ field: 'login', expected: false, detected: true, match: false, detectedElement: 'step full, password #pass' }],
      message: 'login: expected no login form, detected one (step full, password #pass)',
      tags: ['signup'],
      locale: 'en',
    },
    {
      id: 'slow/never-loads',
      url: 'http://127.0.0.1:9/never',
      status: 'error',
      flaky: false,
      attempts: [attempt(1, 'error', 20000, { message: 'page load timed out after 20000ms' })],
      timings: { loadMs: 20000, stepsMs: 0, detectMs: 0, totalMs: 20000 },
      node: 'node-a',
      sessionId: 's1',
      message: 'page load timed out after 20000ms on node-a',
      tags: [],
    },
    {
      id: 'flaky/modal',
      url: 'https://flaky.example/',
      status: 'passed',
      flaky: true,
      attempts: [
        attempt(1, 'failed', 700, { message: 'username: expected "#u", detected none' }),
        attempt(2, 'error', 300, { message: 'node lost', node: 'node-b', sessionLost: true, nodeLost: true }),
        attempt(3, 'passed', 650),
      ],
      timings: { loadMs: 400, stepsMs: 100, detectMs: 150, totalMs: 650 },
      node: 'node-a',
      sessionId: 's3',
      detection: { login: true, step: 'username-first', username: '#u', password: null, submit: '#next', confidence: 0.8, signals: [] },
      expect: { login: true, username: '#u', password: null },
      screenshot: 'report/screenshots/flaky-modal.png',
      tags: ['modal'],
      locale: 'de',
    },
    {
      id: '<script>alert(1)</script>',
      url: 'https://evil.example/"><img src=x onerror=alert(2)>',
      status: 'skipped',
      flaky: false,
      attempts: [],
      timings: { loadMs: 0, stepsMs: 0, detectMs: 0, totalMs: 0 },
      message: 'not run: interrupted by SIGINT',
      tags: ['<b>tag</b>'],
      locale: 'x"y',
    },
  ];
}

export function sampleSites(results = sampleResults()): Site[] {
  return results.map((r, i) => ({
    id: r.id,
    url: r.url,
    tags: r.tags,
    steps: [],
    source: `sites/list-${i % 2}.json:${i + 1}`,
    ...(r.locale ? { locale: r.locale } : {}),
    ...(r.expect ? { expect: r.expect } : {}),
  }));
}

export function sampleRunInfo(sites = sampleSites()): RunInfo {
  return {
    runId: 'run-1',
    gridUrl: 'http://127.0.0.1:4444',
    sites,
    chunks: [{ index: 0, siteIds: sites.map((s) => s.id), estimatedMs: 1000 }],
    concurrency: 2,
    startedAt: new Date('2026-01-01T00:00:00Z'),
  };
}

/** The details block of a report (one line per site, in row order, then the strings), as the page reads a site's line when it is opened. */
export function reportDetails(html: string): { sites: unknown[][]; strings: string[] } {
  const m = /<script type="text\/plain" id="details">([\s\S]*?)<\/script>/.exec(html);
  if (!m) throw new Error('the report has no details block');
  const lines = m[1]!.split('\n');
  return { sites: lines.slice(0, -1).map((l) => JSON.parse(l) as unknown[]), strings: JSON.parse(lines.at(-1)!) as string[] };
}

/** A site as a real run reports it: a passing one, or (failed) one with its message and screenshot. */
export function realisticResult(i: number, failed: boolean): SiteResult {
  const id = `corpus/site-${String(i).padStart(5, '0')}-login`;
  const node = 'http://10.0.3.17:5555';
  const sessionId = '13120dfd11c3478484a4200049726b46';
  const message = 'login: expected no login form, detected one (step full, password input[name="pw"])';
  const totalMs = 1234.5678 + (i % 997);
  return {
    id,
    url: `https://www.example-${i}.com/account/login?return=%2F`,
    status: failed ? 'failed' : 'passed',
    flaky: false,
    attempts: [{ attempt: 1, status: failed ? 'failed' : 'passed', ...(failed ? { message } : {}), node, sessionId, startedAt: '2026-12-02T01:03:17.322Z', durationMs: totalMs }],
    timings: { loadMs: 812.3, stepsMs: 0.3, detectMs: 41.2, totalMs },
    node,
    sessionId,
    browserVersion: '156.0.8078.114',
    detection: {
      login: true,
      step: 'full',
      username: 'input[name="user"]',
      password: 'input[name="pw"]',
      submit: 'form > button',
      confidence: 0.95,
      signals: ['score 9.5', 'one-password +4', 'autocomplete-username +1.5', 'one-text-field +1.5', 'login-button +2.5'],
    },
    expect: { login: !failed },
    ...(failed ? { message, screenshot: `report/screenshots/${id.replaceAll('/', '_')}-784cx2.png` } : {}),
    tags: ['i18n'],
    locale: 'fr',
  };
}

export function realisticRun(count: number, failedEvery: number): { results: SiteResult[]; sites: Site[] } {
  const results = Array.from({ length: count }, (_, i) => realisticResult(i, i % failedEvery === 0));
  const sites = results.map((r, i) => ({ id: r.id, url: r.url, tags: r.tags, steps: [], source: `sites/corpus.jsonl:${i + 1}` }));
  return { results, sites };
}
