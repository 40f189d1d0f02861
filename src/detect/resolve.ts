// Resolving a selector path in the page: the same rules for expectations, steps and the
// detector's own output.
import { splitSelectorPath } from './path-split.ts';
import { frameDocument } from './roots.ts';

export type Resolution =
  | { kind: 'element'; element: Element; count: number }
  /** The path goes on inside a cross-origin frame: the driver must switch into `frame`. */
  | { kind: 'frame'; frame: Element; rest: string }
  | { kind: 'missing'; segment: number; reason: string };

export function resolveSelectorPath(path: string, top: Document = document): Resolution {
  const segments = splitSelectorPath(path);
  let root: Document | ShadowRoot = top;
  for (let i = 0; i < segments.length; i++) {
    const segment = segments[i] ?? '';
    let matches: NodeListOf<Element>;
    try {
      matches = root.querySelectorAll(segment);
    } catch {
      return { kind: 'missing', segment: i, reason: `'${segment}' is not a valid selector` };
    }
    const el = matches[0];
    if (!el) return { kind: 'missing', segment: i, reason: `'${segment}' matches nothing` };
    if (i === segments.length - 1) return { kind: 'element', element: el, count: matches.length };
    if (el.shadowRoot) {
      root = el.shadowRoot;
      continue;
    }
    if (el.localName === 'iframe' || el.localName === 'frame') {
      const doc = frameDocument(el);
      if (doc) {
        root = doc;
        continue;
      }
      return { kind: 'frame', frame: el, rest: segments.slice(i + 1).join(' >>> ') };
    }
    return { kind: 'missing', segment: i, reason: `'${segment}' matches <${el.localName}>, which has no open shadow root or frame to enter` };
  }
  return { kind: 'missing', segment: 0, reason: 'empty path' };
}

/** A short human name for an element: `input#pw`, `input[name=user]`, `button "Log in"`. */
export function describeElement(el: Element): string {
  const tag = el.localName;
  if (el.id) return `${tag}#${el.id}`;
  const name = el.getAttribute('name');
  if (name) return `${tag}[name=${name}]`;
  const type = el.getAttribute('type');
  const text = (el.textContent || (el as HTMLInputElement).value || '').trim().replace(/\s+/g, ' ').slice(0, 30);
  return `${tag}${type ? `[type=${type}]` : ''}${text ? ` "${text}"` : ''}`;
}
