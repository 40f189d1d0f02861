// One headless Chromium for a describe of HTML report tests, and the reads a person makes of the page.
import { By } from 'selenium-webdriver';
import type { WebDriver } from 'selenium-webdriver';
import { startLocalChrome, type LocalChrome } from '../../src/session/local-chrome.ts';

export type ReportBrowser = {
  readonly driver: WebDriver;
  /** The "N of M shown" line. */
  shown: () => Promise<string>;
  /** The ids of the rows drawn, top to bottom. */
  rowIds: () => Promise<string[]>;
  /** Picks an option of a filter as a click would. */
  choose: (select: string, value: string) => Promise<void>;
};

export function reportBrowserAll(): ReportBrowser {
  let chrome: LocalChrome | undefined;
  before(async () => {
    chrome = await startLocalChrome();
  });
  after(async () => chrome?.stop());
  const browser: ReportBrowser = {
    get driver() {
      if (!chrome) throw new Error('the browser is started in before()');
      return chrome.driver;
    },
    shown: () => browser.driver.findElement(By.id('shown')).getText(),
    rowIds: () => browser.driver.executeScript<string[]>('return [...document.querySelectorAll("#rows .row .id")].map(e => e.title)'),
    choose: (select, value) => browser.driver.findElement(By.css(`select[name=${select}] option[value="${value}"]`)).click(),
  };
  return browser;
}
