// Fields and controls of the page, and the groups (forms or formless containers) they make.
import type { Scope } from './roots.ts';
import { lexicon, normalize, SEARCH, USERNAME } from './lexicon.ts';
import { isVisible } from './visibility.ts';

const OTHER_PURPOSE = lexicon(['search', 'query', 'keyword', 'keywords', 'newsletter', 'subscribe', 'subscriber']);

export type FieldKind = 'password' | 'text' | 'search' | 'check' | 'select' | 'textarea' | 'other';

export type Field = {
  el: HTMLElement;
  scope: Scope;
  kind: FieldKind;
  order: number;
  readonly visible: boolean;
  autocomplete: string;
};

export type Control = { el: HTMLElement; scope: Scope; order: number; visible: boolean };

export type Group = {
  container: Element;
  form: HTMLFormElement | null;
  scope: Scope;
  fields: Field[];
  controls: Control[];
};

const TEXT_TYPES = new Set(['', 'text', 'email', 'tel', 'number', 'url']);

function kindOf(el: Element): FieldKind {
  const tag = el.localName;
  if (tag === 'select') return 'select';
  if (tag === 'textarea') return 'textarea';
  if (tag !== 'input') return 'other';
  const type = (el.getAttribute('type') || '').toLowerCase().trim();
  if (type === 'password') return 'password';
  if (type === 'search') return 'search';
  if (type === 'checkbox' || type === 'radio') return 'check';
  if (TEXT_TYPES.has(type)) return 'text';
  return 'other';
}

/** Controls that can submit; links are left out since every form has a "forgot password" one. */
const SUBMIT_LIKE = 'button, input[type=submit], input[type=image], input[type=button], [role=button]';

const CONTROL_SELECTOR =
  'button, input[type=submit], input[type=image], input[type=button], a, [role=button], [role=link], [onclick], div[tabindex], span[tabindex], div[class*=btn], div[class*=button], span[class*=btn], span[class*=button], div[class*=submit], div[class*=login], span[class*=login]';

/** Walks each scope once; visibility of fields and controls is read only when needed. */
export function collect(scopes: Scope[]): { fields: Field[]; groups: Group[] } {
  const fields: Field[] = [];
  let order = 0;
  for (const scope of scopes) {
    const els = scope.root.querySelectorAll('input, select, textarea');
    for (let i = 0; i < els.length; i++) {
      const el = els[i] as HTMLElement;
      const kind = kindOf(el);
      if (kind === 'other') continue;
      let visible: boolean | undefined;
      fields.push({
        el,
        scope,
        kind,
        order: order++,
        // Layout is read only for fields whose group gets scored: pages carry hundreds of inputs.
        get visible() {
          return (visible ??= isVisible(el));
        },
        autocomplete: (el.getAttribute('autocomplete') || '').toLowerCase(),
      });
    }
  }
  return { fields, groups: buildGroups(fields) };
}

/**
 * A formless text field that says it holds the account's name (autocomplete, an e-mail type,
 * or its name, id, placeholder or aria-label); read from attributes only, since a page may
 * carry hundreds of formless inputs.
 */
function namesAccount(f: Field): boolean {
  if (f.kind !== 'text') return false;
  if (/username|webauthn|email/.test(f.autocomplete) || (f.el.getAttribute('type') || '').toLowerCase() === 'email') return true;
  const a = (n: string) => f.el.getAttribute(n) || '';
  const t = normalize(`${a('name')} ${f.el.id} ${a('placeholder')} ${a('aria-label')}`);
  return USERNAME.test(t) && !OTHER_PURPOSE.test(t) && !SEARCH.test(t);
}

const isBoundary = (el: Element) => el.localName === 'body' || el.localName === 'html' || el.localName === 'form';

/** The smallest ancestor of a formless field that also holds another field and a control. */
function formlessContainer(field: Field): Element {
  let fallback: Element | null = null;
  let cur: Element | null = field.el.parentElement;
  for (let depth = 0; cur && depth < 8 && !isBoundary(cur); depth++, cur = cur.parentElement) {
    const others = cur.querySelectorAll('input:not([type=hidden]), select, textarea');
    if (others.length > 12) break;
    const hasControl = cur.querySelector(SUBMIT_LIKE);
    if (others.length > 1 && hasControl) return cur;
    if (others.length > 1 && !fallback) fallback = cur;
    // A lone field with its button: a password-only step, or the one field of a sign-in step.
    if (hasControl && !fallback) fallback = cur;
  }
  return fallback ?? field.el.parentElement ?? field.el;
}

/** Inside a big form: the smallest ancestor of a password field that holds another field and a control. */
function localContainer(pw: Field, form: Element): Element {
  let fallback: Element | null = null;
  for (let cur = pw.el.parentElement; cur && cur !== form; cur = cur.parentElement) {
    const fields = cur.querySelectorAll('input:not([type=hidden]):not([type=checkbox]):not([type=radio]), select, textarea');
    // A login part holds a field for the account name, not just the password and its toggles.
    const hasText = Array.from(fields).some((f) => kindOf(f) === 'text');
    const hasControl = cur.querySelector(SUBMIT_LIKE);
    if (hasText && hasControl) return cur;
    if (hasText && !fallback) fallback = cur;
    if (fields.length > 8) break;
  }
  return fallback ?? form;
}

