// A Session (src/dispatch/session.ts) over one WebDriver session.
import pTimeout from 'p-timeout';
import type { WebDriver } from 'selenium-webdriver';
import type { Session, SiteOutcome } from '../dispatch/session.ts';
import type { Site } from '../types.ts';
import { runSite, type SiteRunOptions } from './run-site.ts';
import { closeBrowserThroughGrid } from './browser-kill.ts';

type DevTools = { sendAndGetDevToolsCommand(cmd: string, params?: object): Promise<unknown> };

export class WebDriverSession implements Session {
  readonly id: string;
  readonly node?: string;
  readonly browserVersion?: string;
  readonly #driver: WebDriver;
  readonly #options: SiteRunOptions;
  /** The hub the session came from, whose CDP proxy can close the browser when all else hangs. */
  readonly #hubUrl: string | undefined;
  #closed = false;
  #mainWindow: string | undefined;

  constructor(driver: WebDriver, info: { id: string; node?: string; browserVersion?: string; hubUrl?: string }, options: SiteRunOptions) {
    this.#driver = driver;
    this.#hubUrl = info.hubUrl;
    this.id = info.id;
    this.node = info.node;
    this.browserVersion = info.browserVersion;
    this.#options = options;
  }

  get driver(): WebDriver {
    return this.#driver;
  }

  run(site: Site, _attempt: number): Promise<SiteOutcome> {
    return runSite(this.#driver, site, this.#options);
  }

  /**
   * Clears what one site could leave for the next without navigating anywhere: a navigation to
   * about:blank costs as much as loading a small page. Extra windows are closed, storage of the
   * current page is cleared in-page, and cookies and origin storage through DevTools. Dialogs
   * need nothing here: sessions are opened with unhandledPromptBehavior "dismiss".
   */
  async reset(): Promise<void> {
    const driver = this.#driver;
    const handles = await driver.getAllWindowHandles();
    this.#mainWindow ??= handles[0];
    if (handles.length > 1) {
      for (const handle of handles) {
        if (handle === this.#mainWindow) continue;
        await driver.switchTo().window(handle);
        await driver.close();
      }
      await driver.switchTo().window(this.#mainWindow!);
    }
    const origin = (await driver.executeScript(
      `try { sessionStorage.clear(); localStorage.clear(); } catch (e) {}
       window.onbeforeunload = null;
       return location.origin;`,
    )) as string;
    const devtools = driver as unknown as DevTools;
    await devtools.sendAndGetDevToolsCommand('Network.clearBrowserCookies');
    if (origin && origin !== 'null') {
      // What a page can keep for the next one; cookies went above. Naming them is cheaper than
      // 'all' (29 ms vs 37 ms median over 40 resets), which also flushes caches of the browser's own.
      await devtools.sendAndGetDevToolsCommand('Storage.clearDataForOrigin', { origin, storageTypes: 'local_storage,indexeddb,cache_storage,service_workers,file_systems' });
    }
  }

  /**
   * Quits the session. A quit that does not end promptly is stuck behind a command chromedriver
   * cannot finish (a page that never yields): the browser is then closed through the grid,
   * which ends that command and the quit, and frees the node's slot now rather than at the
   * node's session timeout. A session on a dead node cannot be quit at all; that costs 15 s.
   */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    const quit = this.#driver.quit().then(
      () => true,
      () => true,
    );
    if (await pTimeout(quit, { milliseconds: 5000, message: false })) return;
    if (this.#hubUrl) await closeBrowserThroughGrid(this.#hubUrl, this.id);
    await pTimeout(quit, { milliseconds: 10_000, message: false });
  }
}
