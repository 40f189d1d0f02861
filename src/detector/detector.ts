// A detector, Node side: what turns one loaded page (a WebDriver) into a Detection, and who it
// is. The built-in detector and a `--detector FILE` module are both run in the page by
// detectInPage, with grid-run's comparison, outline and clearing in the same script run.
import type { WebDriver } from 'selenium-webdriver';
import { UsageError } from '../errors.ts';
import { builtinScripts, detectInPage, type DetectInPageOptions, type InPageScripts, type PageDetection } from '../session/detect-in-page.ts';
import type { DetectorIdentity } from '../types.ts';
import { BUNDLE_GLOBAL, detectorPart } from './bundle.ts';
import { builtinIdentity } from './identity.ts';
import { pagePart, type PagePart } from './page-scripts.ts';
import { bundleDetectorFile, USER_GLOBAL } from './user-detector.ts';

export type Detector = {
  identity: DetectorIdentity;
  /** Detects on the page the driver has loaded (top document, then cross-origin frames). */
  detect(driver: WebDriver, options?: DetectInPageOptions): Promise<PageDetection>;
  /** Builds what it runs in the page ahead of the first site; rejects when that cannot be built. */
  prepare(): Promise<void>;
  /** The bundles its scripts call, which a session installs in its pages' new documents (page-scripts.ts). */
  parts(): Promise<readonly PagePart[]>;
};

function inPage(identity: DetectorIdentity, scripts: InPageScripts): Detector {
  return {
    identity,
    detect: (driver, options = {}) => detectInPage(driver, options, scripts),
    prepare: async () => void (await scripts.parts()),
    parts: scripts.parts,
  };
}

export const builtinDetector: Detector = inPage(builtinIdentity, builtinScripts);

/** The detector module at `file` (relative to cwd), bundled now: a UsageError when it does not build or has no detect(). */
export async function fileDetector(file: string, cwd: string): Promise<Detector> {
  const user = await bundleDetectorFile(file, cwd);
  const detect = `${USER_GLOBAL}.${user.exportName}`;
  // grid-run's bundle comes first: inspectPageWith wraps the user's detect() in its own work.
  const userPart = pagePart(USER_GLOBAL, user.source);
  const scripts: InPageScripts = {
    parts: async () => [await detectorPart(), userPart],
    inspect: `return ${BUNDLE_GLOBAL}.inspectPageWith(${detect}, arguments[0] || {});`,
    frame: `return ${BUNDLE_GLOBAL}.userDetectWithMeta(${detect});`,
    user: true,
  };
  return inPage(user.identity, scripts);
}

/** `builtin` or a module's path, as `--detector` takes it. */
export async function chooseDetector(name: string | undefined, cwd: string): Promise<Detector> {
  if (name === undefined || name === 'builtin') return builtinDetector;
  if (name.trim() === '') throw new UsageError('--detector: expected a file or builtin');
  return fileDetector(name, cwd);
}