function buildGroups(fields: Field[]): Group[] {
  const byContainer = new Map<Element, Group>();
  const groupOf = (container: Element, form: HTMLFormElement | null, scope: Scope) => {
    let g = byContainer.get(container);
    if (!g) {
      g = { container, form, scope, fields: [], controls: [] };
      byContainer.set(container, g);
    }
    return g;
  };
  // Formless groups are anchored on password fields and on text fields that say they hold
  // a username; a lone formless text box is far more often search or newsletter.
  for (const f of fields) {
    const form = (f.el as HTMLInputElement).form;
    if (form) groupOf(form, form, f.scope).fields.push(f);
  }
  // One <form> around a whole page (ASP.NET, portals) holds search, login and sign-up at
  // once: judge each password field with only the fields around it.
  for (const g of Array.from(byContainer.values())) {
    const passwords = g.fields.filter((f) => f.kind === 'password');
    const inputs = g.fields.filter((f) => f.kind !== 'check').length;
    // A search or newsletter box in the same form as a password is the sign of a wrapper form.
    const mixed = g.fields.some((f) => f.kind === 'search' || ((f.kind === 'text' || f.kind === 'other') && OTHER_PURPOSE.test(normalize(`${f.el.getAttribute('name') || ''} ${f.el.id}`).replace(/\d+/g, ' '))));
    if (passwords.length === 0 || (inputs <= 6 && passwords.length === 1 && !mixed)) continue;
    byContainer.delete(g.container);
    for (const pw of passwords) {
      if (Array.from(byContainer.values()).some((o) => o.form === g.form && o.container.contains(pw.el))) continue;
      const container = localContainer(pw, g.container);
      const sub = groupOf(container, g.form, g.scope);
      for (const f of g.fields) if (container.contains(f.el) && !sub.fields.includes(f)) sub.fields.push(f);
    }
  }
  const formless = fields.filter((f) => !(f.el as HTMLInputElement).form);
  // Password fields first, so that a username before its password joins the password's group.
  const anchors = [...formless.filter((f) => f.kind === 'password'), ...formless.filter(namesAccount).slice(0, 20)];
  for (const a of anchors) {
    if (Array.from(byContainer.values()).some((g) => !g.form && g.container.contains(a.el))) continue;
    const container = formlessContainer(a);
    const g = groupOf(container, null, a.scope);
    for (const f of formless) if (container.contains(f.el) && !g.fields.includes(f)) g.fields.push(f);
  }
  const groups = Array.from(byContainer.values());
  for (const g of groups) {
    g.fields.sort((a, b) => a.order - b.order);
    collectControls(g);
  }
  return groups;
}

function collectControls(g: Group): void {
  const seen = new Set<Element>();
  const add = (el: Element) => {
    if (seen.has(el) || seen.size > 80) return;
    seen.add(el);
    g.controls.push({ el: el as HTMLElement, scope: g.scope, order: 0, visible: false });
  };
  // Buttons first: a form around a whole page holds hundreds of links before its one button.
  g.container.querySelectorAll(SUBMIT_LIKE).forEach(add);
  g.container.querySelectorAll(CONTROL_SELECTOR).forEach(add);
  // A form's buttons are the ones the browser submits it with, wherever the markup put them:
  // in table layouts the parser closes a <form> at once, and its fields and button follow it.
  if (g.form && g.container === g.form) {
    for (const el of Array.from(g.form.elements)) if (el.matches('button, input[type=submit], input[type=image]')) add(el);
  }
  if (g.form && g.form.id) {
    const root = g.scope.root;
    root.querySelectorAll(`[form="${CSS.escape(g.form.id)}"]`).forEach((el) => {
      if (el.matches('button, input[type=submit], input[type=image]')) add(el);
    });
  }
  // The button of a group that shows none often sits just after it: a formless group's, one
  // part of a page-wide form's, or the button row a script submits a form from (after the
  // form, or after the box that holds only the form).
  // A hidden submit input (there for the Enter key) is not the button people click.
  if (!g.controls.some((c) => c.el.matches(SUBMIT_LIKE) && isVisible(c.el))) {
    const parent = g.container.parentElement;
    const starts = [g.container];
    if (g.container === g.form && parent && !isBoundary(parent) && parent.querySelectorAll('form').length === 1) starts.push(parent);
    for (const start of starts) {
      let sib = start.nextElementSibling;
      for (let n = 0; sib && n < 3; n++, sib = sib.nextElementSibling) {
        if (sib.matches('button, input[type=submit], input[type=image], a, [role=button]')) add(sib);
        sib.querySelectorAll('button, input[type=submit], input[type=image], [role=button]').forEach(add);
      }
    }
  }
  // Nested clickables are one control: an <input> inside an <a> or a styled <div> is the
  // control, and so is a <button> around a <span>; otherwise the innermost wins.
  // An element declared a button (role=button) is one control with whatever it holds.
  const real = (el: Element) => el.localName === 'button' || el.localName === 'input' || el.getAttribute('role') === 'button';
  g.controls.sort((a, b) => (a.el.compareDocumentPosition(b.el) & Node.DOCUMENT_POSITION_FOLLOWING ? -1 : 1));
  g.controls = g.controls.filter((c) => {
    for (const o of g.controls) {
      if (o === c) continue;
      if (c.el.contains(o.el) && (real(o.el) || !real(c.el))) return false;
      if (o.el.contains(c.el) && real(o.el) && !real(c.el)) return false;
    }
    return true;
  });
  let i = 0;
  for (const c of g.controls) c.order = i++;
}
