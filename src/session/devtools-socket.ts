// A DevTools connection to a session's browser without going through chromedriver: the
// browser's own endpoint when its node runs on this machine, else the `se:cdp` WebSocket the
// hub hands out with each session (`/session/<id>/se/cdp`). Over one socket the hub relays
// frames; each WebDriver command is an HTTP request the hub and the node route and parse,
// several times the CPU. WebDriver's own route to DevTools is here too, for browsers reached
// without a hub.
import type { WebDriver } from 'selenium-webdriver';
import WebSocket from 'ws';

/**
 * The session's DevTools WebSocket at the hub. Built from the hub's own address, not taken from
 * the `se:cdp` capability: there the hub puts the address it advertises, which need not be one
 * this machine can (or may) reach.
 */
export function gridDevToolsUrl(hubUrl: string, sessionId: string): string {
  return `${hubUrl.replace(/^http/, 'ws').replace(/\/+$/, '')}/session/${encodeURIComponent(sessionId)}/se/cdp`;
}

/**
 * The browser's own DevTools WebSocket (`ws://localhost:<port>/devtools/browser/<id>`), from
 * chromedriver's `debuggerAddress`: reachable only on the node's machine, and with no Java relay
 * in between: the reset's commands cost less there, wall and CPU, than through the hub's
 * `se/cdp` (README, Performance: what one command costs).
 */
export async function browserDevToolsUrl(debuggerAddress: string, timeoutMs = 2000): Promise<string> {
  const res = await fetch(`http://${debuggerAddress}/json/version`, { signal: AbortSignal.timeout(timeoutMs) });
  if (!res.ok) throw new DevToolsError(`${debuggerAddress} answered HTTP ${res.status} for its DevTools version`);
  const { webSocketDebuggerUrl } = (await res.json()) as { webSocketDebuggerUrl?: string };
  if (!webSocketDebuggerUrl) throw new DevToolsError(`${debuggerAddress} named no DevTools WebSocket`);
  // Its path only: the socket is opened where the question was asked, whatever host it names.
  return `ws://${debuggerAddress}${new URL(webSocketDebuggerUrl).pathname}`;
}

/**
 * One DevTools command through WebDriver (chromedriver's `goog/cdp/execute`): an HTTP request
 * through the hub and the node. Rejects for a browser whose driver has no such route.
 */
export async function sendThroughWebDriver<T = unknown>(driver: WebDriver, method: string, params: object = {}): Promise<T> {
  const chromium = driver as unknown as { sendAndGetDevToolsCommand?(method: string, params?: object): Promise<T> };
  if (!chromium.sendAndGetDevToolsCommand) throw new DevToolsError(`this browser's driver has no DevTools route for ${method}`);
  return chromium.sendAndGetDevToolsCommand(method, params);
}

/** Why a command has no result: the browser's error answer, the connection ending, or no answer in time. */
export type DevToolsFailure = 'error' | 'closed' | 'timeout';

export class DevToolsError extends Error {
  readonly failure: DevToolsFailure;
  constructor(message: string, failure: DevToolsFailure = 'error') {
    super(message);
    this.failure = failure;
  }
}

type Reply = { id?: number; result?: unknown; error?: { message?: string } };

/**
 * A command's parameters as JSON once, for one sent on many sockets: the detector's install is
 * 47 KB, and a thousand sessions opening at once stringified it a thousand times (issue 16).
 */
export class EncodedParams {
  /** UTF-8 once too: encoding the string again for each socket was most of what was left. */
  readonly bytes: Buffer;
  constructor(params: object) {
    this.bytes = Buffer.from(JSON.stringify(params), 'utf8');
  }
}

export class DevToolsSocket {
  readonly #socket: WebSocket;
  readonly #pending = new Map<number, { resolve: (value: unknown) => void; reject: (err: Error) => void }>();
  #nextId = 0;
  #closed: DevToolsError | undefined;

  private constructor(socket: WebSocket) {
    this.#socket = socket;
    socket.on('message', (data: WebSocket.RawData) => {
      let reply: Reply;
      try {
        reply = JSON.parse((data as Buffer).toString('utf8')) as Reply; // ws's default binaryType: one Buffer a message
      } catch {
        return this.#fail(new DevToolsError('the DevTools connection sent something that is not JSON', 'closed'));
      }
      const waiter = reply.id === undefined ? undefined : this.#pending.get(reply.id);
      if (!waiter) return; // an event: nothing here subscribes to any
      this.#pending.delete(reply.id!);
      if (reply.error) waiter.reject(new DevToolsError(reply.error.message ?? JSON.stringify(reply.error)));
      else waiter.resolve(reply.result);
    });
    socket.on('close', () => this.#fail(new DevToolsError('the DevTools connection closed', 'closed')));
    socket.on('error', () => undefined); // a 'close' follows, which fails what is pending
  }

  /**
   * Opens the connection; rejects when it is not open within `timeoutMs`. Without per-message
   * compression: Node's own WebSocket always offers it, Chromium and the hub accept it, and then
   * every answer costs a zlib inflate, most of the CLI's CPU for a reset (issue 16).
   */
  static async connect(url: string, timeoutMs = 5000): Promise<DevToolsSocket> {
    const socket = new WebSocket(url, { perMessageDeflate: false, handshakeTimeout: timeoutMs });
    try {
      await new Promise<void>((resolve, reject) => {
        socket.once('open', () => resolve());
        socket.once('error', reject);
      });
      return new DevToolsSocket(socket);
    } catch (err) {
      socket.terminate();
      throw new DevToolsError(`cannot connect to ${url}: ${(err as Error).message}`);
    }
  }

  /** The WebSocket extensions in use: none. */
  get extensions(): string {
    return this.#socket.extensions;
  }

  get closed(): boolean {
    return this.#closed !== undefined;
  }

  /**
   * Sends one command (to the page `sessionId` when given, else to the browser) and waits for
   * its answer, at most `timeoutMs`; a command that times out leaves the connection unusable,
   * since a later answer could not be told from a current one.
   */
  send<T = unknown>(method: string, params: object | EncodedParams = {}, options: { sessionId?: string; timeoutMs?: number } = {}): Promise<T> {
    if (this.#closed) return Promise.reject(this.#closed);
    const id = ++this.#nextId;
    const timeoutMs = options.timeoutMs ?? 5000;
    return new Promise<T>((resolve, reject) => {
      const timer = setTimeout(() => this.#fail(new DevToolsError(`${method} got no answer in ${timeoutMs} ms`, 'timeout')), timeoutMs);
      this.#pending.set(id, {
        resolve: (value) => {
          clearTimeout(timer);
          resolve(value as T);
        },
        reject: (err) => {
          clearTimeout(timer);
          reject(err);
        },
      });
      const head = JSON.stringify({ id, method, ...(options.sessionId ? { sessionId: options.sessionId } : {}) });
      if (params instanceof EncodedParams) this.#socket.send(Buffer.concat([Buffer.from(`${head.slice(0, -1)},"params":`), params.bytes, Buffer.from('}')]), { binary: false });
      else this.#socket.send(`${head.slice(0, -1)},"params":${JSON.stringify(params)}}`);
    });
  }

  close(): void {
    this.#fail(new DevToolsError('the DevTools connection was closed', 'closed'));
  }

  #fail(reason: DevToolsError): void {
    this.#closed ??= reason;
    for (const waiter of this.#pending.values()) waiter.reject(reason);
    this.#pending.clear();
    this.#socket.terminate(); // close() would wait up to 30 s for the other side's close frame
  }
}
