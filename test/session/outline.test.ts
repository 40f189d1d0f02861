// outlineDetection() in real headless Chromium: plain selectors and paths into shadow roots.
import assert from 'node:assert/strict';
import { OFFLINE_ARGS } from '../../src/eval/browsers.ts';
import { startLocalChrome, type LocalChrome } from '../../src/session/local-chrome.ts';
import { outlineDetection } from '../../src/session/outline.ts';
import type { Detection } from '../../src/types.ts';
import { servePages, type PageServer } from '../helpers/pages.ts';

const PAGE = `<!doctype html><title>t</title><body><form>
  <input id="user"><input id="user2"><input id="pw" type="password"><button id="go">Log in</button></form>
  <login-box><template shadowrootmode="open"><input id="inner" type="password"></template></login-box></body>`;

const detection = (over: Partial<Detection>): Detection => ({
  login: true, step: 'full', username: null, password: null, submit: null, confidence: 0.9, signals: [], ...over,
});

describe('outlineDetection', function () {
  this.timeout(60_000);
  let chrome: LocalChrome;
  let pages: PageServer;
  const outlineOf = (script: string) => chrome.driver.executeScript(`return getComputedStyle(${script}).outlineStyle;`) as Promise<string>;

  before(async () => {
    pages = await servePages({ '/': PAGE });
    chrome = await startLocalChrome({ args: OFFLINE_ARGS });
  });
  after(async () => {
    await chrome?.stop();
    await pages?.close();
  });
  beforeEach(async () => chrome.driver.get(`${pages.url}/`));

  it('outlines the fields named by plain selectors, and nothing else', async () => {
    await outlineDetection(chrome.driver, detection({ username: '#user', password: 'input[type=password]', submit: 'form > button' }));
    assert.equal(await outlineOf("document.querySelector('#user')"), 'solid');
    assert.equal(await outlineOf("document.querySelector('#pw')"), 'solid');
    assert.equal(await outlineOf("document.querySelector('#go')"), 'solid');
    assert.equal(await outlineOf("document.querySelector('#user2')"), 'none');
  });

  it('follows a path into an open shadow root', async () => {
    await outlineDetection(chrome.driver, detection({ username: '#user', password: 'login-box >>> #inner' }));
    assert.equal(await outlineOf("document.querySelector('login-box').shadowRoot.querySelector('#inner')"), 'solid');
    assert.equal(await outlineOf("document.querySelector('#user')"), 'solid');
  });

  it('skips what matches nothing or is no selector, without failing the site', async () => {
    await outlineDetection(chrome.driver, detection({ username: '#gone', password: 'input[', submit: '#go' }));
    assert.equal(await outlineOf("document.querySelector('#go')"), 'solid');
  });
});
