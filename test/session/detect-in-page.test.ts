// detectInPage() in real headless Chromium: one script run detects, compares the expected
// fields and outlines the detected ones; a login in a cross-origin frame is found through the driver.
import assert from 'node:assert/strict';
import { detectInPage } from '../../src/session/detect-in-page.ts';
import { judge } from '../../src/session/verdict.ts';
import { browserPagesForSuite } from '../helpers/browser-pages.ts';

const FORM = `<form action="/session" method="post">
  <label>Email <input id="user" name="email" type="email" autocomplete="username"></label>
  <label>Password <input id="pw" name="password" type="password" autocomplete="current-password"></label>
  <button id="go" type="submit">Log in</button></form>`;

const PAGES = {
  '/plain': `<!doctype html><title>Sign in</title><body><input id="q" type="search" placeholder="Search">${FORM}</body>`,
  '/shadow': `<!doctype html><title>Sign in</title><body><login-box><template shadowrootmode="open">${FORM}</template></login-box></body>`,
};

describe('detectInPage', function () {
  this.timeout(60_000);
  // The frame is cross-origin for the page.
  const browser = browserPagesForSuite({ '/login': `<!doctype html><title>Sign in</title>${FORM}` }, (other) => ({
    ...PAGES,
    '/framed': `<!doctype html><title>Shop</title><iframe id="login" src="${other}/login"></iframe>`,
  }));
  const outlineOf = (script: string) => browser.chrome.driver.executeScript<string>(`return getComputedStyle(${script}).outlineStyle;`);

  it('outlines the detected fields when asked, and nothing else', async () => {
    await browser.chrome.driver.get(`${browser.pages.url}/plain`);
    const { detection } = await detectInPage(browser.chrome.driver, { outline: true });
    assert.equal(detection.login, true);
    for (const id of ['user', 'pw', 'go']) assert.equal(await outlineOf(`document.getElementById('${id}')`), 'solid', id);
    assert.equal(await outlineOf("document.getElementById('q')"), 'none');

    await browser.chrome.driver.get(`${browser.pages.url}/plain`);
    await detectInPage(browser.chrome.driver);
    assert.equal(await outlineOf("document.getElementById('pw')"), 'none', 'no outline unless asked');
  });

  it('follows the detection into an open shadow root to outline it', async () => {
    await browser.chrome.driver.get(`${browser.pages.url}/shadow`);
    const { detection } = await detectInPage(browser.chrome.driver, { outline: true });
    assert.match(detection.password ?? '', / >>> /);
    assert.equal(await outlineOf("document.querySelector('login-box').shadowRoot.getElementById('pw')"), 'solid');
  });

  it('compares the expected fields in the same run, by element, and judge() takes the comparison as is', async () => {
    await browser.chrome.driver.get(`${browser.pages.url}/plain`);
    const expect = { login: true, username: 'input[name=email]', password: 'form > label:nth-of-type(2) > input', submit: 'input#q' };
    const { detection, same } = await detectInPage(browser.chrome.driver, { expect });
    assert.deepEqual(Object.keys(same ?? {}).sort(), ['password', 'submit', 'username']);
    assert.deepEqual(same?.username, { same: true, expected: 'input#user', detected: 'input#user' });
    assert.equal(same?.password && 'same' in same.password && same.password.same, true);
    assert.equal(same?.submit && 'same' in same.submit && same.submit.same, false);

    const withSame = await judge(browser.chrome.driver, expect, detection, same);
    assert.deepEqual(withSame, await judge(browser.chrome.driver, expect, detection));
    assert.equal(withSame.status, 'failed');
    assert.match(withSame.message ?? '', /^submit: expected input#q, detected /);
  });

  it('finds a login in a cross-origin frame, and leaves its comparison to the driver', async () => {
    await browser.chrome.driver.get(`${browser.pages.url}/framed`);
    const expect = { login: true, password: '#login >>> #pw' };
    const { detection, same } = await detectInPage(browser.chrome.driver, { expect, outline: true });
    assert.equal(detection.login, true);
    assert.equal(detection.password, '#login >>> #pw');
    assert.equal(same, undefined);
    assert.deepEqual(await judge(browser.chrome.driver, expect, detection, same), {
      status: 'passed',
      verdicts: [
        { field: 'login', expected: true, detected: true, match: true },
        { field: 'password', expected: '#login >>> #pw', detected: '#login >>> #pw', match: true, expectedElement: 'input#pw', detectedElement: 'input#pw' },
      ],
    });
  });
});
