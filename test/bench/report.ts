// The HTML report at 10,000 sites (issue 13): its size, the time until headless Chromium has
// painted it from file://, and the time a filter or a search takes to apply and paint. The
// results are made up but shaped as a run writes them: 10,000 passing sites on 8 nodes x 4
// slots, each with a detection whose selectors are its own (the worst case for the report's
// string table), four field verdicts, signals, one attempt, and a comparison with a run in
// which 1% of the sites differed.
import { mkdir, stat } from 'node:fs/promises';
import { pathToFileURL } from 'node:url';
import { compareRuns } from '../../src/report/compare.ts';
import { writeHtml } from '../../src/report/html.ts';
import { computeSummary } from '../../src/report/summary.ts';
import { startLocalChrome } from '../../src/session/local-chrome.ts';
import type { SiteResult } from '../../src/types.ts';
import { syntheticSite } from './memory.ts';
import { median } from './stats.ts';

export type ReportBench = {
  sites: number;
  bytes: number;
  reps: number;
  /** ms from navigation start until the first screen of rows, written into the page, was painted (grid-run:first-screen), per rep. */
  firstScreenMs: number[];
  /** ms from navigation start until the script had read every site and drawn the rows, painted: filters work from then on (grid-run:painted). */
  paintedMs: number[];
  firstContentfulPaintMs: number[];
  /** The page's own marks (ms from navigation start): script started, data parsed, decoded, rows drawn. */
  marks: Record<string, number[]>;
  /** ms from a filter's change until the next frame was painted, per filter, per rep. */
  filterMs: Record<string, number[]>;
  /** ms from a click on the first row until its details were painted, the first open of each load (it parses the details block). */
  openMs: number[];
};

const SIGNALS = ['one-password +4', 'one-text-field +1.5', 'login-button +2.5', 'login-form-name +2', 'login-heading +1.5', 'labelled-fields +1', 'remember-me +1.5', 'autocomplete=current-password +3', 'forgot-link +1'];

export function syntheticResults(count: number, t0 = Date.parse('2026-01-01T00:00:00Z')): SiteResult[] {
  const lanes = 32;
  const laneClock = new Array<number>(lanes).fill(0);
  const out: SiteResult[] = [];
  for (let i = 0; i < count; i++) {
    const s = syntheticSite(i) as { id: string; url: string; locale: string; tags: string[] };
    const lane = i % lanes;
    const ms = 600 + ((i * 7919) % 2400);
    const started = t0 + laneClock[lane]!;
    laneClock[lane]! += ms + 15;
    const username = `#email-${i}`;
    const password = `form#login-${i} input[type=password]`;
    const submit = `form#login-${i} button[type=submit]`;
    const node = `http://10.0.0.${1 + (lane % 8)}:5555`;
    const session = `${(lane * 2654435761).toString(16).padStart(8, '0')}c0ffee${lane.toString(16).padStart(4, '0')}deadbeef0000`;
    out.push({
      id: s.id,
      url: s.url,
      status: 'passed',
      flaky: false,
      attempts: [{ attempt: 1, status: 'passed', node, sessionId: session, startedAt: new Date(started).toISOString(), durationMs: ms }],
      timings: { loadMs: Math.round(ms * 0.7), stepsMs: 0, detectMs: 3 + (i % 40), totalMs: ms },
      node,
      sessionId: session,
      browserVersion: '156.0.8078.114',
      detection: { login: true, step: 'full', username, password, submit, confidence: 1, signals: [`score ${(8 + (i % 70) / 10).toFixed(1)}`, ...SIGNALS.slice(0, 3 + (i % 6))] },
      expect: { login: true, username, password, submit },
      verdicts: [
        { field: 'login', expected: true, detected: true, match: true },
        { field: 'username', expected: username, detected: username, match: true, expectedElement: `input#email-${i}`, detectedElement: `input#email-${i}` },
        { field: 'password', expected: password, detected: password, match: true, expectedElement: 'input#pw', detectedElement: 'input#pw' },
        { field: 'submit', expected: submit, detected: submit, match: true, expectedElement: 'button "Sign in"', detectedElement: 'button "Sign in"' },
      ],
      tags: s.tags,
      locale: s.locale,
    });
  }
  return out;
}

