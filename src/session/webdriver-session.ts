// A Session (src/dispatch/session-factory.ts) over one WebDriver session.
import pTimeout from 'p-timeout';
import type { WebDriver } from 'selenium-webdriver';
import type { Session, SiteOutcome } from '../dispatch/session-factory.ts';
import type { Site } from '../types.ts';
import { runSite, type PageRunner, type SiteRunOptions } from './run-site.ts';
import { closeBrowserThroughGrid } from './browser-kill.ts';
import { browserDevToolsUrl, DevToolsSocket, EncodedParams, gridDevToolsUrl, sendThroughWebDriver } from './devtools-socket.ts';
import { clearPageCall } from '../detector/bundle.ts';
import { builtinDetector } from '../detector/detector.ts';
import { installSource, markInstalled, runInPage, type PagePart } from '../detector/page-scripts.ts';
import { poll } from '../wait.ts';

/** What a page can keep for the next one besides cookies and the tab's session storage. */
/** Bound on extra windows disappearing after DevTools closed them (closing is asynchronous). */
const extraWindowsCloseMs = 1000;

export const originStorage = 'local_storage,indexeddb,cache_storage,service_workers,file_systems';

/** Which DevTools endpoint the session's socket reached. */
type DevToolsRoute = 'browser devtools' | 'hub devtools';
/** How a reset reached the browser. */
export type ResetRoute = DevToolsRoute | 'webdriver';

/**
 * The session's DevTools connection: its route, the DevTools session of the main window on it
 * (origin storage is cleared through a page), and the detector's bundles installed there in
 * every new document, unless that failed.
 */
type SessionDevTools = { socket: DevToolsSocket; route: DevToolsRoute; pageSession: string; installed?: readonly PagePart[] };

export class WebDriverSession implements Session {
  readonly id: string;
  readonly node?: string;
  readonly browserVersion?: string;
  readonly #driver: WebDriver;
  readonly #options: SiteRunOptions;
  readonly #runPage: PageRunner;
  /** The session's DevTools address at the hub (`/session/<id>/se/cdp`), when it came from a grid. */
  readonly #cdpUrl: string | undefined;
  /** chromedriver's `debuggerAddress` of the browser, when its node runs on this machine. */
  readonly debuggerAddress?: string;
  #closed = false;
  #mainWindow: string | undefined;
  /** The browser's DevTools connection for resets and the detector's install, opened along with the first site; false when it cannot be had. */
  #devtools: Promise<SessionDevTools | false> | undefined;
  /** The connection once it is open (what #devtools resolved to). */
  #devtoolsOpen: SessionDevTools | false | undefined;
  /** The origin of the last site's page when its detection run already cleared the page. */
  #clearedOrigin: string | undefined;
  #lastResetVia: ResetRoute | undefined;

  constructor(
    driver: WebDriver,
    info: { id: string; node?: string; browserVersion?: string; hubUrl?: string; debuggerAddress?: string },
    options: SiteRunOptions,
    runPage: PageRunner = runSite,
  ) {
    this.#driver = driver;
    this.#runPage = runPage;
    this.#cdpUrl = info.hubUrl && gridDevToolsUrl(info.hubUrl, info.id);
    this.debuggerAddress = info.debuggerAddress;
    this.id = info.id;
    this.node = info.node;
    this.browserVersion = info.browserVersion;
    this.#options = { ...options, clearStorage: true };
  }

  get driver(): WebDriver {
    return this.#driver;
  }

  /** How the last reset reached the browser (for tests and diagnostics). */
  get lastResetVia(): ResetRoute | undefined {
    return this.#lastResetVia;
  }

