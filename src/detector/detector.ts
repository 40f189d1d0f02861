// A detector, Node side: what turns one loaded page (a WebDriver) into a Detection, and who it
// is. The built-in detector and a `--detector FILE` module are both run in the page by
// detectInPage, with grid-run's comparison, outline and clearing in the same script run.
import type { WebDriver } from 'selenium-webdriver';
import { UsageError } from '../errors.ts';
import { detectInPage, type DetectInPageOptions, type InPageScripts, type PageDetection } from '../session/detect-in-page.ts';
import type { DetectorIdentity } from '../types.ts';
import { BUNDLE_GLOBAL, detectorBundle, detectorScriptWithMeta, inspectScript } from './bundle.ts';
import { builtinIdentity } from './identity.ts';
import { bundleDetectorFile, USER_GLOBAL } from './user-detector.ts';

export type Detector = {
  identity: DetectorIdentity;
  /** Detects on the page the driver has loaded (top document, then cross-origin frames). */
  detect(driver: WebDriver, options?: DetectInPageOptions): Promise<PageDetection>;
  /** Builds what it runs in the page ahead of the first site; rejects when that cannot be built. */
  prepare(): Promise<void>;
};

function inPage(identity: DetectorIdentity, scripts: InPageScripts, prepare: () => Promise<unknown>): Detector {
  return {
    identity,
    detect: (driver, options = {}) => detectInPage(driver, options, scripts),
    prepare: async () => void (await prepare()),
  };
}

export const builtinDetector: Detector = inPage(builtinIdentity, { inspect: inspectScript, frame: detectorScriptWithMeta, user: false }, detectorBundle);

/** The detector module at `file` (relative to cwd), bundled now: a UsageError when it does not build or has no detect(). */
export async function fileDetector(file: string, cwd: string): Promise<Detector> {
  const user = await bundleDetectorFile(file, cwd);
  const detect = `${USER_GLOBAL}.${user.exportName}`;
  // grid-run's bundle comes first: inspectPageWith wraps the user's detect() in its own work.
  const script = async (body: string) => `${await detectorBundle()}\n${user.source}\n${body}`;
  const inspect = script(`return ${BUNDLE_GLOBAL}.inspectPageWith(${detect}, arguments[0] || {});`);
  const frame = script(`return ${BUNDLE_GLOBAL}.userDetectWithMeta(${detect});`);
  // Awaited by every site; a failed build of grid-run's own bundle is reported by them.
  for (const p of [inspect, frame]) p.catch(() => undefined);
  return inPage(user.identity, { inspect: () => inspect, frame: () => frame, user: true }, () => Promise.all([inspect, frame]));
}

/** `builtin` or a module's path, as `--detector` takes it. */
export async function chooseDetector(name: string | undefined, cwd: string): Promise<Detector> {
  if (name === undefined || name === 'builtin') return builtinDetector;
  if (name.trim() === '') throw new UsageError('--detector: expected a file or builtin');
  return fileDetector(name, cwd);
}
