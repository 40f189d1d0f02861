// Browsers for eval: a local Chromium through chromedriver, or sessions on a grid.
import { Builder } from 'selenium-webdriver';
import { errorMessage, InfrastructureError } from '../errors.ts';
import { gridCapabilities } from '../session/grid-sessions.ts';
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
  return async () => {
    try {
      const driver = await new Builder().usingServer(grid).withCapabilities(gridCapabilities(extra, extensions)).build();
      return { driver, stop: () => driver.quit().catch(() => undefined) };
    } catch (err) {
      throw new InfrastructureError(`eval: could not open a session on the grid at ${grid}: ${errorMessage(err).split('\n')[0]}`, { cause: err });
    }
  };
}
