// The seam between grid-run and whatever runs its Grid nodes. Plain data in and out: no
// Docker or AWS type crosses it, so the CLI, `run` and tests work against any provider.
import { UsageError } from '../errors.ts';

export type ProviderName = 'docker' | 'ec2';

/** One node a provider started: a container or an instance. */
export type ProvisionedNode = {
  provider: ProviderName;
  /** The provider's own id: container id or EC2 instance id. */
  id: string;
  pool: string;
  runId: string;
  /**
   * Where the node's Grid server is expected to listen, as the hub will list it
   * (`http://host:port`); undefined while an instance has no address yet.
   */
  uri?: string;
  /** The provider's view of it: `running`, `exited`, `pending`, `terminated`, ... */
  state: string;
  /** False once the provider knows it can never become a node again (exited, terminating). */
  alive: boolean;
  createdAt: string;
  /** `host/pid/start` of the `run` that provisioned it for itself; none for a scale-nodes pool. */
  owner?: string;
};

export type SweepFilter = { pool?: string; runId?: string };

export interface NodeProvider {
  readonly name: ProviderName;
  readonly pool: string;
  /**
   * Starts `count` nodes and resolves when the hub lists every one with its slots. A node that
   * does not get there within the bound is removed before the error is raised; those that did
   * stay (they are in the pool, so a later scale converges).
   */
  provision(count: number, options?: { signal?: AbortSignal }): Promise<ProvisionedNode[]>;
  /** This pool's nodes, alive or not. */
  list(): Promise<ProvisionedNode[]>;
  /** Nodes of any pool carrying these labels/tags (all of grid-run's without a filter). */
  find(filter: SweepFilter): Promise<ProvisionedNode[]>;
  /** Stops the hub from giving the node new sessions and waits (bounded) for its sessions to end. */
  drain(node: ProvisionedNode, options?: { signal?: AbortSignal }): Promise<void>;
  /** Takes the node off the hub, then removes the container or terminates the instance. Idempotent. */
  remove(node: ProvisionedNode): Promise<void>;
  /**
   * Removes every node carrying these labels/tags, without draining; returns what it removed.
   * Once `hurry` aborts, nothing is waited for that can be skipped (grace periods, the hub).
   */
  sweep(filter: SweepFilter, options?: { hurry?: AbortSignal }): Promise<ProvisionedNode[]>;
}

/** Where nodes register: the hub's URL and its event bus (which nodes connect to). */
export type HubEndpoint = {
  url: string;
  eventBusHost: string;
  publishPort: number;
  subscribePort: number;
};

export const labels = {
  pool: 'grid-run.pool',
  runId: 'grid-run.run-id',
  managedBy: 'grid-run.managed-by',
  nodePort: 'grid-run.node-port',
  owner: 'grid-run.owner',
} as const;

/** What marks a node as grid-run's: its pool, its run, the port it listens on, and its owner when a run owns it. */
export function nodeLabels(node: { pool: string; runId: string; nodePort: number; owner?: string }): Record<string, string> {
  return {
    [labels.managedBy]: 'grid-run',
    [labels.pool]: node.pool,
    [labels.runId]: node.runId,
    [labels.nodePort]: String(node.nodePort),
    ...(node.owner ? { [labels.owner]: node.owner } : {}),
  };
}

/** The labels a listing or a sweep selects by: grid-run's, of the filter's pool and run. */
export function filterLabels(filter: SweepFilter): Record<string, string> {
  const wanted: Record<string, string> = { [labels.managedBy]: 'grid-run' };
  if (filter.pool !== undefined) wanted[labels.pool] = checkId('pool', filter.pool);
  if (filter.runId !== undefined) wanted[labels.runId] = checkId('run id', filter.runId);
  return wanted;
}

// Pool and run ids become Docker labels, EC2 tags, container names and shell words in
// user-data, so they are held to the narrowest set that is safe in all four.
const idPattern = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,62}$/;

export function checkId(kind: 'pool' | 'run id', value: string): string {
  if (!idPattern.test(value)) {
    throw new UsageError(`${kind} ${JSON.stringify(value)} must be 1-63 letters, digits, '.', '_' or '-', starting with a letter or digit`);
  }
  return value;
}

/**
 * The hub's URL and event bus. Selenium's convention puts the bus on the two ports below the
 * hub's (4444 -> 4442/4443); a grid that uses others says so.
 */
export function hubEndpoint(url: string, bus: { host?: string; publishPort?: number; subscribePort?: number } = {}): HubEndpoint {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new UsageError(`--hub ${JSON.stringify(url)} is not a URL (expected e.g. http://127.0.0.1:4444)`);
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') {
    throw new UsageError(`--hub ${JSON.stringify(url)} must be an http(s) URL`);
  }
  if (parsed.username || parsed.password || parsed.search || parsed.hash) {
    throw new UsageError(`--hub ${JSON.stringify(url)} must not carry credentials, a query or a fragment`);
  }
  const port = parsed.port ? Number(parsed.port) : parsed.protocol === 'https:' ? 443 : 80;
  const host = bus.host ?? parsed.hostname.replace(/^\[|\]$/g, '');
  const endpoint = {
    url: parsed.origin + parsed.pathname.replace(/\/+$/, ''),
    eventBusHost: host,
    publishPort: bus.publishPort ?? port - 2,
    subscribePort: bus.subscribePort ?? port - 1,
  };
  for (const [name, value] of [['publish', endpoint.publishPort], ['subscribe', endpoint.subscribePort]] as const) {
    if (!Number.isInteger(value) || value < 1 || value > 65535) throw new UsageError(`event bus ${name} port ${value} is not a port`);
  }
  if (!/^[A-Za-z0-9.:-]+$/.test(endpoint.eventBusHost)) {
    throw new UsageError(`event bus host ${JSON.stringify(endpoint.eventBusHost)} is not a host name or address`);
  }
  return endpoint;
}
