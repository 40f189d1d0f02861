// runSteps in real headless Chromium: modals opened by a click, waits, typing into shadow
// roots and cross-origin frames, and bounded waits that say what they waited for.
import assert from 'node:assert/strict';
import type { LocalChrome } from '../../src/session/local-chrome.ts';
import { runSteps, StepError } from '../../src/session/steps.ts';
import { startBrowserPages, type BrowserPages } from '../helpers/browser-pages.ts';
import type { PageServer } from '../helpers/pages.ts';

const PAGE = `<!doctype html><title>t</title><body>
  <button id="open" onclick="setTimeout(() => document.getElementById('modal').hidden = false, 150)">Sign in</button>
  <div id="modal" hidden><form><input id="email"><input id="pw" type="password"><button>Log in</button></form></div>
  <x-login><template shadowrootmode="open"><input id="shadow-user"></template></x-login>
  <div id="never" style="display:none"></div>
  FRAME</body>`;

describe('runSteps', function () {
  this.timeout(60_000);
  let chrome: LocalChrome;
  let pages: PageServer;
  let browser: BrowserPages | undefined;

  before(async () => {
    browser = await startBrowserPages({ '/frame': '<!doctype html><input id="code">' }, (other) => ({ '/': PAGE.replace('FRAME', `<iframe id="idp" src="${other}/frame"></iframe>`) }));
    ({ chrome, pages } = browser);
  });
  beforeEach(async () => chrome.driver.get(`${pages.url}/`));
  after(async () => browser?.close());

  const value = (script: string) => chrome.driver.executeScript(`return ${script}`);

  it('clicks, waits for the modal and types into it', async () => {
    await runSteps(chrome.driver, [{ click: '#open' }, { waitFor: '#email' }, { type: '#email', text: 'a@b.c' }, { sleep: 10 }], { timeoutMs: 3000 });
    assert.equal(await value("document.getElementById('email').value"), 'a@b.c');
  });

  it('types into an open shadow root and a cross-origin frame, then returns to the top document', async () => {
    await runSteps(chrome.driver, [{ type: 'x-login >>> #shadow-user', text: 'me' }, { type: '#idp >>> #code', text: '123' }], { timeoutMs: 3000 });
    assert.equal(await value("document.querySelector('x-login').shadowRoot.getElementById('shadow-user').value"), 'me');
    // Back in the top document: its title is readable again.
    assert.equal(await value('document.title'), 't');
    await chrome.driver.switchTo().frame(await chrome.driver.findElement({ css: '#idp' }));
    assert.equal(await value("document.getElementById('code').value"), '123');
    await chrome.driver.switchTo().defaultContent();
  });

  it('bounds each wait and names the step and selector', async () => {
    const started = Date.now();
    await assert.rejects(
      runSteps(chrome.driver, [{ sleep: 1 }, { waitFor: '#never', timeoutMs: 300 }], { timeoutMs: 5000 }),
      (err: unknown) => err instanceof StepError && /^step 2 \(waitFor "#never"\): no visible element for "#never" within 300 ms \(div#never matched but is not visible\)$/.test(err.message),
    );
    assert.ok(Date.now() - started < 3000);
    await assert.rejects(runSteps(chrome.driver, [{ click: '#nope' }], { timeoutMs: 200 }), /step 1 \(click "#nope"\): .*'#nope' matches nothing/);
  });
});
