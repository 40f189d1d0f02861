// The set-up of the tests that run in-page code in a real browser: a local headless Chromium
// (offline), pages served on 127.0.0.1, and a second server on another origin for cross-origin frames.
import { OFFLINE_ARGS } from '../../src/eval/browsers.ts';
import { startLocalChrome, type LocalChrome } from '../../src/session/local-chrome.ts';
import { servePages, type PageServer } from './pages.ts';
import { forSuite } from './suite.ts';

type Pages = Parameters<typeof servePages>[0];

export type BrowserPages = { chrome: LocalChrome; pages: PageServer; other: PageServer; close(): Promise<void> };

/**
 * Serves `otherPages`, then `pages(otherOrigin)`, whose frames can point at `otherOrigin` (the
 * other server as `localhost`: another host and port, so another origin), and starts Chromium.
 */
export async function startBrowserPages(otherPages: Pages, pages: (otherOrigin: string) => Pages): Promise<BrowserPages> {
  const other = await servePages(otherPages);
  const served = await servePages(pages(other.url.replace('127.0.0.1', 'localhost')));
  const chrome = await startLocalChrome({ args: OFFLINE_ARGS });
  return {
    chrome,
    pages: served,
    other,
    close: async () => {
      await chrome.stop();
      await served.close();
      await other.close();
    },
  };
}

/** startBrowserPages for the calling suite: started in its before hook, closed in its after hook. */
export function browserPagesForSuite(otherPages: Pages, pages: (otherOrigin: string) => Pages): Readonly<Omit<BrowserPages, 'close'>> {
  const made = forSuite(() => startBrowserPages(otherPages, pages), (browser) => browser.close());
  return {
    get chrome() {
      return made().chrome;
    },
    get pages() {
      return made().pages;
    },
    get other() {
      return made().other;
    },
  };
}
