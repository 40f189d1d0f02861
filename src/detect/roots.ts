// The documents and open shadow roots of a page that a script can reach: the top
// document, every open shadow root, and the documents of same-origin iframes.

export type Scope = {
  root: Document | ShadowRoot;
  /** Selector-path segments that lead to this root's host (empty for the top document). */
  prefix: string[];
};

export type CrossOriginFrame = { prefix: string[]; frame: HTMLIFrameElement | HTMLFrameElement };

export function frameDocument(frame: Element): Document | null {
  try {
    const doc = (frame as HTMLIFrameElement).contentDocument;
    // Reading a cross-origin frame's document yields null (or throws in some builds).
    return doc && doc.documentElement ? doc : null;
  } catch {
    return null;
  }
}

/**
 * Every scope under `top`, depth first. `selectorFor` names a host or frame element inside
 * its own root (passed in so that this module stays free of selector logic).
 */
export function collectScopes(
  top: Document,
  selectorFor: (el: Element, root: Document | ShadowRoot) => string,
  crossOrigin: CrossOriginFrame[] = [],
): Scope[] {
  const scopes: Scope[] = [];
  const visit = (root: Document | ShadowRoot, prefix: string[], depth: number) => {
    scopes.push({ root, prefix });
    if (depth > 8) return;
    // Shadow hosts can be any element, so every element is looked at; reading .shadowRoot is cheap.
    const all = root.querySelectorAll('*');
    for (let i = 0; i < all.length; i++) {
      const el = all[i] as Element;
      const shadow = el.shadowRoot;
      if (shadow) visit(shadow, [...prefix, selectorFor(el, root)], depth + 1);
      const tag = el.localName;
      if (tag === 'iframe' || tag === 'frame') {
        const doc = frameDocument(el);
        if (doc) visit(doc, [...prefix, selectorFor(el, root)], depth + 1);
        else crossOrigin.push({ prefix: [...prefix, selectorFor(el, root)], frame: el as HTMLIFrameElement });
      }
    }
  };
  visit(top, [], 0);
  return scopes;
}
