// The words around a field, control or form, normalised for the lexicons.
import { normalize } from './lexicon.ts';

const MAX = 400;

function clip(s: string | null | undefined, max = MAX): string {
  if (!s) return '';
  return s.length > max ? s.slice(0, max) : s;
}

/**
 * The first `max` characters of an element's text, without reading the rest: textContent of
 * a form that wraps a whole page would build a string of the whole page.
 */
export function ownText(el: Element, max = MAX): string {
  const doc = el.ownerDocument;
  const walker = doc.createTreeWalker(el, NodeFilter.SHOW_TEXT);
  let out = '';
  for (let n = walker.nextNode(); n && out.length < max; n = walker.nextNode()) {
    const parent = n.parentElement;
    if (parent && (parent.localName === 'style' || parent.localName === 'script' || parent.localName === 'noscript')) continue;
    const t = n.nodeValue;
    if (t && t.trim()) out += (out ? ' ' : '') + t.trim();
  }
  return out.replace(/\s+/g, ' ').slice(0, max);
}

/** Label text of a field: <label for>, wrapping label, aria-labelledby, or a text just before it. */
export function labelText(el: Element): string {
  const parts: string[] = [];
  const labels = (el as HTMLInputElement).labels;
  if (labels) for (const l of Array.from(labels)) parts.push(ownText(l, 120));
  const by = labelledBy(el, 120);
  if (by) parts.push(by);
  if (parts.length === 0) {
    // Table layouts and bare text: the nearest preceding text within a couple of levels.
    let cur: Element | null = el;
    for (let depth = 0; depth < 3 && cur && parts.length === 0; depth++) {
      for (let sib = cur.previousElementSibling, n = 0; sib && n < 2; sib = sib.previousElementSibling, n++) {
        if (sib.querySelector('input, select, textarea')) break;
        const t = ownText(sib, 80);
        if (t) {
          parts.push(t);
          break;
        }
      }
      if (parts.length === 0) {
        const prevText = cur.previousSibling;
        if (prevText && prevText.nodeType === 3 && prevText.textContent?.trim()) parts.push(clip(prevText.textContent, 80));
      }
      cur = cur.parentElement;
      if (cur && cur.querySelectorAll('input, select, textarea').length > 1) break;
    }
  }
  return parts.join(' ');
}

/** Attributes and labels of a field, in one normalised string. */
export function fieldText(el: Element): string {
  const a = (n: string) => el.getAttribute(n) || '';
  return normalize(
    // Old pages put the label in the value ("login", "пароль") and clear it on focus.
    [a('name'), a('id'), a('placeholder'), a('aria-label'), a('title'), a('autocomplete'), a('data-testid'), a('value').slice(0, 40), labelText(el)].join(' '),
  );
}

/** What a control says to a person: its text, value, alt of an image, aria-label, title. */
function controlWords(el: Element): string {
  let words = wordsCache.get(el);
  if (words === undefined) wordsCache.set(el, (words = readControlWords(el)));
  return words;
}
const wordsCache = new WeakMap<Element, string>();

function readControlWords(el: Element): string {
  const a = (n: string) => el.getAttribute(n) || '';
  const img = el.querySelector('img[alt]');
  const words = [ownText(el, 80), a('value'), a('alt'), a('aria-label'), a('title'), img ? img.getAttribute('alt') : '', labelledBy(el)].join(' ').trim();
  return words || iconWords(el);
}

/** Text of the elements aria-labelledby names. */
function labelledBy(el: Element, max = 80): string {
  const by = el.getAttribute('aria-labelledby');
  if (!by) return '';
  const root = el.getRootNode() as Document | ShadowRoot;
  return by
    .split(/\s+/)
    .map((id) => (id && root.getElementById ? root.getElementById(id) : null))
    .map((ref) => (ref ? ownText(ref, max) : ''))
    .filter(Boolean)
    .join(' ');
}

/**
 * A control with no text of its own: an icon inside it named by aria-label or title, or
 * words the stylesheet puts in ::before or ::after, which innerText does not show.
 */
function iconWords(el: Element): string {
  const named = el.querySelector('[aria-label], [title], svg title');
  if (named) {
    const t = named.getAttribute('aria-label') || named.getAttribute('title') || named.textContent || '';
    if (t.trim()) return t;
  }
  const view = el.ownerDocument.defaultView;
  if (!view) return '';
  const parts: string[] = [];
  const boxes = [el, ...Array.from(el.querySelectorAll('*')).slice(0, 2)];
  for (const box of boxes) {
    for (const pseudo of ['::before', '::after']) {
      const content = view.getComputedStyle(box, pseudo).content;
      // Computed content is `none`, `normal` or quoted strings ("Log in", "\\e900" icons).
      for (const m of content.matchAll(/"((?:[^"\\]|\\.)*)"/g)) parts.push(m[1]!);
    }
  }
  return parts.join(' ');
}

/** The words a control shows, normalised: what a person reads on it. */
export function controlLabel(el: Element): string {
  return normalize(controlWords(el));
}

/** Text of a clickable control: what it shows, and its name, id and class. */
export function controlText(el: Element): string {
  const a = (n: string) => el.getAttribute(n) || '';
  return normalize([controlWords(el), a('name'), a('id'), a('class').slice(0, 80)].join(' '));
}
