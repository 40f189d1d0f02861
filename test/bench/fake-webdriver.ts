// A minimal W3C WebDriver endpoint that answers at once, standing in for a very large grid in
// the CLI's scale bench (issue 16): grid-run's real client code talks to it as to a hub, and
// what the run costs is then the CLI's own cost, not a browser's. It answers what grid-run's
// session code calls (each route it meets is counted, an unknown one answered 404 and counted
// too, so that the bench can show what a site costs in commands): the hub's /status and
// GraphQL, new session, timeouts, navigate, execute script (a canned detection that meets the
// site's expectation), window handle, DevTools through WebDriver, delete session, and the
// session's DevTools WebSocket at `/session/<id>/se/cdp` for the reset, with per-message
// compression when the client offers it, as Chromium's DevTools server and the hub accept it.
import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type RawData } from 'ws';

export type FakeWebDriver = {
  url: string;
  /** Requests per route, as `METHOD /path` with ids replaced by `:id`. */
  routes: Map<string, number>;
  /** TCP connections accepted (HTTP and WebSocket): far fewer than requests when keep-alive works. */
  connections(): number;
  /** TCP connections open now: what the client side has not closed yet, or the fake itself. */
  openConnections(): number;
  requests(): number;
  close(): Promise<void>;
};

type Json = Record<string, unknown>;
type Expect = { login?: boolean; username?: string | null; password?: string | null; submit?: string | null };

const onePixelPng = 'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==';

