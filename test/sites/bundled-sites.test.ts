// The bundled sites are ground truth for the detector, so their labels are checked here
// without it: every list loads, and every expected selector path names exactly one element,
// visible to a user, in real headless Chromium.
import assert from 'node:assert/strict';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { WebDriver, WebElement } from 'selenium-webdriver';
import { loadSiteLists } from '../../src/sites/load.ts';
import { startStaticServer, type StaticServer } from '../../src/sites/static-server.ts';
import { startLocalChrome, type LocalChrome } from '../../src/session/local-chrome.ts';
import { runSteps } from '../../src/session/steps.ts';
import type { Site } from '../../src/types.ts';

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const sites = await loadSiteLists(['sites'], { cwd: repo });

const count = (pred: (s: Site) => boolean) => sites.filter(pred).length;
const tagged = (tag: string) => (s: Site) => s.tags.includes(tag);

describe('bundled sites: lists', () => {
  it('load, with unique ids, a locale and an expectation on every entry', () => {
    assert.equal(new Set(sites.map((s) => s.id)).size, sites.length);
    for (const s of sites) {
      assert.ok(s.localPath, `${s.id}: a page of our own`);
      assert.ok(s.locale, `${s.id}: locale`);
      assert.ok(s.expect && typeof s.expect.login === 'boolean', `${s.id}: expect.login`);
      if (s.expect?.login) {
        for (const field of ['username', 'password', 'submit'] as const) {
          assert.ok(field in s.expect, `${s.id}: a login page labels ${field} (null for none)`);
        }
      }
    }
  });

  it('hold at least 60 pages and cover every case of the detector', () => {
    assert.ok(new Set(sites.map((s) => s.localPath)).size >= 60);
    const minimum: Record<string, number> = {
      form: 10, formless: 4, 'multi-form': 5, visibility: 6, honeypot: 1, 'aria-hidden': 2, 'off-screen': 2, 'zero-size': 1,
      autocomplete: 4, 'shadow-dom': 3, 'same-origin-iframe': 2, 'cross-origin-iframe': 2, 'username-first': 3, 'password-only': 3,
      modal: 3, steps: 4, signup: 5, 'password-change': 2, reset: 4, newsletter: 3, search: 3, checkout: 2, otp: 4,
      'submit-button': 10, 'submit-input': 5, 'submit-image': 2, 'submit-link': 3, 'submit-div': 3, 'no-submit': 1, rtl: 4,
    };
    for (const [tag, n] of Object.entries(minimum)) assert.ok(count(tagged(tag)) >= n, `${tag}: ${count(tagged(tag))} < ${n}`);
    assert.ok(count((s) => s.expect?.login === false) >= 20);
    assert.ok(count((s) => s.expect?.submit === null) >= 1);
    const languages = new Set(sites.map((s) => s.locale?.split('-')[0]));
    for (const lang of ['en', 'de', 'fr', 'es', 'pt', 'it', 'pl', 'tr', 'ru', 'ja', 'zh', 'ko', 'ar', 'he', 'hi']) {
      assert.ok(languages.has(lang), `no page in ${lang}`);
    }
  });
});

