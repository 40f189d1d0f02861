// Entry point of the browser bundle: what the wrappers in bundle.ts call.
import { detect, detectWithMeta, explain } from './detect.ts';
import { describeElement, resolveSelectorPath } from './resolve.ts';
import { isVisible } from './visibility.ts';

export { detect, detectWithMeta, explain };

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

/** Compares pairs of paths in one round trip: same element or not, and how each reads. */
export function samePairs(pairs: [string, string][]): ({ same: boolean; expected: string; detected: string } | { frame: true })[] {
  return pairs.map(([a, b]) => {
    const ra = resolveSelectorPath(a);
    const rb = resolveSelectorPath(b);
    if (ra.kind === 'frame' || rb.kind === 'frame') return { frame: true as const };
    const describe = (r: typeof ra) => (r.kind === 'element' ? describeElement(r.element) : r.kind === 'missing' ? `not found: ${r.reason}` : '');
    return { same: ra.kind === 'element' && rb.kind === 'element' && ra.element === rb.element, expected: describe(ra), detected: describe(rb) };
  });
}
