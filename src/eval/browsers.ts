// Browsers for eval: a local Chromium through chromedriver, or sessions on a grid.
import { Builder, type WebDriver } from 'selenium-webdriver';
import { errorMessage, InfrastructureError } from '../errors.ts';
import { HttpHubClient } from '../grid/hub-client.ts';
import { extensionRefusal, gridCapabilities, locateNode, refusedAtMost } from '../session/grid-sessions.ts';
import { startLocalChrome } from '../session/local-chrome.ts';
import type { EvalBrowser } from './run-eval.ts';

/**
 * Saved pages reference stylesheets, images and frames on their original hosts. These
 * flags make every such request fail at once inside Chromium, so nothing leaves the machine
 * and no page waits on a host it cannot reach; loopback (the static server) is not proxied.
 */
export const OFFLINE_ARGS = ['--proxy-server=http://127.0.0.1:9', '--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1, EXCLUDE localhost'];

export function browserFactory(grid: string | undefined, offline: boolean, extensions: readonly string[] = []): () => Promise<EvalBrowser> {
  const extra = offline ? OFFLINE_ARGS : [];
  if (!grid) return () => startLocalChrome({ args: extra, extensions });
  const open = () => new Builder().usingServer(grid).withCapabilities(gridCapabilities(extra, extensions)).build();
  return async () => {
    try {
      const driver = extensions.length ? await openOnExtensionNode(grid, open) : await open();
      return { driver, stop: () => driver.quit().catch(() => undefined) };
    } catch (err) {
      throw new InfrastructureError(`eval: could not open a session on the grid at ${grid}: ${errorMessage(err).split('\n')[0]}`, { cause: err });
    }
  };
}

/** A session on a node that runs extensions: those that land elsewhere are held until one does, then quit. */
async function openOnExtensionNode(grid: string, open: () => Promise<WebDriver>): Promise<WebDriver> {
  const hub = new HttpHubClient(grid);
  const refused: WebDriver[] = [];
  try {
    for (;;) {
      const driver = await open();
      const refusal = extensionRefusal(await locateNode(() => hub.status(), (await driver.getSession()).getId()));
      if (!refusal) return driver;
      refused.push(driver);
      if (refused.length > refusedAtMost) throw new InfrastructureError(refusal);
    }
  } finally {
    await Promise.all(refused.map((d) => d.quit().catch(() => undefined)));
  }
}
