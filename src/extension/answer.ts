// Node side of the extension contract (docs/extension-contract.md): waits, bounded, for the
// extension's answer in the loaded page and turns it into a Detection. An extension that never
// answers, or answers something the contract does not allow, fails the site: it is the
// extension under test that is at fault, not the grid.
import type { WebDriver } from 'selenium-webdriver';
import { contractCall, detectorPart, outlineCall } from '../detector/bundle.ts';
import { runInPage, type PageCall } from '../detector/page-scripts.ts';
import { locateElement } from '../detector/driver-locate.ts';
import type { Detector } from '../detector/detector.ts';
import { joinSelectorPath } from '../detect/path-split.ts';
import type { ContractInspection } from '../detect/entry.ts';
import { FIELDS, type Detection, type DetectorIdentity, type Expectation } from '../types.ts';
import { DetectorFailed, type PageDetection } from '../session/detect-in-page.ts';
import { poll } from '../wait.ts';

export const defaultExtensionTimeoutMs = 5000;

/** The extension did not answer by the contract: the site fails with this message. */
export class ExtensionAnswerFailure extends Error {}

export type ExtensionAnswerOptions = {
  /** How long the extension has to answer after load and steps (--extension-timeout). */
  timeoutMs: number;
  /** The site's expectation: checked in the script run that reads the answer. */
  expect?: Expectation;
  /** Clear the page's own storage in the script run that finds the answer (see WebDriverSession.reset). */
  clearStorage?: boolean;
  /** Cross-origin frames asked at the most, per round. */
  maxFrames?: number;
  /** Between two reads while the answer is missing or pending. */
  pollMs?: number;
};

const contract = 'the grid-run extension contract (data-grid-run-detection on document.documentElement, JSON with "login")';

/**
 * The extension's answer: from the top document (whose script also reads same-origin frames
 * and open shadow roots), else from a cross-origin frame, which only the driver can enter.
 * Read again every `pollMs` while there is none or it is `pending`, up to `timeoutMs`.
 */
export async function readExtensionAnswer(driver: WebDriver, options: ExtensionAnswerOptions): Promise<PageDetection> {
  const [script, frameScript] = await Promise.all([contractCall(), contractCall(true)]);
  const started = performance.now();
  let pending = false;
  return poll<PageDetection>(
    async () => {
      const top = await runInPage<ContractInspection>(driver, script, { expect: options.expect, clearStorage: options.clearStorage });
      if (top.state === 'invalid') throw new ExtensionAnswerFailure(`the extension's answer breaks ${contract}: ${top.reason}`);
      if (top.state === 'answered') {
        return { done: { detection: top.detection, detectMs: performance.now() - started, page: top.page, same: top.same, presence: top.presence } };
      }
      pending ||= top.state === 'pending';
      if (top.state === 'none') {
        for (const framePath of top.crossOriginFrames.slice(0, options.maxFrames ?? 5)) {
          const inner = await readInFrame(driver, framePath, frameScript);
          if (inner?.state === 'invalid') throw new ExtensionAnswerFailure(`the extension's answer in frame ${framePath} breaks ${contract}: ${inner.reason}`);
          // No page: the top document's storage was not cleared by this run, so the reset must do it.
          if (inner?.state === 'answered') return { done: { detection: inFrame(inner.detection, framePath), detectMs: performance.now() - started } };
          pending ||= inner?.state === 'pending';
        }
      }
      return { last: pending ? 'pending' : 'no answer' };
    },
    {
      timeoutMs: options.timeoutMs,
      intervalMs: options.pollMs ?? 100,
      timedOut: () =>
        new ExtensionAnswerFailure(
          pending
            ? `the extension's answer was still "pending": true after --extension-timeout ${options.timeoutMs} ms (${contract})`
            : `no answer from the extension within --extension-timeout ${options.timeoutMs} ms: ${contract} was not met`,
        ),
    },
  );
}

/** The answer inside one cross-origin frame, or null when the frame cannot be entered (gone, not loaded). */
async function readInFrame(driver: WebDriver, framePath: string, script: PageCall): Promise<ContractInspection | null> {
  try {
    const frame = await locateElement(driver, framePath);
    if (!frame) return null;
    await driver.switchTo().frame(frame);
    return await runInPage<ContractInspection>(driver, script, {});
  } catch {
    return null;
  } finally {
    await driver.switchTo().defaultContent();
  }
}

function inFrame(detection: Detection, framePath: string): Detection {
  const out = { ...detection, signals: [`in cross-origin frame ${framePath}`, ...detection.signals] };
  for (const f of FIELDS) {
    const path = detection[f];
    out[f] = path === null ? null : joinSelectorPath([framePath, path]);
  }
  return out;
}

/**
 * The extension's answer as a Detector (src/detector/detector.ts): what turns one loaded page
 * into a Detection, in run, dry-run and eval alike. Not answering by the contract is the
 * extension's failure (DetectorFailed), which fails the site.
 */
export function extensionDetector(answer: { timeoutMs: number; identity: DetectorIdentity }): Detector {
  return {
    identity: answer.identity,
    prepare: async () => void (await detectorPart()),
    parts: async () => [await detectorPart()],
    detect: async (driver, options = {}) => {
      try {
        const found = await readExtensionAnswer(driver, { timeoutMs: answer.timeoutMs, expect: options.expect, clearStorage: options.clearStorage });
        if (options.outline) await runInPage(driver, await outlineCall(), found.detection);
        return found;
      } catch (err) {
        if (err instanceof ExtensionAnswerFailure) throw new DetectorFailed(err.message);
        throw err;
      }
    },
  };
}

/**
 * With a detector chosen as well, the extension has its time first (its answer, or the
 * timeout), then the detector reads what the extension did to the page and is the one judged.
 */
export function afterExtension(answer: { timeoutMs: number }, detector: Detector): Detector {
  return {
    identity: detector.identity,
    prepare: async () => {
      await Promise.all([detectorPart(), detector.prepare()]);
    },
    // grid-run's bundle, which reads the extension's answer, is among the detector's parts too.
    parts: () => detector.parts(),
    detect: async (driver, options = {}) => {
      await readExtensionAnswer(driver, { timeoutMs: answer.timeoutMs }).catch((err: unknown) => {
        if (!(err instanceof ExtensionAnswerFailure)) throw err;
      });
      return detector.detect(driver, options);
    },
  };
}
