// Runs the detector over labelled sites with a few long-lived browsers: each browser takes
// the next site from one shared queue, so a slow page holds up only its own browser.
import type { WebDriver } from 'selenium-webdriver';
import { errorMessage, InfrastructureError } from '../errors.ts';
import { detectInPage } from '../session/detect-in-page.ts';
import { runSteps } from '../session/steps.ts';
import { checkFields } from '../session/verdict.ts';
import type { Site } from '../types.ts';
import type { PageRecord } from './metrics.ts';

export type EvalBrowser = { driver: WebDriver; stop(): Promise<void> };

export type EvaluateOptions = {
  concurrency: number;
  startBrowser: () => Promise<EvalBrowser>;
  pageLoadTimeoutMs?: number;
  scriptTimeoutMs?: number;
  onPage?: (record: PageRecord, done: number, total: number) => void;
  signal?: AbortSignal;
};

export async function evaluate(sites: Site[], options: EvaluateOptions): Promise<PageRecord[]> {
  const records: PageRecord[] = new Array(sites.length);
  let next = 0;
  let done = 0;
  const worker = async () => {
    let browser: EvalBrowser | null = null;
    try {
      while (next < sites.length && !options.signal?.aborted) {
        const index = next++;
        const site = sites[index]!;
        browser ??= await startConfigured(options);
        let record = await evaluatePage(browser.driver, site, options);
        // A dead session is the browser's failure, not the page's: one retry in a new browser.
        if (record.error !== undefined && /session|disconnected|crash|ECONNREFUSED|target window/i.test(record.error)) {
          await browser.stop().catch(() => undefined);
          browser = await startConfigured(options);
          record = await evaluatePage(browser.driver, site, options);
        }
        records[index] = record;
        options.onPage?.(record, ++done, sites.length);
      }
    } finally {
      await browser?.stop().catch(() => undefined);
    }
  };
  const workers = Array.from({ length: Math.max(1, Math.min(options.concurrency, sites.length)) }, worker);
  const results = await Promise.allSettled(workers);
  const failed = results.find((r) => r.status === 'rejected');
  if (failed) throw failed.reason instanceof InfrastructureError ? failed.reason : new InfrastructureError(`eval: ${errorMessage(failed.reason)}`, { cause: failed.reason });
  return records.filter((r) => r !== undefined);
}

async function startConfigured(options: EvaluateOptions): Promise<EvalBrowser> {
  const browser = await options.startBrowser();
  await browser.driver.manage().setTimeouts({ pageLoad: options.pageLoadTimeoutMs ?? 20_000, script: options.scriptTimeoutMs ?? 10_000 });
  return browser;
}

export async function evaluatePage(driver: WebDriver, site: Site, options: Pick<EvaluateOptions, 'scriptTimeoutMs'> = {}): Promise<PageRecord> {
  const started = performance.now();
  const session = await driver.getSession().then((s) => s.getId(), () => undefined);
  const base = { id: site.id, tags: site.tags, locale: site.locale, expectedLogin: site.expect?.login, startedAt: new Date().toISOString(), ...(session ? { session } : {}) };
  const round = (ms: number) => Math.round(ms * 10) / 10;
  let loadMs = 0;
  try {
    await driver.get(site.url);
    loadMs = round(performance.now() - started);
    if (site.steps.length) await runSteps(driver, site.steps, { timeoutMs: site.timeoutMs ?? 10_000 });
    const { detection, detectMs, same } = await detectInPage(driver, { scriptTimeoutMs: options.scriptTimeoutMs, expect: site.expect });
    const fields = site.expect?.login ? await checkFields(driver, site.expect, detection, same) : [];
    return {
      ...base,
      detectedLogin: detection.login,
      fields: fields.map((f) => ({ field: f.field, correct: f.correct, expected: f.expected, detected: f.detected, expectedElement: f.expectedElement, detectedElement: f.detectedElement })),
      detectMs,
      loadMs,
      totalMs: round(performance.now() - started),
      detected: { username: detection.username, password: detection.password, submit: detection.submit, step: detection.step, confidence: detection.confidence, signals: detection.signals },
    };
  } catch (err) {
    return { ...base, detectedLogin: false, fields: [], detectMs: 0, loadMs, totalMs: round(performance.now() - started), error: errorMessage(err).split('\n')[0] ?? 'error' };
  }
}
