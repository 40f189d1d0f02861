// judge() in real headless Chromium: fields are compared as elements, whatever selector names them.
import assert from 'node:assert/strict';
import { judge } from '../../src/session/verdict.ts';
import type { Detection } from '../../src/types.ts';
import { browserPagesForSuite } from '../helpers/browser-pages.ts';

const detection = (over: Partial<Detection>): Detection => ({
  login: true,
  step: 'full',
  username: '#user',
  password: '#pw',
  submit: '#go',
  confidence: 0.9,
  signals: ['test'],
  ...over,
});

const LOGIN = `<!doctype html><title>t</title><body><div><form id="f">
  <input id="user" name="user"><input id="pw" name="pw" type="password"><input id="pw2" type="password">
  <button id="go">Log in</button></form>
  <login-box><template shadowrootmode="open"><input id="inner" type="password"></template></login-box>
  <iframe id="same" srcdoc="<input id='framed' type='password'>"></iframe>
  FRAME</div></body>`;

describe('judge', function () {
  this.timeout(60_000);

  // The frame below is cross-origin for the page.
  const browser = browserPagesForSuite({ '/frame': '<!doctype html><input id="x" name="x"><input id="secret" type="password">' }, (other) => ({
    '/': LOGIN.replace('FRAME', `<iframe id="cross" src="${other}/frame"></iframe>`),
  }));
  before(async () => {
    await browser.chrome.driver.get(`${browser.pages.url}/`);
  });

  it('passes record-only without expectations', async () => {
    assert.deepEqual(await judge(browser.chrome.driver, undefined, detection({})), { status: 'passed', recordOnly: true, verdicts: [] });
  });

  it('passes when two different selectors name the same element', async () => {
    const v = await judge(browser.chrome.driver, { login: true, username: 'input[name=user]', password: 'html > body > div > form > input:nth-of-type(2)', submit: 'form button' }, detection({}));
    assert.deepEqual(v, {
      status: 'passed',
      verdicts: [
        { field: 'login', expected: true, detected: true, match: true },
        { field: 'username', expected: 'input[name=user]', detected: '#user', match: true, expectedElement: 'input#user', detectedElement: 'input#user' },
        { field: 'password', expected: 'html > body > div > form > input:nth-of-type(2)', detected: '#pw', match: true, expectedElement: 'input#pw', detectedElement: 'input#pw' },
        { field: 'submit', expected: 'form button', detected: '#go', match: true, expectedElement: 'button#go', detectedElement: 'button#go' },
      ],
    });
  });

  it('fails naming the expected and the detected element', async () => {
    const v = await judge(browser.chrome.driver, { password: 'input[name=pw]' }, detection({ password: '#pw2' }));
    assert.equal(v.status, 'failed');
    assert.equal(v.message, 'password: expected input[name=pw] (input#pw), detected #pw2 (input#pw2)');
    assert.deepEqual(v.verdicts, [{ field: 'password', expected: 'input[name=pw]', detected: '#pw2', match: false, expectedElement: 'input#pw', detectedElement: 'input#pw2' }]);
  });

  it('checks only the fields the expectation names', async () => {
    assert.equal((await judge(browser.chrome.driver, { login: true }, detection({ username: null, submit: '#nothing' }))).status, 'passed');
  });

  it('null means the page must have none', async () => {
    assert.equal((await judge(browser.chrome.driver, { username: null }, detection({ username: null }))).status, 'passed');
    const v = await judge(browser.chrome.driver, { submit: null }, detection({}));
    assert.equal(v.message, 'submit: expected none, detected #go');
    const w = await judge(browser.chrome.driver, { username: '#user' }, detection({ username: null }));
    assert.equal(w.message, 'username: expected #user, detected none');
  });

  it('reports a wrong login verdict before any field', async () => {
    const v = await judge(browser.chrome.driver, { login: false, password: '#pw' }, detection({ password: '#pw2' }));
    assert.match(v.message ?? '', /^login: expected no login form, detected one/);
    // The fields were not compared: the verdict holds the login comparison alone.
    assert.deepEqual(v.verdicts, [{ field: 'login', expected: false, detected: true, match: false, detectedElement: 'step full, password #pw2' }]);
    const w = await judge(browser.chrome.driver, { login: true }, detection({ login: false, step: 'none', username: null, password: null, submit: null }));
    assert.match(w.message ?? '', /^login: expected a login form, detected none/);
  });

  it('says when an expected selector matches nothing', async () => {
    const v = await judge(browser.chrome.driver, { password: '#missing' }, detection({}));
    assert.match(v.message ?? '', /password: expected #missing \(not found: '#missing' matches nothing\), detected #pw/);
  });

  it('follows >>> into open shadow roots, same-origin and cross-origin frames', async () => {
    const d = detection({ password: 'login-box >>> input' });
    assert.equal((await judge(browser.chrome.driver, { password: 'login-box >>> #inner' }, d)).status, 'passed');
    assert.equal((await judge(browser.chrome.driver, { password: 'iframe#same >>> #framed' }, detection({ password: '#same >>> input' }))).status, 'passed');
    assert.equal((await judge(browser.chrome.driver, { password: '#cross >>> #secret' }, detection({ password: 'iframe#cross >>> input[type=password]' }))).status, 'passed');
    const v = await judge(browser.chrome.driver, { password: '#cross >>> #secret' }, detection({ password: '#cross >>> #x' }));
    assert.equal(v.message, 'password: expected #cross >>> #secret (input#secret), detected #cross >>> #x (input#x)');
  });
});
