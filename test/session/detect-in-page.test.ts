// detectInPage() in real headless Chromium: one script run detects, compares the expected
// fields and outlines the detected ones; a login in a cross-origin frame is found through the driver.
import assert from 'node:assert/strict';
import { detectInPage } from '../../src/session/detect-in-page.ts';
import type { LocalChrome } from '../../src/session/local-chrome.ts';
import { judge } from '../../src/session/verdict.ts';
import { startBrowserPages, type BrowserPages } from '../helpers/browser-pages.ts';
import type { PageServer } from '../helpers/pages.ts';

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
  let chrome: LocalChrome;
  let pages: PageServer;
  let browser: BrowserPages | undefined;
  const outlineOf = (script: string) => chrome.driver.executeScript<string>(`return getComputedStyle(${script}).outlineStyle;`);

  before(async () => {
    // The frame is cross-origin for the page.
    browser = await startBrowserPages({ '/login': `<!doctype html><title>Sign in</title>${FORM}` }, (other) => ({
      ...PAGES,
      '/framed': `<!doctype html><title>Shop</title><iframe id="login" src="${other}/login"></iframe>`,
    }));
    ({ chrome, pages } = browser);
  });
  after(async () => browser?.close());

  it('outlines the detected fields when asked, and nothing else', async () => {
    await chrome.driver.get(`${pages.url}/plain`);
    const { detection } = await detectInPage(chrome.driver, { outline: true });
    assert.equal(detection.login, true);
    for (const id of ['user', 'pw', 'go']) assert.equal(await outlineOf(`document.getElementById('${id}')`), 'solid', id);
    assert.equal(await outlineOf("document.getElementById('q')"), 'none');

    await chrome.driver.get(`${pages.url}/plain`);
    await detectInPage(chrome.driver);
    assert.equal(await outlineOf("document.getElementById('pw')"), 'none', 'no outline unless asked');
  });

  it('follows the detection into an open shadow root to outline it', async () => {
    await chrome.driver.get(`${pages.url}/shadow`);
    const { detection } = await detectInPage(chrome.driver, { outline: true });
    assert.match(detection.password ?? '', / >>> /);
    assert.equal(await outlineOf("document.querySelector('login-box').shadowRoot.getElementById('pw')"), 'solid');
  });

  it('compares the expected fields in the same run, by element, and judge() takes the comparison as is', async () => {
    await chrome.driver.get(`${pages.url}/plain`);
    const expect = { login: true, username: 'input[name=email]', password: 'form > label:nth-of-type(2) > input', submit: 'input#q' };
    const { detection, same } = await detectInPage(chrome.driver, { expect });
    assert.deepEqual(Object.keys(same ?? {}).sort(), ['password', 'submit', 'username']);
    assert.deepEqual(same?.username, { same: true, expected: 'input#user', detected: 'input#user' });
    assert.equal(same?.password && 'same' in same.password && same.password.same, true);
    assert.equal(same?.submit && 'same' in same.submit && same.submit.same, false);

    const withSame = await judge(chrome.driver, expect, detection, same);
    assert.deepEqual(withSame, await judge(chrome.driver, expect, detection));
    assert.equal(withSame.status, 'failed');
    assert.match(withSame.message ?? '', /^submit: expected input#q, detected /);
  });

  it('finds a login in a cross-origin frame, and leaves its comparison to the driver', async () => {
    await chrome.driver.get(`${pages.url}/framed`);
    const expect = { login: true, password: '#login >>> #pw' };
    const { detection, same } = await detectInPage(chrome.driver, { expect, outline: true });
    assert.equal(detection.login, true);
    assert.equal(detection.password, '#login >>> #pw');
    assert.equal(same, undefined);
    assert.deepEqual(await judge(chrome.driver, expect, detection, same), {
      status: 'passed',
      verdicts: [
        { field: 'login', expected: true, detected: true, match: true },
        { field: 'password', expected: '#login >>> #pw', detected: '#login >>> #pw', match: true, expectedElement: 'input#pw', detectedElement: 'input#pw' },
      ],
    });
  });
});
