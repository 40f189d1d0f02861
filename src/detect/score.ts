// Scoring: each group gets a login score from the evidence of its fields, controls, words
// and structure; inside the best group, each text field a username score and each control a
// submit score. Weights are plain numbers tuned on a labelled corpus and kept few.
import type { Control, Field, Group } from './candidates.ts';
import {
  ACCOUNT_ACTION, CONFIRM, FORGOT, LOGIN, NEWSLETTER, NEXT, NOT_SUBMIT, ONE_TIME, PASSWORD_WORDS, PAYMENT, PHONE, PROFILE,
  RECOVERY, REMEMBER, SEARCH, SIGNUP, USERNAME, normalize, type Lexicon,
} from './lexicon.ts';
import { controlLabel, controlText, fieldText, ownText } from './text.ts';
import { imageButtonWithoutPicture, isVisible } from './visibility.ts';

type Scored<T> = { item: T; score: number };

export type GroupVerdict = {
  group: Group;
  score: number;
  signals: string[];
  passwords: Field[];
  username: Field | null;
  submit: Control | null;
  kind: 'password' | 'username-first';
  /** The group's own evidence says it signs a new user up. */
  signup: boolean;
};

const follows = (a: Element, b: Element) => (a.compareDocumentPosition(b) & Node.DOCUMENT_POSITION_FOLLOWING) !== 0;

/**
 * A text field that stands in for the password beside it: old pages show a plain box
 * reading "Password" until focus swaps in the real one, and "show password" toggles keep
 * a text twin of the field. Neither is a second field to fill in.
 */
function passwordStandIn(f: Field): boolean {
  const t = fieldText(f.el);
  return PASSWORD_WORDS.test(t) && !USERNAME.test(t);
}

function containerWords(g: Group): string {
  const parts: string[] = [];
  let el: Element | null = g.container;
  for (let depth = 0; el && depth < 4; depth++, el = el.parentElement) {
    if (el.localName === 'body' || el.localName === 'html') break;
    parts.push(el.id, typeof el.className === 'string' ? el.className : '', el.getAttribute('name') || '', el.getAttribute('aria-label') || '');
    if (el.localName === 'form') parts.push(el.getAttribute('action') || '');
  }
  return normalize(parts.join(' '));
}

const HEADING = 'h1, h2, h3, h4, h5, h6, legend, [role=heading], [class*=title], [class*=heading], [class*=header]';

/** Headings inside the group, else the nearest one before it. */
function headingWords(g: Group): string {
  const inside = g.container.querySelectorAll(HEADING);
  const parts: string[] = [];
  for (let i = 0; i < inside.length && i < 3; i++) parts.push(ownText(inside[i] as Element, 80));
  if (parts.length === 0) {
    let cur: Element | null = g.container;
    for (let depth = 0; cur && depth < 3 && parts.length === 0; depth++, cur = cur.parentElement) {
      for (let sib = cur.previousElementSibling, n = 0; sib && n < 3; sib = sib.previousElementSibling, n++) {
        const h = sib.matches(HEADING) ? sib : sib.querySelector('h1, h2, h3, h4, h5, h6, legend');
        if (h) {
          parts.push(ownText(h, 80));
          break;
        }
      }
    }
  }
  return normalize(parts.join(' '));
}

/**
 * Whether a control says `lex` and not `other`. What it shows a person decides; its id and
 * class count only when its words say neither (a "ورود" button with id `login-register`).
 */
function says(el: Element, text: string, lex: Lexicon, other: Lexicon): boolean {
  const label = controlLabel(el);
  const t = label && (lex.test(label) || other.test(label)) ? label : text;
  return lex.test(t) && !other.test(t);
}

