// Talks to a Selenium Grid 4 hub over HTTP: /status for readiness and capacity,
// GraphQL for the session queue, the distributor endpoints for draining.
import { InfrastructureError, errorMessage } from '../errors.ts';

export type GridNode = {
  id: string;
  uri: string;
  /** 'UP', 'DOWN' or 'DRAINING' as the hub says it; any other word is kept as it came. */
  availability: string;
  maxSessions: number;
  /** Slots currently running a session. */
  busySlots: number;
  /** Total slots: one per stereotype instance. */
  slots: number;
  browserVersion?: string;
  /** Ids of the sessions running on the node. */
  sessionIds: string[];
  /** Its stereotype carries `grid-run:extensions: true`: its Chromium can run the user's extensions. */
  allowsExtensions?: boolean;
};

export type GridStatus = {
  ready: boolean;
  message: string;
  nodes: GridNode[];
};

export type GridSummary = GridStatus & {
  /** Sessions waiting in the new-session queue (-1 when the hub does not say). */
  queueSize: number;
  totalSlots: number;
  busySlots: number;
  freeSlots: number;
};

/** The part of the hub that the rest of grid-run uses; injected so tests and the scheduler simulation can fake it. */
export interface HubClient {
  readonly url: string;
  status(): Promise<GridStatus>;
  summary(): Promise<GridSummary>;
  drain(nodeId: string): Promise<void>;
  removeNode(nodeId: string): Promise<void>;
}

type RawSlot = { session?: { sessionId?: string } | null; stereotype?: { browserName?: string; browserVersion?: string; 'grid-run:extensions'?: unknown } };
type RawNode = {
  id: string;
  uri: string;
  availability: string;
  maxSessions: number;
  slots?: RawSlot[];
};

export type HubClientOptions = {
  /** Registration secret; required by the hub for drain/remove when it was started with one. */
  secret?: string;
  /** Bound on each HTTP request. */
  timeoutMs?: number;
};

export class HttpHubClient implements HubClient {
  readonly url: string;
  readonly #secret: string | undefined;
  readonly #timeoutMs: number;

  constructor(url: string, options: HubClientOptions = {}) {
    this.url = url.replace(/\/+$/, '');
    this.#secret = options.secret;
    this.#timeoutMs = options.timeoutMs ?? 10_000;
  }

  async status(): Promise<GridStatus> {
    const body = (await this.#request('GET', '/status')) as {
      value?: { ready?: boolean; message?: string; nodes?: RawNode[] };
    };
    const value = body.value ?? {};
    return {
      ready: Boolean(value.ready),
      message: value.message ?? '',
      nodes: (value.nodes ?? []).map(toGridNode),
    };
  }

  async summary(): Promise<GridSummary> {
    const [status, queueSize] = await Promise.all([this.status(), this.#queueSize()]);
    const up = status.nodes.filter((n) => n.availability === 'UP');
    const totalSlots = up.reduce((sum, n) => sum + Math.min(n.slots, n.maxSessions), 0);
    const busySlots = up.reduce((sum, n) => sum + n.busySlots, 0);
    return { ...status, queueSize, totalSlots, busySlots, freeSlots: Math.max(0, totalSlots - busySlots) };
  }

  async drain(nodeId: string): Promise<void> {
    await this.#request('POST', `/se/grid/distributor/node/${encodeURIComponent(nodeId)}/drain`);
  }

  async removeNode(nodeId: string): Promise<void> {
    await this.#request('DELETE', `/se/grid/distributor/node/${encodeURIComponent(nodeId)}`);
  }

  async #queueSize(): Promise<number> {
    try {
      const body = (await this.#request('POST', '/graphql', { query: '{ grid { sessionQueueSize } }' })) as {
        data?: { grid?: { sessionQueueSize?: number } };
      };
      return body.data?.grid?.sessionQueueSize ?? -1;
    } catch {
      return -1;
    }
  }

  async #request(method: string, path: string, json?: unknown): Promise<unknown> {
    const headers: Record<string, string> = { 'X-REGISTRATION-SECRET': this.#secret ?? '' };
    if (json !== undefined) headers['content-type'] = 'application/json';
    let response: Response;
    try {
      response = await fetch(this.url + path, {
        method,
        headers,
        body: json === undefined ? undefined : JSON.stringify(json),
        signal: AbortSignal.timeout(this.#timeoutMs),
      });
    } catch (err) {
      throw new InfrastructureError(`hub ${this.url} did not answer ${method} ${path}: ${causeOf(err)}`, { cause: err });
    }
    const text = await response.text();
    if (!response.ok) {
      throw new InfrastructureError(`hub ${this.url} answered ${method} ${path} with HTTP ${response.status}: ${text.slice(0, 200)}`);
    }
    if (text === '') return {};
    try {
      return JSON.parse(text);
    } catch {
      throw new InfrastructureError(`hub ${this.url} answered ${method} ${path} with something that is not JSON: ${text.slice(0, 200)}`);
    }
  }
}

function toGridNode(raw: RawNode): GridNode {
  const slots = raw.slots ?? [];
  return {
    id: raw.id,
    uri: raw.uri,
    availability: raw.availability,
    maxSessions: raw.maxSessions,
    slots: slots.length,
    busySlots: slots.filter((s) => s.session != null).length,
    sessionIds: slots.flatMap((s) => (s.session?.sessionId ? [s.session.sessionId] : [])),
    browserVersion: slots.find((s) => s.stereotype?.browserVersion)?.stereotype?.browserVersion,
    allowsExtensions: slots.length > 0 && slots.every((s) => s.stereotype?.['grid-run:extensions'] === true),
  };
}

function causeOf(err: unknown): string {
  const cause = (err as { cause?: unknown })?.cause;
  return cause ? errorMessage(cause) : errorMessage(err);
}
