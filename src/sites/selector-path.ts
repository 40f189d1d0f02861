// Node-side parsing and validation of selector paths (README.md, "Site lists"): CSS segments
// joined by ` >>> `, each entering the open shadow root or iframe document of the element
// matched so far.
import { createParser } from 'css-selector-parser';
import { splitSelectorPath } from '../detect/path-split.ts';

export { joinSelectorPath, PATH_SEPARATOR, splitSelectorPath } from '../detect/path-split.ts';

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

// Chromium's grammar, not a lenient one: a selector the validator lets through must not make
// querySelector throw in the middle of a run. Namespaces need a declaration querySelector
// cannot make; vendor pseudo-classes login forms are styled with are known to Chromium.
const parseSelector = createParser({
  syntax: {
    baseSyntax: 'latest',
    namespace: false,
    pseudoClasses: { definitions: { NoArgument: ['-webkit-autofill', '-webkit-any-link'] } },
  },
  strict: true,
});

function cssProblem(selector: string): string | null {
  // The usual slips, in words a person reads faster than the parser's.
  if (/^\s*[>+~]/.test(selector)) return 'starts with a combinator';
  if (/[>+~]\s*$/.test(selector)) return 'ends with a combinator';
  let rules;
  try {
    rules = parseSelector(selector).rules;
  } catch (err) {
    const reason = (err instanceof Error ? err.message : String(err))
      .replace(/^css-selector-parser parse error: /, '')
      .replace(/\.? Pos: (\d+)\.$/, (_, at: string) => ` at character ${Number(at) + 1}`);
    return `not a valid CSS selector (${reason})`;
  }
  if (rules.length !== 1) return 'a selector list (comma) cannot name one element; use one selector';
  return null;
}