/** A link to sign up just below the box ("New here? Create an account"). */
function signupLinkAfter(container: Element): boolean {
  let sib = container.nextElementSibling;
  for (let n = 0; sib && n < 2; n++, sib = sib.nextElementSibling) {
    const links = sib.localName === 'a' ? [sib] : Array.from(sib.querySelectorAll('a[href]')).slice(0, 3);
    if (links.some((a) => SIGNUP.test(controlText(a)))) return true;
  }
  return false;
}

const titles = new WeakMap<Document, boolean>();
const titleSaysLogin = (doc: Document) => {
  let t = titles.get(doc);
  if (t === undefined) titles.set(doc, (t = LOGIN.test(normalize(doc.title))));
  return t;
};

const purposes = new WeakMap<Document, 'signup' | 'login' | 'other'>();

/** What the page says it is for, from its title and first heading. */
function pagePurpose(doc: Document): 'signup' | 'login' | 'other' {
  let p = purposes.get(doc);
  if (!p) {
    const h1 = doc.querySelector('h1');
    const text = normalize(`${doc.title} ${h1 ? ownText(h1, 100) : ''}`);
    p = LOGIN.test(text) ? 'login' : SIGNUP.test(text) ? 'signup' : 'other';
    purposes.set(doc, p);
  }
  return p;
}

