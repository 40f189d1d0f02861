// Splitting a selector path into its CSS segments. Shared by the browser bundle and Node,
// so it has no dependencies.

export const PATH_SEPARATOR = ' >>> ';

/**
 * Splits on ` >>> ` outside quotes, brackets and parentheses, so that an attribute value
 * such as `[title=" >>> "]` stays one segment. Segments are trimmed, empty ones kept (the
 * validator reports them).
 */
export function splitSelectorPath(path: string): string[] {
  const segments: string[] = [];
  let depth = 0;
  let quote: string | null = null;
  let start = 0;
  for (let i = 0; i < path.length; i++) {
    const c = path[i];
    if (c === '\\') {
      i++;
      continue;
    }
    if (quote) {
      if (c === quote) quote = null;
      continue;
    }
    if (c === '"' || c === "'") quote = c;
    else if (c === '[' || c === '(') depth++;
    else if ((c === ']' || c === ')') && depth > 0) depth--;
    else if (depth === 0 && c === '>' && path.startsWith('>>>', i) && /\s/.test(path[i - 1] ?? '') && /\s/.test(path[i + 3] ?? '')) {
      segments.push(trimSegment(path.slice(start, i)));
      start = i + 3;
      i += 2;
    }
  }
  segments.push(trimSegment(path.slice(start)));
  return segments;
}

/** Trims, but keeps an escaped trailing space (`#username\ ` names id "username "). */
function trimSegment(s: string): string {
  const t = s.replace(/^\s+/, '');
  let end = t.length;
  while (end > 0 && /\s/.test(t[end - 1]!) && t[end - 2] !== '\\') end--;
  return t.slice(0, end);
}

export function joinSelectorPath(segments: string[]): string {
  return segments.join(PATH_SEPARATOR);
}
