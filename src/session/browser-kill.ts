// The way out when chromedriver is stuck: a page whose scripts never yield can leave a
// command waiting on the renderer for good, and every later command of the session (quit
// included) queues behind it, holding the node's slot until the node's session timeout.
// The browser itself still answers DevTools, so it is closed through the grid's CDP proxy
// (the session's `se:cdp` address), a connection that does not go through chromedriver.
import { DevToolsError, DevToolsSocket } from './devtools-socket.ts';

/** Closes the session's browser through its `se:cdp` address. True when the browser acknowledged it. */
export async function closeBrowserThroughGrid(cdpUrl: string, timeoutMs = 5000): Promise<boolean> {
  let socket: DevToolsSocket;
  try {
    socket = await DevToolsSocket.connect(cdpUrl, timeoutMs);
  } catch {
    return false;
  }
  try {
    await socket.send('Browser.close', {}, { timeoutMs });
    return true;
  } catch (err) {
    // A browser that closes before answering has done what was asked.
    return err instanceof DevToolsError && err.failure === 'closed';
  } finally {
    socket.close();
  }
}
