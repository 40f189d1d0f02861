// Entry point of the browser bundle: what the wrappers in bundle.ts call.
import { detect, detectWithMeta, type DetectionWithMeta } from './detect.ts';
import { outlineFields } from './outline.ts';
import { FIELDS, type FieldName } from '../types.ts';
import { describeElement, resolveSelectorPath } from './resolve.ts';
import { isVisible } from './visibility.ts';
import { checkPresence, type PresenceCheck } from './presence.ts';
import { readContract, type ContractRead } from './contract.ts';
import type { Detection } from '../types.ts';
import { detectionOf, detectionProblem } from './check-detection.ts';
import { joinSelectorPath } from './path-split.ts';
import { collectScopes, type CrossOriginFrame } from './roots.ts';
import { uniqueSelector } from './unique-selector.ts';

export { detect, detectWithMeta, outlineFields, checkPresence };
export type { PresenceCheck };

export type Located =
  | { kind: 'element'; element: Element; describe: string; visible: boolean; count: number }
  | { kind: 'frame'; frame: Element; rest: string }
  | { kind: 'missing'; reason: string };

/** Resolves a path for the driver: the element (as a WebElement), or the frame to switch into. */
export function locate(path: string): Located {
  const r = resolveSelectorPath(path);
  if (r.kind === 'element') return { kind: 'element', element: r.element, describe: describeElement(r.element), visible: isVisible(r.element), count: r.count };
  if (r.kind === 'frame') return r;
  return { kind: 'missing', reason: r.reason };
}

export type SameResult = { same: boolean; expected: string; detected: string } | { frame: true };


export type InspectOptions = {
  /** The site's expected fields: each one the detection also names is compared in the page. */
  expect?: Partial<Record<FieldName, string | null>> & { present?: string[]; absent?: string[] };
  /** Outline the detected fields for a screenshot. */
  outline?: boolean;
  /**
   * Then clear what the page keeps in this tab for the next page of its origin (session and
   * local storage) and drop its beforeunload handler: the in-page half of a session's reset.
   */
  clearStorage?: boolean;
};

/** What the browser knows of the page: its final URL and its navigation's HTTP status (0: not known). */
export type PageInfo = { url: string; status: number };

/** The expectations checked in the page along with a final detection. */
export type InPageChecks = { same?: Partial<Record<FieldName, SameResult>>; presence?: PresenceCheck[] };

export type Inspection = DetectionWithMeta & { page: PageInfo } & InPageChecks;

/**
 * Everything a site needs from its page in one script run: the detection, the page it ran in,
 * and, when the detection is final (a login form found, or no cross-origin frame left to look
 * into), the expected fields compared with it and the detected fields outlined.
 */
export function inspectPage(options: InspectOptions): Inspection {
  return finishInspection(detectWithMeta(document), options);
}

/** A user's detector (`--detector FILE`) that did not answer with a Detection: what went wrong. */
export type DetectorFailure = { failure: string; page: PageInfo };

/**
 * inspectPage with a user's `detect` in place of the built-in detector: the same comparison,
 * outline and clearing around it, in the same script run. Whatever `detect` does wrong comes
 * back as a DetectorFailure, not as a script error.
 */
export async function inspectPageWith(detect: unknown, options: InspectOptions): Promise<Inspection | DetectorFailure> {
  const detection = await userDetectWithMeta(detect);
  if ('failure' in detection) {
    if (options.clearStorage) clearPage();
    return { failure: detection.failure, page: pageInfo() };
  }
  return finishInspection(detection, options);
}

