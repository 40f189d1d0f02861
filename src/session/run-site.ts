// One site in one WebDriver session: load, steps, detect and judge (one script run), screenshot. Every outcome is a
// value: test failures and infrastructure errors alike come back as a SiteOutcome.
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import pTimeout from 'p-timeout';
import type { WebDriver } from 'selenium-webdriver';
import type { Site } from '../types.ts';
import type { SiteOutcome } from '../dispatch/session-factory.ts';
import { errorMessage } from '../errors.ts';
import { DetectionInterrupted, DetectorFailed, type PageDetection, type PageInfo } from './detect-in-page.ts';
import { builtinDetector, type Detector } from '../detector/detector.ts';
import { judge } from './verdict.ts';
import { outlineCall } from '../detector/bundle.ts';
import { runInPage } from '../detector/page-scripts.ts';
import { sendThroughWebDriver } from './devtools-socket.ts';
import { runSteps } from './steps.ts';
import { isRendererBusy, isSessionLost, isTabCrashed, isTimeout } from './classify.ts';
import { baselineVerdicts, type Baseline } from './baseline.ts';
import { verdictMessage } from '../report/verdicts.ts';

export type SiteRunOptions = {
  pageLoadTimeoutMs: number;
  scriptTimeoutMs: number;
  /** Bound on the whole site: load, steps, detection, screenshot. */
  siteTimeoutMs: number;
  /** Where to write `<id>.png`; no screenshot when unset. */
  screenshotDir?: string;
  /** With `screenshotDir`: every site's screenshot, or only those of failed sites (the default). */
  screenshotsOf?: 'all' | 'failures';
  /** Accepted detections that record-only sites are compared with. */
  baseline?: Baseline;
  /** Clear the page's session and local storage in the detection's script run (see WebDriverSession.reset). */
  clearStorage?: boolean;
  /** What detects the login form (default: the built-in detector). */
  detector?: Detector;
};

/** A site's outcome, and the page the detector ran in (when it ran). */
export type SiteRunOutcome = SiteOutcome & { page?: PageInfo };

/** What a session does with one site: `runSite` for a run; eval runs its detectors instead (src/eval/eval-page.ts). */
export type PageRunner = (driver: WebDriver, site: Site, options: SiteRunOptions) => Promise<SiteRunOutcome>;

export const defaultSiteRunOptions: SiteRunOptions = {
  pageLoadTimeoutMs: 20_000,
  scriptTimeoutMs: 10_000,
  siteTimeoutMs: 60_000,
};

export async function runSite(driver: WebDriver, site: Site, options: SiteRunOptions): Promise<SiteRunOutcome> {
  const timings = { loadMs: 0, stepsMs: 0, detectMs: 0, totalMs: 0 };
  const started = performance.now();
  let phase = 'loading the page';
  const overall = options.siteTimeoutMs;
  const pageLoadMs = pageLoadTimeoutOf(site, options);
  const detector = options.detector ?? builtinDetector;
  const work = async (): Promise<SiteRunOutcome> => {
    await ensureTimeouts(driver, { pageLoad: pageLoadMs, script: options.scriptTimeoutMs });
    let t = performance.now();
    await loadPage(driver, site.url, pageLoadMs);
    timings.loadMs = performance.now() - t;

    phase = 'running the steps';
    t = performance.now();
    try {
      await runSteps(driver, site.steps, { timeoutMs: pageLoadMs });
    } catch (err) {
      // A step that cannot be done is the site's fault as the list describes it, not the grid's.
      if (isSessionLost(err)) throw err;
      timings.stepsMs = performance.now() - t;
      return { status: 'failed', message: `step failed: ${errorMessage(err)}`, timings };
    }
    timings.stepsMs = performance.now() - t;

    phase = 'detecting';
    // With every site's screenshot to take, the fields are outlined in the same script run; with
    // failed sites' only, just before their screenshot: outlines on a page make the browser paint
    // it again, which a passing site need not pay for.
    const outlineNow = options.screenshotDir !== undefined && options.screenshotsOf === 'all';
    let found: PageDetection;
    try {
      found = await detector.detect(driver, { expect: site.expect, outline: outlineNow, clearStorage: options.clearStorage });
    } catch (err) {
      // The user's detector is what is under test: its fault fails the site, not the run.
      if (!(err instanceof DetectorFailed)) throw err;
      let screenshot: string | undefined;
      if (options.screenshotDir && !err.sessionLost) {
        phase = 'taking the screenshot';
        screenshot = await saveScreenshot(driver, site, options.screenshotDir);
      }
      return { status: 'failed', message: `detector ${detector.identity.name}: ${err.message}`, timings, page: err.page, screenshot, sessionLost: err.sessionLost };
    }
    const { detection, detectMs, page, same, presence } = found;
    timings.detectMs = detectMs;

    phase = 'checking expectations';
    let verdict = await judge(driver, site.expect, detection, same, presence);
    const accepted = site.expect ? undefined : options.baseline?.get(site.id);
    if (accepted) {
      const verdicts = baselineVerdicts(detection, accepted);
      const message = verdictMessage(verdicts);
      verdict = message ? { status: 'failed', message, verdicts } : { status: 'passed', verdicts };
    }
    // A page that is an HTTP error explains most failures better than the detector can.
    if (verdict.status === 'failed' && page && page.status >= 400) {
      verdict = { ...verdict, message: `${verdict.message} (the server answered HTTP ${page.status} for ${page.url})` };
    }

    let screenshot: string | undefined;
    if (options.screenshotDir && (verdict.status === 'failed' || options.screenshotsOf === 'all')) {
      phase = 'taking the screenshot';
      if (!outlineNow) await runInPage(driver, await outlineCall(), detection);
      screenshot = await saveScreenshot(driver, site, options.screenshotDir);
    }
    return { status: verdict.status, message: verdict.message, detection, verdicts: verdict.verdicts, timings, screenshot, page };
  };
  try {
    const outcome = await pTimeout(work(), {
      milliseconds: overall,
      fallback: () => {
        throw new SiteTimeout(`site took longer than ${overall} ms (while ${phase})`);
      },
    });
    return { ...outcome, detector: detector.identity };
  } catch (err) {
    return { ...infrastructureOutcome(err, phase, site, options, timings), detector: detector.identity };
  } finally {
    timings.totalMs = performance.now() - started;
    for (const key of Object.keys(timings) as (keyof typeof timings)[]) timings[key] = Math.round(timings[key] * 10) / 10;
  }
}

