// Eval's work on one page, as a session of the run's dispatcher does it (src/session/run-site.ts's
// PageRunner): one page load, then every detector on it, one record each. The records are kept
// by site id (the last attempt's, which is the one the dispatcher keeps); the dispatcher gets the
// first detector's outcome, so that requeues, node loss and session reuse are the run's.
import pTimeout from 'p-timeout';
import type { WebDriver } from 'selenium-webdriver';
import { errorMessage } from '../errors.ts';
import { DetectorFailed, type PageDetection } from '../session/detect-in-page.ts';
import type { Detector } from '../detector/detector.ts';
import { runSteps } from '../session/steps.ts';
import { checkFields } from '../session/verdict.ts';
import { isRendererBusy, isSessionLost, isTabCrashed } from '../session/classify.ts';
import { ensureTimeouts, pageLoadTimeoutOf, type PageRunner, type SiteRunOptions, type SiteRunOutcome } from '../session/run-site.ts';
import type { Detection, Site } from '../types.ts';
import type { PageRecord } from './metrics.ts';
import { evalResult } from './results.ts';

export type EvalPages = {
  runPage: PageRunner;
  /** Per site id, one record per detector (in the order given). */
  records: ReadonlyMap<string, PageRecord[]>;
};

/** A page runner for `detectors` (every one on each page load, in this order) and the records it keeps. */
export function evalPages(detectors: readonly Detector[]): EvalPages {
  const records = new Map<string, PageRecord[]>();
  const runPage: PageRunner = async (driver, site, options) => {
    const page = await evaluatePage(driver, site, detectors, options);
    records.set(site.id, page.records);
    return outcomeOf(site, page, detectors[0]!);
  };
  return { runPage, records };
}

/** What the dispatcher decides on: the first detector's verdict, or the session lost under the page. */
function outcomeOf(site: Site, page: PageEvaluation, first: Detector): SiteRunOutcome {
  const result = evalResult(site, page.records[0]!);
  if (page.lost) return { status: 'error', message: page.lost, timings: result.timings, detector: first.identity, sessionLost: true };
  const outcome: SiteRunOutcome = { status: result.status as SiteRunOutcome['status'], timings: result.timings, detector: first.identity };
  if (result.message) outcome.message = result.message;
  if (result.detection) outcome.detection = result.detection;
  if (result.verdicts) outcome.verdicts = result.verdicts;
  // A detector's script that may still run in the page spoils the session for the next page.
  if (page.spoiled) outcome.sessionLost = true;
  return outcome;
}

/** What a detector that failed on a page counts as: it found no login form there. */
const noDetection: Detection = { login: false, step: 'none', username: null, password: null, submit: null, confidence: 0, signals: [] };

type PageEvaluation = {
  records: PageRecord[];
  /** A detector's script may still run in the page. */
  spoiled: boolean;
  /** The session was lost (browser gone, node gone, page wedged): why. */
  lost?: string;
};

const firstLine = (err: unknown) => errorMessage(err).split('\n')[0] ?? 'error';
/** The session is not worth keeping after this error (as run-site.ts judges a site's). */
const losesSession = (err: unknown) => isSessionLost(err) || isTabCrashed(err) || isRendererBusy(err);

/** One page load, then every detector on it: one record each; bounded by the site timeout. */
export async function evaluatePage(driver: WebDriver, site: Site, detectors: readonly Detector[], options: SiteRunOptions): Promise<PageEvaluation> {
  const started = performance.now();
  const session = await driver.getSession().then(
    (s) => s.getId(),
    () => undefined,
  );
  // When, how long and in which browser session: the HTML report's pictures.
  const base = { id: site.id, tags: site.tags, locale: site.locale, expectedLogin: site.expect?.login, startedAt: new Date().toISOString(), ...(session ? { session } : {}) };
  const round = (ms: number) => Math.round(ms * 10) / 10;
  let loadMs = 0;
  const failedAll = (error: string) => detectors.map(() => ({ ...base, detectedLogin: false, fields: [], detectMs: 0, loadMs, totalMs: round(performance.now() - started), error }));
  const work = async (): Promise<PageEvaluation> => {
    const pageLoadMs = pageLoadTimeoutOf(site, options);
    try {
      await ensureTimeouts(driver, { pageLoad: pageLoadMs, script: options.scriptTimeoutMs });
      await driver.get(site.url);
      if (site.steps.length) await runSteps(driver, site.steps, { timeoutMs: pageLoadMs });
      loadMs = round(performance.now() - started);
    } catch (err) {
      return { records: failedAll(firstLine(err)), spoiled: false, ...(losesSession(err) ? { lost: `session lost while loading the page: ${firstLine(err)}` } : {}) };
    }
    const records: PageRecord[] = [];
    let spoiled = false;
    let lost: string | undefined;
    for (const detector of detectors) {
      try {
        let found: PageDetection & { failure?: string };
        try {
          found = await detector.detect(driver, { expect: site.expect });
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
        if (losesSession(err)) lost ??= `session lost while detecting: ${firstLine(err)}`;
        records.push({ ...base, detectedLogin: false, fields: [], detectMs: 0, error: firstLine(err) });
      }
    }
    return { records, spoiled, ...(lost ? { lost } : {}) };
  };
  const bound = options.siteTimeoutMs;
  return pTimeout(work(), {
    milliseconds: bound,
    fallback: () => {
      const why = `page took longer than ${bound} ms`;
      return { records: failedAll(why), spoiled: true, lost: why };
    },
  });
}
