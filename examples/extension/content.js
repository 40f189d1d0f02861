// A content script as a product's would be: it finds the login form, adds its own sign-in
// button to it, and tells grid-run what it decided through the extension contract
// (data-grid-run-field on the chosen elements, data-grid-run-detection on <html>).
'use strict';

const FIELD = 'data-grid-run-field';
const ANSWER = 'data-grid-run-detection';
const BUTTON_CLASS = 'example-sign-in';
// With no password field in sight, the page may still be building its form: wait this long.
const QUIET_MS = 2000;

const root = document.documentElement;
let lastAnswer = '';
// Past QUIET_MS, a page without a password field is answered as one without a login form.
let quietOver = false;

function answer(value) {
  const text = JSON.stringify(value);
  if (text !== lastAnswer) root.setAttribute(ANSWER, text);
  lastAnswer = text;
}

function visible(el) {
  const style = getComputedStyle(el);
  const box = el.getBoundingClientRect();
  return style.visibility !== 'hidden' && style.display !== 'none' && box.width > 0 && box.height > 0;
}

function mark(el, field) {
  if (el && el.getAttribute(FIELD) !== field) el.setAttribute(FIELD, field);
}

function unmarkAll() {
  for (const el of document.querySelectorAll(`[${FIELD}]`)) el.removeAttribute(FIELD);
}

function decide() {
  const passwords = [...document.querySelectorAll('input[type=password]')].filter(visible);
  if (passwords.length === 0) {
    unmarkAll();
    answer(quietOver ? { login: false, signals: ['no visible password field'] } : { pending: true });
    return;
  }
  const password = passwords[0];
  const form = password.form || password.closest('[role=form], section, div') || document.body;
  const inForm = passwords.filter((p) => form.contains(p));
  if (inForm.length > 1) {
    // A second password field is a confirmation: a sign-up or password-change form.
    unmarkAll();
    answer({ login: false, signals: [`${inForm.length} password fields: not a login form`] });
    return;
  }
  const before = [...form.querySelectorAll('input[type=email], input[type=text], input[type=tel], input:not([type])')]
    .filter(visible)
    .filter((el) => el.compareDocumentPosition(password) & Node.DOCUMENT_POSITION_FOLLOWING);
  const username = before[before.length - 1] || null;
  const submit = form.querySelector(`button[type=submit], input[type=submit], button:not([type]):not(.${BUTTON_CLASS})`);
  unmarkAll();
  mark(username, 'username');
  mark(password, 'password');
  mark(submit, 'submit');
  if (!form.querySelector(`.${BUTTON_CLASS}`)) {
    const button = document.createElement('button');
    button.type = 'button';
    button.className = BUTTON_CLASS;
    button.textContent = 'Sign in with Example';
    (submit ? submit.parentElement : form).insertBefore(button, submit ? submit.nextSibling : null);
  }
  answer({ login: true, confidence: 0.9, signals: ['visible password field', username ? 'username before it' : 'no username field'] });
}

let timer;
function later() {
  clearTimeout(timer);
  timer = setTimeout(decide, 50);
}

decide();
// Forms that appear late (scripts, modals opened by a click) are looked at again.
new MutationObserver(later).observe(document, { childList: true, subtree: true, attributes: true, attributeFilter: ['style', 'class', 'hidden', 'type'] });
setTimeout(() => {
  quietOver = true;
  decide();
}, QUIET_MS);
