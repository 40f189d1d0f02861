// One WebDriver session on a real local grid with headless Chromium: running sites, and the
// reset between two of them (what one site leaves behind must not be seen by the next).
import assert from 'node:assert/strict';
import { readdir } from 'node:fs/promises';
import { startLocalGrid, type LocalGrid } from '../../src/grid/local-grid.ts';
import { HttpHubClient } from '../../src/grid/hub-client.ts';
import { freePort } from '../../src/grid/ports.ts';
import { GridSessionFactory } from '../../src/session/grid-sessions.ts';
import { WebDriverSession } from '../../src/session/webdriver-session.ts';
import { defaultSiteRunOptions, runSite } from '../../src/session/run-site.ts';
import { loginPage, servePages, type PageServer } from '../helpers/pages.ts';
import type { Site } from '../../src/types.ts';
import { tempDir } from '../helpers/temp.ts';

/** A page that leaves every kind of state a site can leave. */
const messyPage = `<!doctype html><title>messy</title><form><input type=password></form><script>
  document.cookie = 'visited=yes; max-age=3600';
  localStorage.setItem('local', '1');
  sessionStorage.setItem('session', '1');
  indexedDB.open('kept', 1).onupgradeneeded = (e) => e.target.result.createObjectStore('s');
  window.onbeforeunload = (e) => { e.preventDefault(); return 'stay'; };
</script>`;

/** What the next page of the same origin can see of it. */
const probe = `return (async () => ({
  cookie: document.cookie,
  local: localStorage.length,
  session: sessionStorage.length,
  databases: (await indexedDB.databases()).map((d) => d.name),
}))();`;

