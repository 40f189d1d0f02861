// Sessions in Chromiums started on this machine, each through its own chromedriver, no grid:
// what eval runs on without --grid. The dispatcher uses them as it uses a grid's.
import type { SessionFactory } from '../dispatch/session-factory.ts';
import { startLocalChrome, type LocalChromeOptions } from './local-chrome.ts';
import type { PageRunner, SiteRunOptions } from './run-site.ts';
import { WebDriverSession } from './webdriver-session.ts';

export type LocalSessionOptions = {
  chrome: LocalChromeOptions;
  run: SiteRunOptions;
  /** What each session does with a site (default: runSite). */
  runPage?: PageRunner;
};

export class LocalChromeSessions implements SessionFactory {
  readonly #options: LocalSessionOptions;

  constructor(options: LocalSessionOptions) {
    this.#options = options;
  }

  /** A new Chromium; throws an InfrastructureError when it cannot start (startLocalChrome). */
  async open(signal: AbortSignal): Promise<WebDriverSession> {
    signal.throwIfAborted();
    const chrome = await startLocalChrome(this.#options.chrome);
    const { driver } = chrome;
    try {
      const [session, caps] = await Promise.all([driver.getSession(), driver.getCapabilities()]);
      // The browser runs here, so its DevTools address is reachable: resets go straight to it.
      const debuggerAddress = (caps.get('goog:chromeOptions') as { debuggerAddress?: string } | undefined)?.debuggerAddress;
      const info = { id: session.getId(), browserVersion: caps.get('browserVersion') as string | undefined, debuggerAddress };
      return new WebDriverSession(driver, info, this.#options.run, this.#options.runPage);
    } catch (err) {
      await chrome.stop();
      throw err;
    }
  }
}
