// Runs detectors over labelled sites with a few long-lived browsers: each browser takes the
// next site from one shared queue, so a slow page holds up only its own browser. Every
// detector runs on the same page load, one after the other.
import type { WebDriver } from 'selenium-webdriver';
import { errorMessage, InfrastructureError } from '../errors.ts';
import { DetectorFailed, type PageDetection } from '../session/detect-in-page.ts';
import { builtinDetector, type Detector } from '../detector/detector.ts';
import { runSteps } from '../session/steps.ts';
import { checkFields } from '../session/verdict.ts';
import type { Detection, Site } from '../types.ts';
import type { PageRecord } from './metrics.ts';

export type EvalBrowser = { driver: WebDriver; stop(): Promise<void> };

export type EvaluateOptions = {
  concurrency: number;
  startBrowser: () => Promise<EvalBrowser>;
  /** Every one runs on each page load, in this order (default: the built-in detector). */
  detectors?: readonly Detector[];
  pageLoadTimeoutMs?: number;
  scriptTimeoutMs?: number;
  onPage?: (records: PageRecord[], done: number, total: number) => void;
  signal?: AbortSignal;
};

/** Per detector (in the order given), one record per site (in the sites' order). */
export async function evaluate(sites: Site[], options: EvaluateOptions): Promise<PageRecord[][]> {
  const detectors = options.detectors ?? [builtinDetector];
  const pages = new Array<PageRecord[]>(sites.length);
  let next = 0;
  let done = 0;
  const worker = async () => {
    let browser: EvalBrowser | null = null;
    try {
      while (next < sites.length && !options.signal?.aborted) {
        const index = next++;
        const site = sites[index]!;
        browser ??= await startConfigured(options);
        let page = await evaluatePage(browser.driver, site, detectors, options);
        // A dead session is the browser's failure, not the page's: one retry in a new browser.
        if (page.records.some((r) => r.error !== undefined && /session|disconnected|crash|ECONNREFUSED|target window/i.test(r.error))) {
          await browser.stop().catch(() => undefined);
          browser = await startConfigured(options);
          page = await evaluatePage(browser.driver, site, detectors, options);
        }
        // A detector's script that may still run in the page spoils the browser for the next one.
        if (page.spoiled) {
          await browser.stop().catch(() => undefined);
          browser = null;
        }
        pages[index] = page.records;
        options.onPage?.(page.records, ++done, sites.length);
      }
    } finally {
      await browser?.stop().catch(() => undefined);
    }
  };
  const workers = Array.from({ length: Math.max(1, Math.min(options.concurrency, sites.length)) }, worker);
  const results = await Promise.allSettled(workers);
  const failed = results.find((r) => r.status === 'rejected');
  if (failed) throw failed.reason instanceof InfrastructureError ? failed.reason : new InfrastructureError(`eval: ${errorMessage(failed.reason)}`, { cause: failed.reason });
  const loaded = pages.filter((p) => p !== undefined);
  return detectors.map((_, i) => loaded.map((records) => records[i]!));
}

async function startConfigured(options: EvaluateOptions): Promise<EvalBrowser> {
  const browser = await options.startBrowser();
  await browser.driver.manage().setTimeouts({ pageLoad: options.pageLoadTimeoutMs ?? 20_000, script: options.scriptTimeoutMs ?? 10_000 });
  return browser;
}

/** What a detector that failed on a page counts as: it found no login form there. */
const noDetection: Detection = { login: false, step: 'none', username: null, password: null, submit: null, confidence: 0, signals: [] };

/** One page load, then every detector on it: one record each. */
export async function evaluatePage(
  driver: WebDriver,
  site: Site,
  detectors: readonly Detector[] = [builtinDetector],
  options: Pick<EvaluateOptions, 'scriptTimeoutMs'> = {},
): Promise<{ records: PageRecord[]; spoiled: boolean }> {
  const started = performance.now();
  const session = await driver.getSession().then((s) => s.getId(), () => undefined);
  // When, how long and in which browser session: the HTML report's pictures.
  const base = { id: site.id, tags: site.tags, locale: site.locale, expectedLogin: site.expect?.login, startedAt: new Date().toISOString(), ...(session ? { session } : {}) };
  const round = (ms: number) => Math.round(ms * 10) / 10;
  let loadMs = 0;
  const failedAll = (err: unknown) => detectors.map(() => ({ ...base, detectedLogin: false, fields: [], detectMs: 0, loadMs, totalMs: round(performance.now() - started), error: errorMessage(err).split('\n')[0] ?? 'error' }));
  try {
    await driver.get(site.url);
    if (site.steps.length) await runSteps(driver, site.steps, { timeoutMs: site.timeoutMs ?? 10_000 });
    loadMs = round(performance.now() - started);
  } catch (err) {
    return { records: failedAll(err), spoiled: false };
  }
  const records: PageRecord[] = [];
  let spoiled = false;
  for (const detector of detectors) {
    try {
      let found: PageDetection & { failure?: string };
      try {
        found = await detector.detect(driver, { scriptTimeoutMs: options.scriptTimeoutMs, expect: site.expect });
      } catch (err) {
        // The detector's own fault counts against it, as a page where it found nothing.
        if (!(err instanceof DetectorFailed)) throw err;
        spoiled ||= err.sessionLost;
        found = { detection: noDetection, detectMs: 0, failure: err.message };
      }
      const { detection, detectMs, same, failure } = found;
      const fields = site.expect?.login ? await checkFields(driver, site.expect, detection, same) : [];
      records.push({
        ...base,
        detectedLogin: detection.login,
        fields: fields.map((f) => ({ field: f.field, correct: f.correct, expected: f.expected, detected: f.detected, expectedElement: f.expectedElement, detectedElement: f.detectedElement })),
        detectMs,
        loadMs,
        totalMs: round(performance.now() - started),
        detected: { username: detection.username, password: detection.password, submit: detection.submit, step: detection.step, confidence: detection.confidence, signals: detection.signals },
        ...(failure === undefined ? {} : { failure }),
      });
    } catch (err) {
      records.push({ ...base, detectedLogin: false, fields: [], detectMs: 0, error: errorMessage(err).split('\n')[0] ?? 'error' });
    }
  }
  return { records, spoiled };
}
