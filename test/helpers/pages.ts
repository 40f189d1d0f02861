// A throwaway HTTP server on 127.0.0.1 serving fixed pages, for tests that need a page and
// nothing else.
import { createServer, type Server } from 'node:http';
import { forSuite } from './suite.ts';

export type PageServer = { url: string; close(): Promise<void> };

/** Pages by path: a body (served with 200), or a status and a body. Other paths get a 404. */
export async function servePages(pages: Record<string, string | { status: number; body: string }>): Promise<PageServer> {
  const server: Server = createServer((req, res) => {
    const page = pages[req.url ?? '/'];
    if (page === undefined) {
      res.writeHead(404).end('not found');
      return;
    }
    const { status, body } = typeof page === 'string' ? { status: 200, body: page } : page;
    res.writeHead(status, { 'content-type': 'text/html; charset=utf-8' }).end(body);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  if (!address || typeof address === 'string') throw new Error('no address');
  return {
    url: `http://127.0.0.1:${address.port}`,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

/** servePages for the calling suite: serving from its before hook, closed in its after hook. */
export function pagesForSuite(pages: Parameters<typeof servePages>[0]): () => PageServer {
  return forSuite(() => servePages(pages), (server) => server.close());
}

export const loginPage =
  '<!doctype html><title>Sign in</title><form><input name=user autocomplete=username><input type=password name=pw><button>Sign in</button></form>';

export type CountingServer = PageServer & {
  /** Requests answered so far: a test waits on it to act "mid-run". */
  served: () => number;
  /** From now on, login pages are never answered (their requests stay open until close()). */
  hold: () => void;
  /** Requests held open by hold() so far. */
  held: () => number;
};

/**
 * A login page at every path, answered after `delayMs` (so a run lasts long enough to be
 * interrupted); `/never`, which sends half a page and never finishes; and `/loop`, a login
 * page whose script runs forever once loaded. After hold(), login pages are never answered: a
 * session loading one is busy until its page-load timeout.
 */
export async function serveLoginPages(options: { delayMs?: number } = {}): Promise<CountingServer> {
  let served = 0;
  let holding = false;
  let held = 0;
  const open = new Set<import('node:http').ServerResponse>();
  const server: Server = createServer((req, res) => {
    served++;
    const path = new URL(req.url ?? '/', 'http://x').pathname;
    if (path === '/never') {
      res.writeHead(200, { 'content-type': 'text/html' });
      res.write('<!doctype html><p>loading');
      open.add(res);
      return;
    }
    if (path === '/loop') {
      // Loads, then its script runs forever: the renderer never answers again. The loop is
      // queued by the load handler itself, so it starts before any command sent after the
      // load event can reach the page (a delay would let a quick detection pass first).
      res.writeHead(200, { 'content-type': 'text/html' }).end(`${loginPage}<script>addEventListener('load', () => setTimeout(() => { for (;;) {} }, 0));</script>`);
      return;
    }
    // Only page loads are held: a favicon request, which a browser may send after a page has
    // loaded, would count as a session waiting on a page while it is busy elsewhere.
    if (holding && path !== '/favicon.ico') {
      held++;
      open.add(res);
      return;
    }
    setTimeout(() => res.writeHead(200, { 'content-type': 'text/html' }).end(loginPage), options.delayMs ?? 150);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  return {
    url: `http://127.0.0.1:${port}`,
    served: () => served,
    hold: () => {
      holding = true;
    },
    held: () => held,
    close: async () => {
      for (const res of open) res.destroy();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