export async function startFakeWebDriver(options: { nodes: number; slotsPerNode: number }): Promise<FakeWebDriver> {
  const routes = new Map<string, number>();
  const sessions = new Map<string, { url: string; node: number }>();
  let connections = 0;
  let open = 0;
  let requests = 0;
  let nextNode = 0;
  const count = (route: string) => routes.set(route, (routes.get(route) ?? 0) + 1);
  let base = '';

  const status = () => {
    const nodes = Array.from({ length: options.nodes }, (_, n) => ({ id: `fake-node-${n}`, uri: `${base}/node-${n}`, availability: 'UP', maxSessions: options.slotsPerNode, slots: [] as Json[] }));
    for (const [sessionId, s] of sessions) nodes[s.node]!.slots.push({ session: { sessionId }, stereotype: { browserName: 'chrome' } });
    for (const node of nodes) while (node.slots.length < options.slotsPerNode) node.slots.push({ session: null, stereotype: { browserName: 'chrome' } });
    return { ready: true, message: 'fake grid ready', nodes };
  };

  const answer = (req: IncomingMessage, body: Json): unknown => {
    const path = (req.url ?? '/').split('?')[0]!;
    const parts = path.split('/').filter(Boolean);
    if (path === '/status' || /^\/node-\d+\/status$/.test(path)) return { value: status() };
    if (path === '/graphql') return { data: { grid: { sessionQueueSize: 0 } } };
    if (parts[0] !== 'session') return undefined;
    if (parts.length === 1 && req.method === 'POST') {
      const sessionId = randomUUID();
      // Sessions fill the nodes in turn, as a hub spreads them.
      sessions.set(sessionId, { url: 'about:blank', node: nextNode++ % options.nodes });
      return { value: { sessionId, capabilities: { browserName: 'chrome', browserVersion: '156.0.0.0', platformName: 'linux', 'goog:chromeOptions': {}, 'se:cdp': `ws://127.0.0.1/session/${sessionId}/se/cdp` } } };
    }
    const session = sessions.get(parts[1] ?? '');
    if (!session) return { status: 404, value: { error: 'invalid session id', message: `no session ${parts[1]}` } };
    const command = parts.slice(2).join('/');
    if (parts.length === 2 && req.method === 'DELETE') {
      sessions.delete(parts[1]!);
      return { value: null };
    }
    if (command === 'url' && req.method === 'POST') {
      session.url = String(body.url);
      return { value: null };
    }
    if (command === 'url') return { value: session.url };
    if (command === 'timeouts' && req.method === 'POST') return { value: null };
    if (command === 'timeouts') return { value: { script: 10_000, pageLoad: 20_000, implicit: 0 } };
    if (command === 'window') return { value: `W-${parts[1]}` };
    if (command === 'window/handles') return { value: [`W-${parts[1]}`] };
    if (command === 'screenshot') return { value: onePixelPng };
    if (command === 'goog/cdp/execute') return { value: body.cmd === 'Page.captureScreenshot' ? { data: onePixelPng } : {} };
    if (command === 'execute/sync') return { value: scriptAnswer(body, session.url) };
    return undefined;
  };

  const server = createServer({ keepAlive: true }, (req: IncomingMessage, res: ServerResponse) => {
    requests++;
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const route = `${req.method} ${(req.url ?? '/').split('?')[0]!.replace(/\/session\/[^/]+/, '/session/:id').replace(/\/node-\d+/, '/node-:n')}`;
      let body: Json = {};
      try {
        if (chunks.length) body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as Json;
      } catch {
        body = {};
      }
      const reply = answer(req, body) as (Json & { status?: number }) | undefined;
      count(reply === undefined ? `${route} (unknown: 404)` : route);
      const { status: code = 200, ...rest } = reply ?? { status: 404, value: { error: 'unknown command', message: `the fake grid has no ${route}` } };
      const text = JSON.stringify(rest);
      res.writeHead(code, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(text) });
      res.end(text);
    });
  });
  server.on('connection', (socket) => {
    connections++;
    open++;
    socket.on('close', () => open--);
  });
  // Compresses its answers when the client offers it, as Chromium and the hub do.
  const sockets = new WebSocketServer({ noServer: true, perMessageDeflate: true });
  server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    socket.on('error', () => socket.destroy()); // a client gone without a close frame
    count(`WS ${(req.url ?? '/').replace(/\/session\/[^/]+/, '/session/:id')}`);
    const sessionId = (req.url ?? '').split('/')[2] ?? '';
    if (!sessions.has(sessionId)) return void socket.end('HTTP/1.1 404 Not Found\r\n\r\n');
    sockets.handleUpgrade(req, socket, head, (ws) => {
      ws.on('message', (data: RawData) => {
        const command = JSON.parse((data as Buffer).toString('utf8')) as { id: number; method: string };
        count(`CDP ${command.method}`);
        const result =
          command.method === 'Target.getTargets' ? { targetInfos: [{ targetId: `W-${sessionId}`, type: 'page' }] } : command.method === 'Target.attachToTarget' ? { sessionId: `P-${sessionId}` } : {};
        ws.send(JSON.stringify({ id: command.id, result }));
      });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url: base,
    routes,
    connections: () => connections,
    openConnections: () => open,
    requests: () => requests,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

/**
 * The answer to a script run: for the detection's run (its first argument holds the site's
 * expectation) a detection that meets it, in the page `url`; for the reset's in-page half, the
 * page's URL; for anything else (outlining), nothing.
 */
function scriptAnswer(body: Json, url: string): unknown {
  const [first] = (body.args as unknown[] | undefined) ?? [];
  if (!first || typeof first !== 'object' || !('outline' in first)) return (body.args as unknown[] | undefined)?.length ? null : url;
  const expect: Expect = (first as { expect?: Expect }).expect ?? {};
  const login = expect.login ?? true;
  const field = (name: 'username' | 'password' | 'submit', fallback: string) => (expect[name] !== undefined ? expect[name] : login ? fallback : null);
  const detection = { login, step: login ? 'full' : 'none', username: field('username', '#user'), password: field('password', 'input[type=password]'), submit: field('submit', 'form button'), confidence: login ? 0.93 : 0.05, signals: login ? ['password field'] : ['no password field'] };
  const same: Json = {};
  for (const name of ['username', 'password', 'submit'] as const) {
    const expected = expect[name];
    if (typeof expected === 'string') same[name] = { same: true, expected: `input${expected}`, detected: `input${expected}` };
  }
  return { ...detection, elapsedMs: 3.1, crossOriginFrames: [], page: { url, status: 200 }, same };
}