describe('WebDriverSession (real grid)', function () {
  this.timeout(300_000);
  let grid: LocalGrid;
  let pages: PageServer;
  let session: WebDriverSession;

  before(async () => {
    const popups = `<script>window.open('/popup'); window.open('/popup');</script>`;
    pages = await servePages({ '/messy': messyPage, '/messy-popups': messyPage + popups, '/popup': '<title>popup</title>', '/next': '<title>next</title>', '/forbidden': { status: 403, body: loginPage } });
    grid = await startLocalGrid({ nodes: 1, slots: 1, port: 0, stateDir: await tempDir('grid-run-reset-') });
    const factory = new GridSessionFactory({ hub: new HttpHubClient(grid.hubUrl), run: defaultSiteRunOptions });
    session = await factory.open(new AbortController().signal);
  });
  after(async () => {
    await session?.close();
    await grid?.stop();
    await pages?.close();
  });

  const site = (id: string, path: string, expect: Site['expect']): Site => ({ id, url: `${pages.url}${path}`, tags: [], steps: [], expect, source: 'test' });

  it('names the HTTP status when a site fails on an error page', async () => {
    const outcome = await session.run(site('missing', '/missing', { login: true }), 1);
    assert.equal(outcome.status, 'failed');
    assert.match(outcome.message ?? '', /^login: expected a login form, detected none .*\(the server answered HTTP 404 for http:\/\/127\.0\.0\.1:\d+\/missing\)$/);
    await session.reset();
  });

  it('judges an error page that holds a login form like any other page', async () => {
    const outcome = await session.run(site('forbidden', '/forbidden', { login: true }), 1);
    assert.equal(outcome.status, 'passed', outcome.message);
    await session.reset();
  });

  it('takes screenshots of failed sites only, unless asked for all', async () => {
    const passing = site('passing', '/forbidden', { login: true });
    const failing = site('failing', '/forbidden', { login: false });
    for (const screenshotsOf of ['failures', 'all'] as const) {
      const screenshotDir = await tempDir(`grid-run-shots-${screenshotsOf}-`);
      const options = { ...defaultSiteRunOptions, screenshotDir, screenshotsOf };
      const outlined = (path: string | null | undefined) =>
        session.driver.executeScript<string>(`return getComputedStyle(document.querySelector(arguments[0])).outlineStyle;`, path);
      const passed = await runSite(session.driver, passing, options);
      // A passing site is outlined only when its screenshot is taken.
      assert.equal(await outlined(passed.detection?.password), screenshotsOf === 'all' ? 'solid' : 'none');
      const failed = await runSite(session.driver, failing, options);
      assert.equal(await outlined(failed.detection?.password), 'solid', 'the screenshot of a failed site shows the detected fields');
      assert.deepEqual([passed.status, failed.status], ['passed', 'failed']);
      assert.ok(failed.screenshot?.startsWith(screenshotDir), 'a failed site has its screenshot');
      assert.equal(passed.screenshot === undefined, screenshotsOf === 'failures');
      assert.equal((await readdir(screenshotDir)).length, screenshotsOf === 'all' ? 2 : 1);
    }
    await session.reset();
  });

  // On a grid whose node runs here, the reset talks DevTools to the browser itself; with the
  // node elsewhere, over the session's `se:cdp` socket at the hub; a session with no hub (no
  // `se:cdp`) clears the same through WebDriver commands.
  const ways = {
    'browser devtools': () => session,
    'hub devtools': () => new WebDriverSession(session.driver, { id: session.id, hubUrl: grid.hubUrl }, defaultSiteRunOptions),
    webdriver: () => new WebDriverSession(session.driver, { id: session.id }, defaultSiteRunOptions),
  };
  it("falls back to the hub's DevTools socket when the browser's own address does not answer", async () => {
    const resetting = new WebDriverSession(session.driver, { id: session.id, hubUrl: grid.hubUrl, debuggerAddress: `127.0.0.1:${await freePort()}` }, defaultSiteRunOptions);
    await session.driver.get(`${pages.url}/messy`);
    await resetting.reset();
    assert.equal(resetting.lastResetVia, 'hub devtools');
    await session.driver.get(`${pages.url}/next`);
    assert.deepEqual(await session.driver.executeScript(probe), { cookie: '', local: 0, session: 0, databases: [] });
  });

  for (const [way, sessionFor] of Object.entries(ways)) {
    it(`clears cookies, local and session storage, IndexedDB and extra windows (through ${way}), and lets the next page load`, async () => {
      const resetting = sessionFor();
      const driver = session.driver;
      await driver.get(`${pages.url}/messy`);
      await driver.executeScript(`window.open('${pages.url}/popup'); window.open('${pages.url}/popup');`);
      await driver.wait(async () => (await driver.getAllWindowHandles()).length === 3, 10_000);
      // The page's state is really there before the reset.
      const before = await driver.executeScript<{ cookie: string; local: number; session: number; databases: string[] }>(probe);
      assert.deepEqual(before, { cookie: 'visited=yes', local: 1, session: 1, databases: ['kept'] });

      await resetting.reset();

      assert.equal(resetting.lastResetVia, way);
      assert.equal((await driver.getAllWindowHandles()).length, 1, 'the extra windows are closed');
      // The beforeunload handler is gone: the navigation is not held by a dialog.
      await driver.get(`${pages.url}/next`);
      assert.equal(await driver.getTitle(), 'next');
      const after = await driver.executeScript(probe);
      assert.deepEqual(after, { cookie: '', local: 0, session: 0, databases: [] });
    });

    it(`clears what a site's run left, the page's own storage in its detection run (through ${way})`, async () => {
      const resetting = sessionFor();
      const outcome = await resetting.run(site('messy', '/messy-popups', undefined), 1);
      assert.equal(outcome.status, 'passed', outcome.message);
      assert.equal((await session.driver.getAllWindowHandles()).length, 3, 'the page opened its popups');
      const { cookie, local, session: kept } = await session.driver.executeScript<{ cookie: string; local: number; session: number }>(probe);
      assert.deepEqual({ cookie, local, kept }, { cookie: 'visited=yes', local: 0, kept: 0 }, 'the detection run cleared the storage, not the cookie');
      await resetting.reset();
      assert.equal(resetting.lastResetVia, way);
      assert.equal((await session.driver.getAllWindowHandles()).length, 1, 'the extra windows are closed');
      await session.driver.get(`${pages.url}/next`);
      assert.deepEqual(await session.driver.executeScript(probe), { cookie: '', local: 0, session: 0, databases: [] });
    });
  }
});