  async run(site: Site, _attempt: number): Promise<SiteOutcome> {
    this.#clearedOrigin = undefined;
    // Connected while the first page loads, not when the first reset needs it: under load,
    // connecting and attaching cost a second.
    this.#devtools ??= this.#connectDevTools();
    // Documents loaded from now on hold the detector when it was installed before this site;
    // the first site's page may be loading already, so it runs the full scripts.
    const devtools = this.#devtoolsOpen;
    markInstalled(this.#driver, devtools && !devtools.socket.closed ? devtools.installed : undefined);
    const outcome = await this.#runPage(this.#driver, site, this.#options);
    // The detection's script run cleared the page it ran in (clearStorage): the reset need not.
    if (outcome.page) this.#clearedOrigin = originOf(outcome.page.url);
    return outcome;
  }

  /**
   * Clears what one site could leave for the next without navigating anywhere, which would cost
   * a page load (README, Performance). The page's own storage (session and local storage, its
   * beforeunload handler) is cleared in the page, usually by the site's detection run already;
   * cookies and the origin's storage are cleared and extra windows closed through DevTools, over
   * a WebSocket to the browser itself when its node runs on this machine, else the session's
   * `se:cdp` at the hub: cheaper than WebDriver commands relayed by the hub and the node.
   * Dialogs need nothing here: sessions are opened with unhandledPromptBehavior "dismiss".
   */
  async reset(): Promise<void> {
    // The in-page half, when the site's detection run did not get to do it (a site that failed before).
    const origin = this.#clearedOrigin ?? originOf(await runInPage<string>(this.#driver, await clearPageCall()));
    this.#clearedOrigin = undefined;
    const devtools = await (this.#devtools ??= this.#connectDevTools());
    if (devtools && !devtools.socket.closed) {
      try {
        await this.#resetThroughSocket(devtools, origin);
        this.#lastResetVia = devtools.route;
        return;
      } catch {
        // A connection that failed once is not trusted again; WebDriver's commands do the same.
        devtools.socket.close();
        this.#devtools = Promise.resolve(false);
        this.#devtoolsOpen = false;
        markInstalled(this.#driver, undefined); // the install went with the connection
      }
    }
    await this.#resetThroughWebDriver(origin);
    this.#lastResetVia = 'webdriver';
  }

  /**
   * The browser's own DevTools endpoint when it is on this machine, else the hub's; never
   * rejects: without either, every reset goes through WebDriver.
   */
  async #connectDevTools(): Promise<SessionDevTools | false> {
    const devtools = await this.#openDevTools();
    this.#devtoolsOpen = devtools;
    return devtools;
  }

  async #openDevTools(): Promise<SessionDevTools | false> {
    const routes: [DevToolsRoute, () => Promise<string>][] = [];
    if (this.debuggerAddress) routes.push(['browser devtools', () => browserDevToolsUrl(this.debuggerAddress!)]);
    if (this.#cdpUrl) routes.push(['hub devtools', () => Promise.resolve(this.#cdpUrl!)]);
    for (const [route, url] of routes) {
      let socket: DevToolsSocket | undefined;
      try {
        socket = await DevToolsSocket.connect(await url());
        // The session's one window is its one page target (a window handle is a target id); asked
        // here rather than through WebDriver, whose commands wait for the page the site is loading.
        const pages = await pageTargets(socket);
        this.#mainWindow ??= pages.length === 1 ? pages[0]! : await this.#driver.getWindowHandle();
        const attached = await socket.send<{ sessionId: string }>('Target.attachToTarget', { targetId: this.#mainWindow, flatten: true });
        return { socket, route, pageSession: attached.sessionId, installed: await this.#install(socket, attached.sessionId) };
      } catch {
        socket?.close();
      }
    }
    return false;
  }

  /**
   * The detector's bundles in every new document of the main window, so that a site's script
   * runs send only a call (src/detector/page-scripts.ts). The Page domain must stay enabled for
   * it (disabling it drops the scripts), and the install lasts as long as this connection.
   * Undefined when it fails: every site then sends the full scripts.
   */
  async #install(socket: DevToolsSocket, pageSession: string): Promise<readonly PagePart[] | undefined> {
    try {
      const parts = await (this.#options.detector ?? builtinDetector).parts();
      await socket.send('Page.enable', {}, { sessionId: pageSession });
      await socket.send('Page.addScriptToEvaluateOnNewDocument', installParams(parts), { sessionId: pageSession });
      return parts;
    } catch {
      return undefined;
    }
  }

  async #resetThroughSocket({ socket, pageSession }: SessionDevTools, origin: string | undefined): Promise<void> {
    const extraPages = async () => (await pageTargets(socket)).filter((targetId) => targetId !== this.#mainWindow);
    const [extra] = await Promise.all([
      extraPages(),
      socket.send('Storage.clearCookies'),
      origin ? socket.send('Storage.clearDataForOrigin', { origin, storageTypes: originStorage }, { sessionId: pageSession }) : undefined,
    ]);
    if (extra.length === 0) return;
    await Promise.all(extra.map((targetId) => socket.send('Target.closeTarget', { targetId })));
    // Closing is asynchronous; the next WebDriver command must not find the windows still there.
    await poll(async () => ((await extraPages()).length === 0 ? { done: true } : { last: 'still open' }), {
      timeoutMs: extraWindowsCloseMs,
      intervalMs: 20,
      timedOut: () => new Error(`extra windows still open ${extraWindowsCloseMs} ms after closing them`),
    });
  }

  async #resetThroughWebDriver(origin: string | undefined): Promise<void> {
    const driver = this.#driver;
    const [handles] = await Promise.all([driver.getAllWindowHandles(), sendThroughWebDriver(driver, 'Network.clearBrowserCookies')]);
    this.#mainWindow ??= handles[0];
    if (origin) await sendThroughWebDriver(driver, 'Storage.clearDataForOrigin', { origin, storageTypes: originStorage });
    if (handles.length > 1) {
      for (const handle of handles) {
        if (handle === this.#mainWindow) continue;
        await driver.switchTo().window(handle);
        await driver.close();
      }
      await driver.switchTo().window(this.#mainWindow!);
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
    void this.#devtools?.then((devtools) => devtools && devtools.socket.close());
    const quit = this.#driver.quit().then(
      () => true,
      () => true,
    );
    if (await pTimeout(quit, { milliseconds: 5000, message: false })) return;
    if (this.#cdpUrl) await closeBrowserThroughGrid(this.#cdpUrl);
    await pTimeout(quit, { milliseconds: 10_000, message: false });
  }
}

// By the parts' keys, which name their content: one entry per detector a process uses.
const installs = new Map<string, EncodedParams>();

/** The install's parameters, encoded once for every session of the same detector parts. */
function installParams(parts: readonly PagePart[]): EncodedParams {
  const key = parts.map((p) => p.key).join('\n');
  let params = installs.get(key);
  if (!params) installs.set(key, (params = new EncodedParams({ source: installSource(parts) })));
  return params;
}

/** The target ids of the browser's pages (tabs and windows; a window handle is its target id). */
async function pageTargets(socket: DevToolsSocket): Promise<string[]> {
  const { targetInfos } = await socket.send<{ targetInfos: { targetId: string; type: string }[] }>('Target.getTargets');
  return targetInfos.filter((t) => t.type === 'page').map((t) => t.targetId);
}

/** A page's origin (from its URL, or an origin itself), or undefined for none (about:blank, data:, `null`). */
function originOf(url: string): string | undefined {
  try {
    const { origin } = new URL(url);
    return origin === 'null' ? undefined : origin;
  } catch {
    return undefined;
  }
}