export async function reportBench(dir: string, options: { sites: number; reps: number }): Promise<ReportBench> {
  const results = syntheticResults(options.sites);
  const old = results.map((r, i) => (i % 100 === 0 ? { ...r, status: 'failed' as const, detection: { ...r.detection!, password: null } } : r));
  const summary = computeSummary(results, { wallMs: 600_000, concurrency: 32, sessionsCreated: 32 });
  await mkdir(dir, { recursive: true });
  const file = await writeHtml(results, summary, { dir, runId: 'bench', comparison: compareRuns(old, results, 'previous/results.json') });
  const bytes = (await stat(file)).size;
  const url = pathToFileURL(file).href;
  const chrome = await startLocalChrome({ args: ['--window-size=1280,1000'] });
  const report: ReportBench = { sites: options.sites, bytes, reps: options.reps, firstScreenMs: [], paintedMs: [], firstContentfulPaintMs: [], marks: {}, filterMs: {}, openMs: [] };
  const filters: Array<[string, string]> = [
    ['status=failed', "var e = document.querySelector('select[name=status]'); e.value = 'failed'; e.dispatchEvent(new Event('change', { bubbles: true }));"],
    ['tag=modal', "var e = document.querySelector('select[name=tag]'); e.value = 'modal'; e.dispatchEvent(new Event('change', { bubbles: true }));"],
    ['change=fixed', "var e = document.querySelector('select[name=change]'); e.value = 'fixed'; e.dispatchEvent(new Event('change', { bubbles: true }));"],
    ['search "site-0999"', "var e = document.querySelector('input[name=q]'); e.value = 'site-0999'; e.dispatchEvent(new Event('input', { bubbles: true }));"],
    // Every filter cleared at once (as a link to the bare report does), back to 10,000 rows: one apply.
    ['all again', "document.querySelectorAll('select').forEach(function (e) { e.value = ''; }); document.querySelector('input[name=q]').value = ''; document.querySelector('select[name=status]').dispatchEvent(new Event('change', { bubbles: true }));"],
  ];
  // From the change until the frame after its work has been painted.
  const untilPainted = (script: string) =>
    chrome.driver.executeAsyncScript<number>(
      `var done = arguments[arguments.length - 1]; var t = performance.now(); ${script} requestAnimationFrame(function () { setTimeout(function () { done(performance.now() - t); }, 0); });`,
    );
  try {
    for (let rep = 0; rep < options.reps; rep++) {
      await chrome.driver.get('about:blank');
      await chrome.driver.get(url);
      await chrome.driver.wait(async () => (await chrome.driver.executeScript<string | undefined>('return document.documentElement.dataset.ready')) === '1', 60_000, 'the report drew its rows');
      const [first, painted, fcp] = (await chrome.driver.executeScript<[number, number, number]>(
        "return [performance.getEntriesByName('grid-run:first-screen')[0].startTime, performance.getEntriesByName('grid-run:painted')[0].startTime, (performance.getEntriesByName('first-contentful-paint')[0] || { startTime: NaN }).startTime]",
      ));
      report.firstScreenMs.push(first);
      report.paintedMs.push(painted);
      const marks = (await chrome.driver.executeScript<[string, number][]>("return performance.getEntriesByType('mark').map(function (m) { return [m.name, m.startTime]; }).concat([['responseEnd', performance.timing.responseEnd - performance.timing.navigationStart], ['domInteractive', performance.timing.domInteractive - performance.timing.navigationStart]])"));
      for (const [name, at] of marks) (report.marks[name] ??= []).push(Math.round(at));
      report.firstContentfulPaintMs.push(fcp);
      for (const [name, script] of filters) {
        const ms = await untilPainted(script);
        (report.filterMs[name] ??= []).push(ms);
      }
      report.openMs.push(await untilPainted("document.querySelector('#rows .row').click();"));
    }
  } finally {
    await chrome.stop();
  }
  return report;
}

export const reportMedians = (r: ReportBench) => ({
  firstScreenMs: median(r.firstScreenMs),
  paintedMs: median(r.paintedMs),
  filterMs: Math.max(...Object.values(r.filterMs).map(median)),
});

