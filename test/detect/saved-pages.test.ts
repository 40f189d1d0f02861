// The detector on saved copies of pages that lack what they referenced (pictures,
// stylesheets), as the labelled corpora's pages do: not bundled sites, whose expected
// elements must all render.
import assert from 'node:assert/strict';
import { fileURLToPath } from 'node:url';
import { OFFLINE_ARGS } from '../../src/eval/browsers.ts';
import { detectInPage } from '../../src/session/detect-in-page.ts';
import { startLocalChrome, type LocalChrome } from '../../src/session/local-chrome.ts';
import { startStaticServer, type StaticServer } from '../../src/sites/static-server.ts';

const dir = fileURLToPath(new URL('../fixtures/saved-pages/', import.meta.url));

describe('detector on saved pages', function () {
  this.timeout(60_000);
  let chrome: LocalChrome;
  let server: StaticServer;

  before(async () => {
    server = await startStaticServer({ roots: [dir] });
    chrome = await startLocalChrome({ args: OFFLINE_ARGS });
  });
  after(async () => {
    await chrome?.stop();
    await server?.close();
  });

  it('takes an image button whose picture was not saved for the submit', async () => {
    await chrome.driver.get(server.urlFor(`${dir}image-without-picture.html`));
    const size = await chrome.driver.executeScript<number[]>('const r = document.getElementById("c-image").getBoundingClientRect(); return [r.width, r.height];');
    assert.deepEqual(size, [0, 0], 'the button has no size without its picture');
    const { detection } = await detectInPage(chrome.driver);
    assert.equal(detection.login, true);
    const ids = await chrome.driver.executeScript<(string | null)[]>(
      'return arguments[0].map((p) => (p ? document.querySelector(p)?.id ?? "no element" : null));',
      [detection.username, detection.password, detection.submit],
    );
    assert.deepEqual(ids, ['c-email', 'c-pass', 'c-image']);
  });
});
