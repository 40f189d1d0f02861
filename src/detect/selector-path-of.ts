// The selector path of an element, as site lists write them: one CSS segment per document or
// open shadow root, joined by ` >>> `, from the document the script runs in.
import { joinSelectorPath } from './path-split.ts';
import { uniqueSelector } from './unique-selector.ts';

/**
 * The path from `document` (the one the script runs in: the top document, or the cross-origin
 * frame the driver entered) to `el`, through shadow roots and same-origin frames.
 */
export function selectorPath(el: Element): string {
  const segments: string[] = [];
  for (let cur: Element | null = el; cur; ) {
    const root = cur.getRootNode();
    if (root.nodeType === Node.DOCUMENT_FRAGMENT_NODE && 'host' in root) {
      segments.unshift(uniqueSelector(cur, root as ShadowRoot));
      cur = (root as ShadowRoot).host;
      continue;
    }
    if (root.nodeType !== Node.DOCUMENT_NODE) throw new Error(`selectorPath: <${el.localName}> is not in a document`);
    const doc = root as Document;
    segments.unshift(uniqueSelector(cur, doc));
    if (doc === document) return joinSelectorPath(segments);
    // A same-origin frame's document: go on from its frame element in the parent document.
    cur = doc.defaultView?.frameElement ?? null;
  }
  throw new Error(`selectorPath: <${el.localName}> is in a frame outside the document the detector runs in`);
}
