// Runs the detector in the current page: the top document first (the script itself looks
// into open shadow roots and same-origin frames), then, when that finds no login form,
// inside each cross-origin frame, which only the driver can enter. The top document's run
// also compares the expected fields and outlines the detected ones when its answer is final,
// so that a usual site costs one script run for all three.
import { error as wdError, type WebDriver, type WebElement } from 'selenium-webdriver';
import { detectorScriptWithMeta, inspectScript } from '../detect/bundle.ts';
import type { DetectionWithMeta } from '../detect/detect.ts';
import { joinSelectorPath } from '../detect/path-split.ts';
import type { Detection, Expectation } from '../types.ts';
import type { Inspection, PageInfo, SameResult } from '../detect/entry.ts';
import { locateElement } from '../detect/driver-locate.ts';

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

export async function detectInPage(driver: WebDriver, options: DetectInPageOptions = {}): Promise<PageDetection> {
  if (options.scriptTimeoutMs !== undefined) await driver.manage().setTimeouts({ script: options.scriptTimeoutMs });
  const inspectOptions = { expect: options.expect, outline: options.outline ?? false, clearStorage: options.clearStorage ?? false };
  const top = (await runDetector(driver, await inspectScript(), inspectOptions)) as Inspection;
  const { page, same, presence } = top;
  let detectMs = top.elapsedMs;
  let detection = strip(top);
  if (detection.login || top.crossOriginFrames.length === 0) return { detection, detectMs, page, same, presence };
  const script = await detectorScriptWithMeta();
  for (const framePath of top.crossOriginFrames.slice(0, options.maxFrames ?? 5)) {
    const inner = await detectInFrame(driver, framePath, script);
    if (!inner) continue;
    detectMs += inner.elapsedMs;
    if (inner.login) {
      const prefix = (p: string | null) => (p === null ? null : joinSelectorPath([framePath, p]));
      detection = {
        ...strip(inner),
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

/**
 * The detection inside one cross-origin frame, or null when the frame cannot be entered
 * (gone, or not yet loaded): one unreachable ad frame must not fail the whole page.
 */
async function detectInFrame(driver: WebDriver, framePath: string, script: string): Promise<DetectionWithMeta | null> {
  try {
    const frame = await locateElement(driver, framePath);
    if (!frame) return null;
    await driver.switchTo().frame(frame as WebElement);
    return await runDetector(driver, script);
  } catch {
    return null;
  } finally {
    await driver.switchTo().defaultContent();
  }
}

/** A page that keeps opening dialogs while the detector runs. */
export class DetectionInterrupted extends Error {}

const detectorAttempts = 3;

/**
 * Runs the detector script. A dialog the page opens while it runs (a prompt on reading a
 * field, say) ends the script without an answer: sessions dismiss dialogs by themselves, and
 * the script's result is lost with it. The dialog is dismissed and the script run again.
 */
async function runDetector(driver: WebDriver, script: string, ...args: unknown[]): Promise<DetectionWithMeta> {
  for (let attempt = 1; attempt <= detectorAttempts; attempt++) {
    try {
      const result = (await driver.executeScript(script, ...args)) as DetectionWithMeta | null;
      if (result) return result;
    } catch (err) {
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

function strip(d: DetectionWithMeta): Detection {
  return {
    login: d.login,
    step: d.step,
    username: d.username,
    password: d.password,
    submit: d.submit,
    confidence: d.confidence,
    signals: d.signals,
  };
}