/** A site's own timeout wins over the run's page-load timeout (it also bounds its steps). */
export function pageLoadTimeoutOf(site: Site, options: SiteRunOptions): number {
  return site.timeoutMs ?? options.pageLoadTimeoutMs;
}

class SiteTimeout extends Error {}
class BrowserUnresponsive extends Error {}

/** Past its page-load timeout, chromedriver gets this long to say so before it counts as stuck. */
const loadGraceMs = 10_000;

/**
 * Navigates, bounded: chromedriver enforces the page-load timeout, except when the page's
 * scripts stop the renderer answering just as the load ends; then its navigation never
 * returns, and the session is only good for closing.
 */
async function loadPage(driver: WebDriver, url: string, timeoutMs: number): Promise<void> {
  await pTimeout(driver.get(url), {
    milliseconds: timeoutMs + loadGraceMs,
    fallback: () => {
      throw new BrowserUnresponsive(`the page kept the browser busy: no answer ${(timeoutMs + loadGraceMs) / 1000} s into loading it (page-load timeout ${timeoutMs} ms)`);
    },
  });
}

/** The timeouts last set on each session: most sites share them, so most sites skip the call. */
const timeoutsSet = new WeakMap<WebDriver, string>();

export async function ensureTimeouts(driver: WebDriver, timeouts: { pageLoad: number; script: number }): Promise<void> {
  const key = `${timeouts.pageLoad}/${timeouts.script}`;
  if (timeoutsSet.get(driver) === key) return;
  timeoutsSet.delete(driver); // a failed call leaves them unknown
  await driver.manage().setTimeouts(timeouts);
  timeoutsSet.set(driver, key);
}

function infrastructureOutcome(err: unknown, phase: string, site: Site, options: SiteRunOptions, timings: SiteOutcome['timings']): SiteOutcome {
  if (err instanceof SiteTimeout || err instanceof BrowserUnresponsive) return { status: 'error', message: err.message, timings, sessionLost: true };
  // The page's doing, not the browser's: the session is fine for the next site.
  if (err instanceof DetectionInterrupted) return { status: 'error', message: `${phase}: ${err.message}`, timings };
  if (isTabCrashed(err)) return { status: 'error', message: `the page crashed its browser tab (renderer) while ${phase}: it died, of memory exhaustion or a fault (${firstLine(err)})`, timings, sessionLost: true };
  if (isSessionLost(err)) return { status: 'error', message: `session lost while ${phase}: ${firstLine(err)}`, timings, sessionLost: true };
  if (isTimeout(err) && phase === 'loading the page') {
    return { status: 'error', message: `page load timed out after ${pageLoadTimeoutOf(site, options)} ms (${site.url})`, timings };
  }
  if (isRendererBusy(err)) {
    // chromedriver gives up on a renderer that does not answer after the page-load timeout;
    // a page whose scripts never yield leaves it busy, so the session is not worth keeping.
    return { status: 'error', message: `the page kept the browser busy: its renderer gave no answer in ${pageLoadTimeoutOf(site, options)} ms while ${phase}`, timings, sessionLost: true };
  }
  if (isTimeout(err)) {
    // A script that never returns leaves the renderer busy; the session is not worth keeping.
    return { status: 'error', message: `timed out while ${phase} (script timeout ${options.scriptTimeoutMs} ms): ${firstLine(err)}`, timings, sessionLost: true };
  }
  return { status: 'error', message: `${phase}: ${firstLine(err)}`, timings, sessionLost: true };
}

async function saveScreenshot(driver: WebDriver, site: Site, dir: string): Promise<string> {
  const png = await capturePng(driver);
  await mkdir(dir, { recursive: true });
  const file = join(dir, `${screenshotName(site.id)}.png`);
  await writeFile(file, png, 'base64');
  return file;
}

/**
 * The viewport as PNG, base64: Chrome's DevTools capture with `optimizeForSpeed` (faster
 * compression, files about twice as big) is faster than WebDriver's screenshot (README,
 * Performance); any other browser gets WebDriver's.
 */
export async function capturePng(driver: WebDriver): Promise<string> {
  try {
    const shot = await sendThroughWebDriver<{ data?: string }>(driver, 'Page.captureScreenshot', { format: 'png', optimizeForSpeed: true });
    if (shot?.data) return shot.data;
  } catch (err) {
    if (isSessionLost(err)) throw err;
  }
  return driver.takeScreenshot();
}

/** A file name for a site id: readable, and distinct for distinct ids. */
export function screenshotName(id: string): string {
  const readable = id.replace(/[^A-Za-z0-9._-]+/g, '_').slice(0, 80);
  let hash = 0;
  for (const c of id) hash = (Math.imul(hash, 31) + c.codePointAt(0)!) | 0;
  return `${readable}-${(hash >>> 0).toString(36)}`;
}

function firstLine(err: unknown): string {
  return errorMessage(err).split('\n')[0] ?? '';
}
