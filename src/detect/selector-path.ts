// Node-side parsing and validation of selector paths (DESIGN.md "Site lists"): CSS segments
// joined by ` >>> `, each entering the open shadow root or iframe document of the element
// matched so far.
import { isTraversal, parse } from 'css-what';
import { splitSelectorPath } from './path-split.ts';

export { joinSelectorPath, PATH_SEPARATOR, splitSelectorPath } from './path-split.ts';

export class SelectorPathError extends Error {}

/** The CSS segments of `path`; throws SelectorPathError saying what is wrong. */
export function parseSelectorPath(path: string): string[] {
  const problem = validateSelectorPath(path);
  if (problem !== null) throw new SelectorPathError(problem);
  return splitSelectorPath(path);
}

/** null when `path` is a valid selector path, else what is wrong with it. */
export function validateSelectorPath(path: string): string | null {
  if (typeof path !== 'string') return 'a selector path must be a string';
  if (path.trim() === '') return 'a selector path must not be empty';
  const segments = splitSelectorPath(path);
  for (let i = 0; i < segments.length; i++) {
    const segment = segments[i] ?? '';
    const where = segments.length > 1 ? `segment ${i + 1} of ${segments.length}` : 'selector';
    if (segment === '') return `${where} is empty (write ' >>> ' only between two selectors)`;
    const problem = cssProblem(segment);
    if (problem) return `${where} '${segment}': ${problem}`;
  }
  return null;
}

function cssProblem(selector: string): string | null {
  let groups;
  try {
    groups = parse(selector);
  } catch (err) {
    return `not a valid CSS selector (${err instanceof Error ? err.message : String(err)})`;
  }
  if (groups.length !== 1) return 'a selector list (comma) cannot name one element; use one selector';
  const tokens = groups[0] ?? [];
  if (tokens.length === 0) return 'not a valid CSS selector';
  const last = tokens[tokens.length - 1];
  // css-what accepts a dangling combinator (`form >`), which browsers refuse.
  if (last && isTraversal(last)) {
    return 'ends with a combinator';
  }
  if (/^\s*[>+~]/.test(selector)) return 'starts with a combinator';
  return null;
}
