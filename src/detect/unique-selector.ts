// Short, unique and stable CSS selectors for elements the detector reports: #id when it is
// unique, then an attribute of the element ([name], [type]), else a structural path from
// the nearest ancestor with a unique id. Each is checked to match exactly one element of
// its root, so it resolves back to the same element.

function matchesOne(root: Document | ShadowRoot, selector: string, el: Element): boolean {
  try {
    const all = root.querySelectorAll(selector);
    return all.length === 1 && all[0] === el;
  } catch {
    return false;
  }
}

const esc = (s: string) => CSS.escape(s);
const attr = (name: string, value: string) => `[${name}="${value.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"]`;

/** Ids that look generated (long digit runs, hashes) change between page loads. */
function stableId(id: string): boolean {
  return id.length > 0 && id.length < 64 && !/\s/.test(id) && !/\d{5,}|[0-9a-f]{8}-[0-9a-f]{4}|^ember\d|^react-|^:r/.test(id);
}

function uniqueIdSelector(el: Element, root: Document | ShadowRoot): string | null {
  const id = el.id;
  if (!id || !stableId(id)) return null;
  const sel = `#${esc(id)}`;
  return matchesOne(root, sel, el) ? sel : null;
}

function nthOfType(el: Element): string {
  const tag = el.localName;
  let n = 1;
  for (let sib = el.previousElementSibling; sib; sib = sib.previousElementSibling) if (sib.localName === tag) n++;
  let alone = n === 1;
  if (alone) for (let sib = el.nextElementSibling; sib; sib = sib.nextElementSibling) if (sib.localName === tag) { alone = false; break; }
  return alone ? esc(tag) : `${esc(tag)}:nth-of-type(${n})`;
}

function ownSelectors(el: Element): string[] {
  const tag = esc(el.localName);
  const out: string[] = [];
  const name = el.getAttribute('name');
  if (name) out.push(`${tag}${attr('name', name)}`);
  const type = el.getAttribute('type');
  if (type && el.localName === 'input') out.push(`${tag}${attr('type', type.toLowerCase())}`);
  if (name && type) out.push(`${tag}${attr('type', type.toLowerCase())}${attr('name', name)}`);
  return out;
}

export function uniqueSelector(el: Element, root: Document | ShadowRoot): string {
  const byId = uniqueIdSelector(el, root);
  if (byId) return byId;
  const own = ownSelectors(el);
  for (const sel of own) if (matchesOne(root, sel, el)) return sel;
  // Scope the element's own selector under its form or nearest id'd ancestor.
  for (let anc = el.parentElement; anc; anc = anc.parentElement) {
    const ancSel = uniqueIdSelector(anc, root);
    if (ancSel) {
      for (const sel of own) if (matchesOne(root, `${ancSel} ${sel}`, el)) return `${ancSel} ${sel}`;
      break;
    }
  }
  // Structural path up to a unique-id ancestor or the root.
  const parts: string[] = [];
  for (let cur: Element | null = el; cur; cur = cur.parentElement) {
    const idSel = cur === el ? null : uniqueIdSelector(cur, root);
    if (idSel) {
      parts.unshift(idSel);
      break;
    }
    parts.unshift(nthOfType(cur));
    if (cur.parentElement === null || cur.localName === 'html') break;
    const candidate = parts.join(' > ');
    if (parts.length > 1 && matchesOne(root, candidate, el)) return candidate;
  }
  const sel = parts.join(' > ');
  if (matchesOne(root, sel, el)) return sel;
  // A shadow root's top-level elements have no parent element: anchor at :host's children.
  return `:scope > ${sel}`;
}