export function scoreGroup(g: Group): GroupVerdict {
  const signals: string[] = [];
  let s = 0;
  const add = (w: number, why: string) => {
    s += w;
    signals.push(`${why} ${w > 0 ? '+' : ''}${w}`);
  };
  const visibleFields = g.fields.filter((f) => f.visible);
  const anyVisible = visibleFields.length > 0;
  // When nothing in the group renders (offline copies without their CSS), judge it as if it did.
  const pool = anyVisible ? visibleFields : g.fields;
  const passwords = pool.filter((f) => f.kind === 'password');
  const texts = pool.filter((f) => f.kind === 'text' && !(passwords.length && passwordStandIn(f)));
  const searches = pool.filter((f) => f.kind === 'search');
  const selects = pool.filter((f) => f.kind === 'select');
  const textareas = pool.filter((f) => f.kind === 'textarea');
  const checks = pool.filter((f) => f.kind === 'check');
  const kind: GroupVerdict['kind'] = passwords.length ? 'password' : 'username-first';

  if (!anyVisible) {
    // A closed <dialog> or an inert subtree is the author saying "not now"; other hiding
    // may be a saved copy missing its stylesheets or scripts, so it only weighs against.
    const el = g.fields[0]?.el;
    if (el && el.closest('dialog:not([open]), [inert]')) add(-10, 'hidden-by-author');
    // A hidden <form> of its own is often a sign-in pop-up that a click opens. Hidden fields
    // without one (formless, or one part of a page-wide form) are a widget nobody has opened,
    // and the group around them is only a guess: nothing usable now, little to go on.
    else if (g.container !== g.form) add(-7.5, 'hidden-without-own-form');
    else add(-2.5, 'not-visible');
  }
  const words = containerWords(g);
  const heading = headingWords(g);
  const inner = normalize(ownText(g.container, 1500));
  const controlTexts = g.controls.map((c) => controlText(c.el));

  if (passwords.length === 1) add(4, 'one-password');
  else if (passwords.length === 2) add(-3, 'two-passwords');
  else if (passwords.length > 2) add(-6, 'many-passwords');

  const pwTexts = passwords.map((p) => fieldText(p.el));
  const ac = pool.map((f) => f.autocomplete).join(' ');
  if (/current-password/.test(ac)) add(3, 'autocomplete-current-password');
  if (/new-password/.test(ac)) add(-4, 'autocomplete-new-password');
  if (/one-time-code/.test(ac)) add(-4, 'autocomplete-one-time-code');
  if (/\bcc-|\bcsc\b/.test(ac)) add(-5, 'autocomplete-payment');
  if (/\busername\b/.test(ac)) add(1.5, 'autocomplete-username');
  // A field the page marks current-password is the account's password, whatever its label.
  if (passwords.some((p, i) => CONFIRM.test(pwTexts[i]!) && !/current-password/.test(p.autocomplete))) add(-3, 'confirm-or-new-password-field');
  // A masked field that asks for the code just sent is a second factor, not the password.
  if (passwords.length === 1 && pwTexts.some((t) => ONE_TIME.test(t) && !PASSWORD_WORDS.test(t))) add(-5, 'code-field');

  const nText = texts.length;
  if (kind === 'password') {
    if (nText === 0) add(0, 'no-username');
    else if (nText === 1) add(1.5, 'one-text-field');
    else if (nText === 2) add(0, 'two-text-fields');
    else if (nText === 3) add(-1.5, 'three-text-fields');
    else add(-3 - Math.min(nText - 4, 3), 'many-text-fields');
  } else {
    if (nText === 1) add(1, 'one-text-field');
    else add(-4, 'not-one-text-field');
  }
  if (selects.length) add(-Math.min(selects.length, 3), 'selects');
  if (textareas.length) add(-2, 'textarea');
  if (searches.length && !passwords.length) add(-3, 'search-field');

  // The one field of a sign-in step may ask for a phone number: the account's name in much of the world.
  const profileFields = texts.filter((f) => {
    if (kind === 'username-first') return false;
    const t = fieldText(f.el);
    return PROFILE.test(t) && !USERNAME.test(t);
  }).length;
  if (profileFields) add(-1.5 * Math.min(profileFields, 3), 'profile-fields');

  // Words on the controls speak loudest: a "Sign up" button makes a sign-up form.
  // A link to another page ("Create account", "Already a member? Log in") is navigation; what
  // submits here speaks for the form.
  const submitsHere = (c: Control) => c.el.localName !== 'a' || !/^(?!#|javascript:)./i.test(c.el.getAttribute('href') || '');
  const loginControl = g.controls.some((c, i) => submitsHere(c) && says(c.el, controlTexts[i]!, LOGIN, SIGNUP));
  const signupControl = g.controls.some((c, i) => submitsHere(c) && says(c.el, controlTexts[i]!, SIGNUP, LOGIN));
  if (loginControl) add(2.5, 'login-button');
  if (words && LOGIN.test(words)) add(2, 'login-form-name');
  if (heading && LOGIN.test(heading)) add(1.5, 'login-heading');
  if (!loginControl && inner && LOGIN.test(inner)) add(1, 'login-words');
  const userText = texts.length === 1 ? fieldText(texts[0]!.el) : '';
  if (anyVisible && passwords.length === 1 && pwTexts[0] && PASSWORD_WORDS.test(pwTexts[0]) && USERNAME.test(userText)) add(1, 'labelled-fields');
  if (REMEMBER.test(inner) || checks.some((c) => REMEMBER.test(fieldText(c.el)))) add(1.5, 'remember-me');
  if (FORGOT.test(inner) || controlTexts.some((t) => FORGOT.test(t))) add(1, 'forgot-link');

  if (signupControl && !loginControl) add(-3, 'signup-button');
  if (words && SIGNUP.test(words) && !LOGIN.test(words)) add(-2.5, 'signup-form-name');
  if (heading && SIGNUP.test(heading) && !LOGIN.test(heading)) add(-2, 'signup-heading');
  if (/\b(terms|agree|privacy|conditions|cgu|agb|datenschutz|condiciones|termos)\b/.test(inner) && checks.length) add(-1.5, 'terms-checkbox');
  if (words && RECOVERY.test(words) && !LOGIN.test(words)) add(-2, 'recovery-form-name');
  if (heading && RECOVERY.test(heading) && !LOGIN.test(heading)) add(-2, 'recovery-heading');
  if ((words && SEARCH.test(words)) || controlTexts.some((t) => SEARCH.test(t) && !LOGIN.test(t))) add(passwords.length ? -1 : -3, 'search');
  if ((words && NEWSLETTER.test(words)) || controlTexts.some((t) => NEWSLETTER.test(t))) add(passwords.length ? -1 : -3, 'newsletter');
  if (pool.some((f) => /\bcc-/.test(f.autocomplete) || PAYMENT.test(fieldText(f.el))) || controlTexts.some((t) => PAYMENT.test(t))) add(-2.5, 'payment');
  // A page titled for sign-up may carry a small login box, but the page is not a login page.
  const purpose = pagePurpose(g.container.ownerDocument);
  if (purpose === 'signup' && kind === 'password') add(anyVisible ? -1.5 : -4, anyVisible ? 'signup-page' : 'hidden-on-signup-page');
  if (pwTexts.some((t) => SIGNUP.test(t))) add(-3, 'signup-password-field');

  if (kind === 'username-first') {
    // Without a password field only explicit evidence makes a sign-in step: newsletter,
    // recovery and search boxes also ask for one e-mail address.
    const t = texts[0];
    const ft = t ? fieldText(t.el) : '';
    const type = t ? (t.el.getAttribute('type') || '').toLowerCase() : '';
    if (t && /username|webauthn/.test(t.autocomplete)) add(3, 'username-autocomplete-field');
    else if (t && (/email/.test(t.autocomplete) || type === 'email' || USERNAME.test(ft))) add(1.5, 'username-field');
    else if (t && (type === 'tel' || /\btel\b/.test(t.autocomplete) || PHONE.test(ft))) add(1, 'phone-field');
    else add(-3, 'no-username-field');
    const loginHeading = heading !== '' && LOGIN.test(heading);
    const loginName = words !== '' && LOGIN.test(words);
    // Offering to remember the account's name says the box is for members, whatever its heading.
    const remember = checks.some((c) => REMEMBER.test(fieldText(c.el)));
    // The page's title names the step even when the box has a heading of its own.
    if (!loginControl && (titleSaysLogin(g.container.ownerDocument) || (purpose === 'login' && !loginHeading))) add(1.5, 'login-page');
    if (!loginControl && !loginHeading && !loginName && !remember && purpose !== 'login') add(-4, 'no-login-words');
    const pageSaysLogin = titleSaysLogin(g.container.ownerDocument) || purpose === 'login';
    if (g.controls.some((c, i) => NEXT.test(controlTexts[i]!) && !SIGNUP.test(controlLabel(c.el)))) add(1.5, 'next-button');
    else if (!loginControl) add(-2, 'no-next-button');
    // A first sign-in step goes on with "Next" or stands under a sign-in heading or title; a
    // one-field "Log in" box with neither sits beside the page's content (a subscriber check).
    else if (!loginHeading && !pageSaysLogin) add(-1.5, 'no-sign-in-step');
    // "Create account" offered as a link beside the box says the box itself is for members.
    if (g.controls.some((c, i) => !submitsHere(c) && SIGNUP.test(controlTexts[i]!)) || signupLinkAfter(g.container)) add(1, 'sign-up-link-beside');
    // A page titled "Lost password" asks for the account's name to send a reset, not to sign in.
    const recoveryTitle = RECOVERY.test(normalize(g.container.ownerDocument.title));
    if (recoveryTitle || RECOVERY.test(words) || RECOVERY.test(heading) || controlTexts.some((ct) => RECOVERY.test(ct))) add(-4, 'recovery');
    if (NEWSLETTER.test(words) || NEWSLETTER.test(heading) || NEWSLETTER.test(ft)) add(-3, 'newsletter-field');
  }

  const username = pickUsername(pool, passwords);
  const submit = pickSubmit(g, passwords[passwords.length - 1] ?? username?.item ?? null);
  // A form whose button saves, changes or closes something edits an account someone is signed in to.
  const submitLabel = submit ? controlLabel(submit.item.el) : '';
  if (submitLabel && ACCOUNT_ACTION.test(submitLabel) && !LOGIN.test(submitLabel)) add(-4, 'account-action-button');
  if (heading && ACCOUNT_ACTION.test(heading) && !LOGIN.test(heading)) add(-2, 'account-settings-heading');
  const signup =
    kind === 'password' &&
    (passwords.length > 1 || /new-password/.test(ac) || pwTexts.some((t) => SIGNUP.test(t)) || (signupControl && !loginControl) || (words !== '' && SIGNUP.test(words) && !LOGIN.test(words)));
  return { group: g, score: s, signals, passwords, username: username?.item ?? null, submit: submit?.item ?? null, kind, signup };
}

function pickUsername(pool: Field[], passwords: Field[]): Scored<Field> | null {
  const pw = passwords[0];
  let best: Scored<Field> | null = null;
  const texts = pool.filter((f) => f.kind === 'text' && !(pw && passwordStandIn(f)));
  for (const f of texts) {
    let s = 0;
    const t = fieldText(f.el);
    const type = (f.el.getAttribute('type') || '').toLowerCase();
    if (/\busername\b/.test(f.autocomplete)) s += 4;
    if (/\bemail\b|webauthn/.test(f.autocomplete)) s += 2;
    if (type === 'email') s += 2;
    if (USERNAME.test(t)) s += 2;
    if (ONE_TIME.test(t) || SEARCH.test(t)) s -= 4;
    if (PROFILE.test(t) && !USERNAME.test(t)) s -= 2;
    if (pw) {
      if (follows(f.el, pw.el)) {
        // The closest field before the password is the usual username.
        const between = texts.filter((o) => follows(f.el, o.el) && follows(o.el, pw.el)).length;
        s += 3 - Math.min(between, 3);
      } else s -= 3;
    }
    if (!f.visible) s -= 1;
    if (!best || s > best.score) best = { item: f, score: s };
  }
  return best;
}

function pickSubmit(g: Group, last: Field | null): Scored<Control> | null {
  let best: Scored<Control> | null = null;
  let after = 0;
  for (const c of g.controls) {
    const el = c.el;
    const tag = el.localName;
    const type = (el.getAttribute('type') || '').toLowerCase();
    const t = controlText(el);
    let s = 0;
    if (tag === 'input' && (type === 'submit' || type === 'image')) s += 4;
    else if (tag === 'button' && (type === '' || type === 'submit')) s += 4;
    else if (tag === 'button' || (tag === 'input' && type === 'button')) s += 2;
    else if (el.getAttribute('role') === 'button') s += 1.5;
    const login = says(el, t, LOGIN, SIGNUP) || (LOGIN.test(t) && !says(el, t, SIGNUP, LOGIN));
    if (login) s += 3;
    else if (NEXT.test(t)) s += 1.5;
    if (SIGNUP.test(t) && !login) s -= 4;
    if (FORGOT.test(t) || RECOVERY.test(t)) s -= 5;
    if (NOT_SUBMIT.test(t) || (SEARCH.test(t) && !login)) s -= 4;
    if (tag === 'a' || tag === 'div' || tag === 'span') {
      // Links and divs are submit controls only when they say so.
      if (!login && !NEXT.test(t)) continue;
      const href = el.getAttribute('href') || '';
      if (tag === 'a' && href && !/^(#|javascript:)/i.test(href)) s -= 2.5;
    }
    if (last) {
      if (follows(last.el, el)) {
        // The first control after the last field is the usual submit.
        s += ++after === 1 ? 2 : 1;
      } else s -= 3;
    }
    c.visible = isVisible(el) || imageButtonWithoutPicture(el);
    // A hidden control is not usable now, but in a group that is hidden as a whole all are.
    if (!c.visible) s -= last && !last.visible ? 2 : 6;
    if (!best || s > best.score) best = { item: c, score: s };
  }
  return best && best.score > 0 ? best : null;
}
