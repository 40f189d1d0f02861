// Runs the detector in the current page: the top document first (the script itself looks
// into open shadow roots and same-origin frames), then, when that finds no login form,
// inside each cross-origin frame, which only the driver can enter. The top document's run
// also compares the expected fields and outlines the detected ones when its answer is final,
// so that a usual site costs one script run for all three.
import { error as wdError, type WebDriver } from 'selenium-webdriver';
import { detectorPart, frameBody, inspectBody } from '../detector/bundle.ts';
import { runInPage, type PageCall, type PagePart } from '../detector/page-scripts.ts';
import type { DetectionWithMeta } from '../detect/detect.ts';
import { detectionOf } from '../detect/check-detection.ts';
import { joinSelectorPath } from '../detect/path-split.ts';
import type { Detection, Expectation } from '../types.ts';
import type { DetectorFailure, Inspection, PageInfo, SameResult } from '../detect/entry.ts';
import { locateElement } from '../detector/driver-locate.ts';
import { errorMessage } from '../errors.ts';

export type DetectInPageOptions = {
  /** Bound on each script run, in ms. */
  scriptTimeoutMs?: number;
  /** Cross-origin frames looked into at the most; ads can bring dozens. */
  maxFrames?: number;
  /** The site's expectation: its fields are compared with the detection in the same script run. */
  expect?: Expectation;
  /** Outline the detected fields in the page, for a screenshot. */
  outline?: boolean;
  /** Clear the page's session and local storage and its beforeunload handler after detecting. */
  clearStorage?: boolean;
};

/**
 * The scripts a detector runs (function bodies on its `parts`, see page-scripts.ts): `inspect`
 * in the top document (InspectOptions as arguments[0]; answers an Inspection, or a
 * DetectorFailure), `frame` in a cross-origin frame.
 */
export type InPageScripts = {
  parts: () => Promise<readonly PagePart[]>;
  inspect: string;
  frame: string;
  /** A user's detector: its script timing out is its failure, not the browser's. */
  user: boolean;
};

export const builtinScripts: InPageScripts = { parts: async () => [await detectorPart()], inspect: inspectBody, frame: frameBody, user: false };

export type { PageInfo, SameResult };

export type PageDetection = {
  detection: Detection;
  detectMs: number;
  /** The page the detector ran in: its final URL and HTTP status. */
  page?: PageInfo;
  /** The expected fields compared with the detection in the page (judge() does the rest). */
  same?: Inspection['same'];
  /** expect.present / expect.absent checked in the same script run. */
  presence?: Inspection['presence'];
};

/**
 * A user's detector did not answer with a Detection (threw, timed out, wrong shape): the site
 * fails with this message. `sessionLost` when its script may still be running in the page.
 */
export class DetectorFailed extends Error {
  readonly page?: PageInfo;
  readonly sessionLost: boolean;
  constructor(message: string, options: { page?: PageInfo; sessionLost?: boolean } = {}) {
    super(message);
    this.page = options.page;
    this.sessionLost = options.sessionLost ?? false;
  }
}

export async function detectInPage(driver: WebDriver, options: DetectInPageOptions = {}, scripts: InPageScripts = builtinScripts): Promise<PageDetection> {
  if (options.scriptTimeoutMs !== undefined) await driver.manage().setTimeouts({ script: options.scriptTimeoutMs });
  const inspectOptions = { expect: options.expect, outline: options.outline ?? false, clearStorage: options.clearStorage ?? false };
  const parts = await scripts.parts();
  const top = (await runDetector(driver, scripts, { parts, body: scripts.inspect }, inspectOptions)) as Inspection | DetectorFailure;
  if ('failure' in top) throw new DetectorFailed(top.failure, { page: top.page });
  const { page, same, presence } = top;
  let detectMs = top.elapsedMs;
  let detection = detectionOf(top);
  if (detection.login || top.crossOriginFrames.length === 0) return { detection, detectMs, page, same, presence };
  const inFrame: PageCall = { parts, body: scripts.frame, inFrame: true };
  for (const framePath of top.crossOriginFrames.slice(0, options.maxFrames ?? 5)) {
    const inner = await detectInFrame(driver, scripts, framePath, inFrame);
    if (!inner) continue;
    if ('failure' in inner) throw new DetectorFailed(`in cross-origin frame ${framePath}: ${inner.failure}`, { page });
    detectMs += inner.elapsedMs;
    if (inner.login) {
      const prefix = (p: string | null) => (p === null ? null : joinSelectorPath([framePath, p]));
      detection = {
        ...detectionOf(inner),
        username: prefix(inner.username),
        password: prefix(inner.password),
        submit: prefix(inner.submit),
        signals: [`in cross-origin frame ${framePath}`, ...inner.signals],
      };
      break;
    }
  }
  return { detection, detectMs, page };
}

type FrameAnswer = DetectionWithMeta | { failure: string };

/**
 * The detection inside one cross-origin frame, or null when the frame cannot be entered
 * (gone, or not yet loaded): one unreachable ad frame must not fail the whole page.
 */
async function detectInFrame(driver: WebDriver, scripts: InPageScripts, framePath: string, script: PageCall): Promise<FrameAnswer | null> {
  try {
    const frame = await locateElement(driver, framePath);
    if (!frame) return null;
    await driver.switchTo().frame(frame);
    return await runDetector(driver, scripts, script);
  } catch (err) {
    if (err instanceof DetectorFailed) throw err;
    return null;
  } finally {
    await driver.switchTo().defaultContent();
  }
}

/** What a user's script did wrong that the page itself reports as a WebDriver error; else returns. */
async function userScriptFault(driver: WebDriver, err: unknown): Promise<void> {
  // A detect() that never settles (or never yields) runs into the script timeout.
  if (err instanceof wdError.ScriptTimeoutError) {
    const { script } = await driver.manage().getTimeouts().catch(() => ({ script: undefined }));
    throw new DetectorFailed(`detect() did not answer within the script timeout${script ? ` (${script} ms)` : ''}`, { sessionLost: true });
  }
  // The module's own top level threw before detect() could be called.
  if (err instanceof wdError.JavascriptError) throw new DetectorFailed(`the detector module failed in the page: ${errorMessage(err).split('\n')[0]}`);
}

/** A page that keeps opening dialogs while the detector runs. */
export class DetectionInterrupted extends Error {}

const detectorAttempts = 3;

/**
 * Runs the detector script. A dialog the page opens while it runs (a prompt on reading a
 * field, say) ends the script without an answer: sessions dismiss dialogs by themselves, and
 * the script's result is lost with it. The dialog is dismissed and the script run again.
 */
async function runDetector(driver: WebDriver, scripts: InPageScripts, script: PageCall, ...args: unknown[]): Promise<DetectionWithMeta | DetectorFailure> {
  for (let attempt = 1; attempt <= detectorAttempts; attempt++) {
    try {
      const result = await runInPage<DetectionWithMeta | DetectorFailure | null>(driver, script, ...args);
      if (result) return result;
    } catch (err) {
      if (scripts.user) await userScriptFault(driver, err);
      if (!(err instanceof wdError.UnexpectedAlertOpenError)) throw err;
    }
    await driver
      .switchTo()
      .alert()
      .then((alert) => alert.dismiss())
      .catch(() => undefined);
  }
  throw new DetectionInterrupted(`the page's dialogs interrupted the detector ${detectorAttempts} times`);
}
