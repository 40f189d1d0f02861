// runSteps in real headless Chromium: modals opened by a click, waits, typing into shadow
// roots and cross-origin frames, and bounded waits that say what they waited for.
import assert from 'node:assert/strict';
import { runSteps, StepError } from '../../src/session/steps.ts';
import { browserPagesForSuite } from '../helpers/browser-pages.ts';

const PAGE = `<!doctype html><title>t</title><body>
  <button id="open" onclick="setTimeout(() => document.getElementById('modal').hidden = false, 150)">Sign in</button>
  <div id="modal" hidden><form><input id="email"><input id="pw" type="password"><button>Log in</button></form></div>
  <x-login><template shadowrootmode="open"><input id="shadow-user"></template></x-login>
  <div id="never" style="display:none"></div>
  FRAME</body>`;

describe('runSteps', function () {
  this.timeout(60_000);

  const browser = browserPagesForSuite({ '/frame': '<!doctype html><input id="code">' }, (other) => ({ '/': PAGE.replace('FRAME', `<iframe id="idp" src="${other}/frame"></iframe>`) }));
  beforeEach(async () => browser.chrome.driver.get(`${browser.pages.url}/`));

  const value = (script: string) => browser.chrome.driver.executeScript(`return ${script}`);

  it('clicks, waits for the modal and types into it', async () => {
    await runSteps(browser.chrome.driver, [{ click: '#open' }, { waitFor: '#email' }, { type: '#email', text: 'a@b.c' }, { sleep: 10 }], { timeoutMs: 3000 });
    assert.equal(await value("document.getElementById('email').value"), 'a@b.c');
  });

  it('types into an open shadow root and a cross-origin frame, then returns to the top document', async () => {
    await runSteps(browser.chrome.driver, [{ type: 'x-login >>> #shadow-user', text: 'me' }, { type: '#idp >>> #code', text: '123' }], { timeoutMs: 3000 });
    assert.equal(await value("document.querySelector('x-login').shadowRoot.getElementById('shadow-user').value"), 'me');
    // Back in the top document: its title is readable again.
    assert.equal(await value('document.title'), 't');
    await browser.chrome.driver.switchTo().frame(await browser.chrome.driver.findElement({ css: '#idp' }));
    assert.equal(await value("document.getElementById('code').value"), '123');
    await browser.chrome.driver.switchTo().defaultContent();
  });

  it('bounds each wait and names the step and selector', async () => {
    const started = Date.now();
    await assert.rejects(
      runSteps(browser.chrome.driver, [{ sleep: 1 }, { waitFor: '#never', timeoutMs: 300 }], { timeoutMs: 5000 }),
      (err: unknown) => err instanceof StepError && /^step 2 \(waitFor "#never"\): no visible element for "#never" within 300 ms \(div#never matched but is not visible\)$/.test(err.message),
    );
    assert.ok(Date.now() - started < 3000);
    await assert.rejects(runSteps(browser.chrome.driver, [{ click: '#nope' }], { timeoutMs: 200 }), /step 1 \(click "#nope"\): .*'#nope' matches nothing/);
  });
});