/** A user's `detect` run in this document (a cross-origin frame's, when the driver entered one). */
export async function userDetectWithMeta(detect: unknown): Promise<DetectionWithMeta | { failure: string }> {
  if (!isCallable(detect)) return { failure: `the detector module's detect export is ${typeof detect}, not a function` };
  const started = performance.now();
  let answer: unknown;
  try {
    answer = await detect();
  } catch (err) {
    return { failure: `detect() threw: ${err instanceof Error ? `${err.name}: ${err.message}` : String(err)}` };
  }
  const problem = detectionProblem(answer);
  if (problem) return { failure: `detect() answered something that is not a Detection: ${problem}` };
  const detection = detectionOf(answer as DetectionWithMeta);
  const elapsedMs = performance.now() - started;
  // Where the driver is to look next when this document holds no login form.
  const crossOrigin: CrossOriginFrame[] = [];
  if (!detection.login) collectScopes(document, uniqueSelector, crossOrigin);
  return { ...detection, elapsedMs, crossOriginFrames: crossOrigin.map((c) => joinSelectorPath(c.prefix)) };
}

/** A user's export is only known to be callable; what it answers is checked after the call. */
function isCallable(value: unknown): value is () => unknown {
  return typeof value === 'function';
}

function pageInfo(): PageInfo {
  const navigation = performance.getEntriesByType('navigation')[0] as PerformanceNavigationTiming | undefined;
  return { url: location.href, status: navigation?.responseStatus ?? 0 };
}

function finishInspection(detection: DetectionWithMeta, options: InspectOptions): Inspection {
  const inspection: Inspection = { ...detection, page: pageInfo() };
  // Not final while cross-origin frames are left to look into: the driver goes on in them.
  if (detection.login || detection.crossOriginFrames.length === 0) {
    Object.assign(inspection, checksInPage(detection, options.expect));
    if (options.outline) outlineFields(detection);
  }
  if (options.clearStorage) clearPage();
  return inspection;
}

/** The expected fields compared with a final detection, and the present/absent paths checked. */
function checksInPage(detection: Detection, expect: InspectOptions['expect']): InPageChecks {
  const checks: InPageChecks = {};
  const compared = FIELDS.filter((f) => typeof expect?.[f] === 'string' && detection[f] !== null);
  if (compared.length > 0) {
    const results = samePairs(compared.map((f) => [expect![f] as string, detection[f] as string]));
    checks.same = Object.fromEntries(compared.map((f, i) => [f, results[i]]));
  }
  if (expect?.present?.length || expect?.absent?.length) checks.presence = checkPresence(expect.present, expect.absent);
  return checks;
}

export type ContractInspection = ContractRead & { page: PageInfo } & InPageChecks;

/**
 * An extension's answer under the contract (contract.ts) and, once it is there, the site's
 * expectations checked against it in the same script run.
 */
export function inspectContract(options: Pick<InspectOptions, 'expect' | 'clearStorage'>): ContractInspection {
  const read = readContract(document);
  const inspection: ContractInspection = { ...read, page: pageInfo() };
  if (read.state === 'answered') {
    Object.assign(inspection, checksInPage(read.detection, options.expect));
    if (options.clearStorage) clearPage();
  }
  return inspection;
}

/**
 * The in-page half of a session's reset: what the page keeps in this tab for the next page of
 * its origin (session and local storage) is cleared and its beforeunload handler dropped.
 * Returns the page's origin (`null` for an opaque one), whose other storage DevTools clears.
 */
export function clearPage(): string {
  try {
    sessionStorage.clear();
    localStorage.clear();
  } catch {
    // storage denied to this page (sandboxed, opaque origin): nothing kept
  }
  window.onbeforeunload = null;
  return location.origin;
}

/** Compares pairs of paths in one round trip: same element or not, and how each reads. */
export function samePairs(pairs: [string, string][]): SameResult[] {
  return pairs.map(([a, b]) => {
    const ra = resolveSelectorPath(a);
    const rb = resolveSelectorPath(b);
    if (ra.kind === 'frame' || rb.kind === 'frame') return { frame: true as const };
    const describe = (r: typeof ra) => (r.kind === 'element' ? describeElement(r.element) : r.kind === 'missing' ? `not found: ${r.reason}` : '');
    return { same: ra.kind === 'element' && rb.kind === 'element' && ra.element === rb.element, expected: describe(ra), detected: describe(rb) };
  });
}
