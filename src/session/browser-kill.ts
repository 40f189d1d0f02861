// The way out when chromedriver is stuck: a page whose scripts never yield can leave a
// command waiting on the renderer for good, and every later command of the session (quit
// included) queues behind it, holding the node's slot until the node's session timeout.
// The browser itself still answers DevTools, so it is closed through the grid's CDP proxy
// (`/session/<id>/se/cdp`), a connection that does not go through chromedriver.

/** Closes the session's browser through the hub. True when the browser acknowledged it. */
export async function closeBrowserThroughGrid(hubUrl: string, sessionId: string, timeoutMs = 5000): Promise<boolean> {
  const url = `${hubUrl.replace(/^http/, 'ws').replace(/\/+$/, '')}/session/${encodeURIComponent(sessionId)}/se/cdp`;
  return new Promise<boolean>((resolve) => {
    let socket: WebSocket;
    const done = (ok: boolean) => {
      clearTimeout(timer);
      resolve(ok);
      try {
        socket.close();
      } catch {
        // already closed
      }
    };
    const timer = setTimeout(() => done(false), timeoutMs);
    try {
      socket = new WebSocket(url);
    } catch {
      done(false);
      return;
    }
    socket.onopen = () => socket.send(JSON.stringify({ id: 1, method: 'Browser.close' }));
    socket.onmessage = (event) => {
      const reply = JSON.parse(String(event.data)) as { id?: number; error?: unknown };
      if (reply.id === 1) done(reply.error === undefined);
    };
    // A browser that closes before answering has done what was asked.
    socket.onclose = () => done(true);
    socket.onerror = () => done(false);
  });
}