describe('bundled sites: every expected element exists, once, visibly (Chromium)', function () {
  this.timeout(60_000);
  let server: StaticServer;
  let chrome: LocalChrome;
  const served = new Map<string, Site>();

  before(async () => {
    server = await startStaticServer({});
    for (const s of server.resolve(sites)) served.set(s.id, s);
    chrome = await startLocalChrome();
  });

  after(async () => {
    await chrome?.stop();
    await server?.close();
  });

  it('the cross-origin frame is really cross-origin, the same-origin ones are not', async () => {
    const driver = chrome.driver;
    const frameDoc = (id: string, frame: string) =>
      driver.get(served.get(id)!.url).then(() => driver.executeScript(`return document.querySelector(arguments[0]).contentDocument !== null`, frame));
    assert.equal(await frameDoc('bundled/frames/cross-origin', 'iframe#idp'), false);
    assert.equal(await frameDoc('bundled/frames/cross-origin-fr', 'iframe#connexion'), false);
    assert.equal(await frameDoc('bundled/frames/cross-origin-card', 'iframe#card-frame'), false);
    assert.equal(await frameDoc('bundled/frames/same-origin', 'iframe#login-frame'), true);
    assert.equal(await frameDoc('bundled/frames/srcdoc', 'iframe#partner-auth'), true);
  });

  it('the check itself refuses decoys and ambiguous paths (so a pass below means something)', async () => {
    const driver = chrome.driver;
    const cases: [string, string, string][] = [
      ['bundled/visibility/hidden-decoys', 'input[name=legacy_pass]', 'matched but not visible'],
      ['bundled/visibility/hidden-decoys', 'input[name=pass_confirm_unused]', 'matched but not visible'],
      ['bundled/visibility/honeypot', 'input[name=website]', 'matched but not visible'],
      ['bundled/visibility/zero-size', 'input[name=fake_pass]', 'matched but not visible'],
      ['bundled/visibility/off-screen-form', '#mobile-login input[name=password]', 'matched but not visible'],
      ['bundled/visibility/aria-hidden-dialog', '.dialog-layer input[name=password]', 'matched but not visible'],
      ['bundled/modal/dialog-closed', '#modal-email', 'matched but not visible'],
      ['bundled/multi-form/login-and-register', 'input[type=password]', 'segment 1 "input[type=password]" matches 3 elements'],
      ['bundled/shadow/custom-element', 'login-box #user', 'segment 1 "login-box #user" matches 0 elements'],
      ['bundled/frames/cross-origin', 'iframe#idp >>> input', 'segment 1 "input" matches 2 elements'],
    ];
    for (const [id, selector, expected] of cases) {
      await driver.get(served.get(id)!.url);
      assert.equal(await findOnce(driver, selector), expected, `${id} ${selector}`);
    }
  });

  for (const site of sites) {
    it(site.id, async () => {
      const driver = chrome.driver;
      const s = served.get(site.id)!;
      await driver.get(s.url);
      await runSteps(driver, s.steps, { timeoutMs: 5_000 });
      const expect = s.expect ?? {};
      for (const field of ['username', 'password', 'submit'] as const) {
        const selector = expect[field];
        if (typeof selector !== 'string') continue;
        const found = await findOnce(driver, selector);
        assert.equal(found, 'visible', `${site.id}: expect.${field} ${JSON.stringify(selector)}: ${found}`);
      }
      // "password": null claims the page has no password field a user could type into now.
      if (expect.password === null) {
        assert.deepEqual(await visiblePasswordFields(driver), [], `${site.id}: password is null, yet a visible password field exists`);
      }
    });
  }
});

/**
 * Resolves a selector path requiring exactly one match at every segment (stricter than the
 * detector's resolver, which takes the first), switching into cross-origin frames from the driver.
 */
async function findOnce(driver: WebDriver, selectorPath: string): Promise<string> {
  await driver.switchTo().defaultContent();
  try {
    let rest = selectorPath;
    for (let depth = 0; depth < 5; depth++) {
      const r = await driver.executeScript<{ result: string } | { frame: WebElement; rest: string }>(FIND_ONCE, rest);
      if ('result' in r) return r.result;
      await driver.switchTo().frame(r.frame);
      rest = r.rest;
    }
    return 'frames nested too deep';
  } finally {
    await driver.switchTo().defaultContent();
  }
}

const FIND_ONCE = `
  const segments = arguments[0].split(' >>> ');
  let root = document;
  for (let i = 0; i < segments.length; i++) {
    const all = root.querySelectorAll(segments[i]);
    if (all.length !== 1) return { result: 'segment ' + (i + 1) + ' ' + JSON.stringify(segments[i]) + ' matches ' + all.length + ' elements' };
    const el = all[0];
    if (i === segments.length - 1) {
      const box = el.getBoundingClientRect();
      const shown = el.checkVisibility({ opacityProperty: true, visibilityProperty: true })
        && box.width > 0 && box.height > 0 && box.right > 0 && box.bottom + scrollY > 0
        && !el.closest('[aria-hidden=true]');
      return { result: shown ? 'visible' : 'matched but not visible' };
    }
    if (el.shadowRoot) { root = el.shadowRoot; continue; }
    if (el.localName === 'iframe' || el.localName === 'frame') {
      let doc = null;
      try { doc = el.contentDocument; } catch (e) {}
      if (doc) { root = doc; continue; }
      return { frame: el, rest: segments.slice(i + 1).join(' >>> ') };
    }
    return { result: 'segment ' + (i + 1) + ' matches <' + el.localName + '>, which has no open shadow root or frame' };
  }
`;

/** Names of visible password inputs in the page, its open shadow roots and same-origin frames. */
async function visiblePasswordFields(driver: WebDriver): Promise<string[]> {
  return await driver.executeScript<string[]>(`
    const out = [];
    const visit = (root) => {
      for (const el of root.querySelectorAll('*')) {
        if (el.shadowRoot) visit(el.shadowRoot);
        if (el.localName === 'iframe') { try { if (el.contentDocument) visit(el.contentDocument); } catch (e) {} }
        if (el.localName === 'input' && el.type === 'password') {
          const box = el.getBoundingClientRect();
          if (el.checkVisibility({ opacityProperty: true, visibilityProperty: true }) && box.width > 1 && box.height > 1 && !el.closest('[aria-hidden=true]')) {
            out.push(el.name || el.id || 'input[type=password]');
          }
        }
      }
    };
    visit(document);
    return out;
  `);
}
