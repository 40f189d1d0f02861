// Grid nodes as containers of the grid-run node image (or docker-selenium's node-chrome: same
// environment). Host networking, so a node is reachable at the address it advertises without
// port mapping; each node gets its own port instead.
import pLimit from 'p-limit';
import type { HubClient } from '../../grid/hub-client.ts';
import { InfrastructureError, UsageError, errorMessage } from '../../errors.ts';
import { isLoopbackHost } from '../../grid/loopback.ts';
import { canListen, fetchRefuses } from '../../grid/ports.ts';
import { checkId, filterLabels, labels, nodeLabels, type HubEndpoint, type NodeProvider, type ProvisionedNode, type SweepFilter } from '../provider.ts';
import { deregister, drainAndWait, keepRegistered, waitRegistered } from '../registration.ts';
import { systemWaitClock, type WaitClock } from '../../wait.ts';
import type { ContainerEngine, ContainerSummary } from './engine.ts';

export type DockerProviderOptions = {
  pool: string;
  runId: string;
  /** Labelled on the containers of a `run` (see src/reaper/owner.ts). */
  owner?: string;
  hub: HubEndpoint;
  hubClient: HubClient;
  engine: ContainerEngine;
  image: string;
  /** Concurrent sessions per node (SE_NODE_MAX_SESSIONS). */
  slots: number;
  /** Registration secret; goes into the container's environment only. */
  secret?: string;
  /** Address the nodes advertise to the hub; must be reachable from it. Default 127.0.0.1 for a loopback hub. */
  nodeHost?: string;
  /** Ports nodes may listen on, inclusive. */
  portRange?: [number, number];
  shmSizeBytes?: number;
  readyTimeoutMs?: number;
  drainTimeoutMs?: number;
  clock?: WaitClock;
  log?: (line: string) => void;
};

const hostLabel = 'grid-run.node-host';

export class DockerNodeProvider implements NodeProvider {
  readonly name = 'docker' as const;
  readonly pool: string;
  readonly #o: Required<Omit<DockerProviderOptions, 'secret' | 'nodeHost' | 'owner'>> & { secret?: string; nodeHost: string; owner?: string };
  // Removing a container is disk work for the engine (all of it, with the vfs driver): a
  // sweep of a big pool runs a few removals at once rather than queueing them all on it.
  readonly #removals = pLimit(4);

  constructor(options: DockerProviderOptions) {
    this.pool = checkId('pool', options.pool);
    checkId('run id', options.runId);
    const nodeHost = options.nodeHost ?? (isLoopbackHost(options.hub.eventBusHost) ? '127.0.0.1' : undefined);
    if (!nodeHost) {
      throw new UsageError(`the hub at ${options.hub.url} is not on loopback: give --node-host, the address of this Docker host that the hub can reach`);
    }
    if (!/^[A-Za-z0-9.:-]+$/.test(nodeHost)) throw new UsageError(`--node-host ${JSON.stringify(nodeHost)} is not a host name or address`);
    if (!isLoopbackHost(options.hub.eventBusHost) && !options.secret) {
      throw new UsageError(`the hub at ${options.hub.url} is not on loopback: nodes need a registration secret (--secret or GRID_RUN_SECRET)`);
    }
    this.#o = {
      portRange: [5600, 5999],
      shmSizeBytes: 2 * 1024 ** 3,
      readyTimeoutMs: 120_000,
      drainTimeoutMs: 600_000,
      clock: systemWaitClock,
      log: () => undefined,
      ...options,
      nodeHost,
    };
  }

  async provision(count: number, options: { signal?: AbortSignal } = {}): Promise<ProvisionedNode[]> {
    if (count <= 0) return [];
    const nodes = await this.#startContainers(count, options.signal);
    await keepRegistered(nodes, {
      wait: (node) => this.#waitRegistered(node, options.signal),
      remove: async (failed) => void (await Promise.allSettled(failed.map((n) => this.remove(n)))),
      provider: 'docker',
      removed: 'removed',
      pool: this.pool,
    });
    return nodes;
  }

  async list(): Promise<ProvisionedNode[]> {
    // Every scale starts here, so this is where "no engine" gets its helpful message.
    await this.#o.engine.ping();
    return this.find({ pool: this.pool });
  }

  async drain(node: ProvisionedNode, options: { signal?: AbortSignal } = {}): Promise<void> {
    await drainAndWait(this.#o.hubClient, node.uri, {
      timeoutMs: this.#o.drainTimeoutMs,
      signal: options.signal,
      clock: this.#o.clock,
      describe: describeNode(node),
    });
  }

  /** Takes the node off the hub, then stops and deletes its container; a few at a time. */
  remove(node: ProvisionedNode): Promise<void> {
    return this.#removals(async () => {
      await deregister(this.#o.hubClient, node.uri);
      await this.#o.engine.remove(node.id, 10);
      this.#o.log(`docker: removed ${node.id.slice(0, 12)} (${node.uri ?? 'no address'})`);
    });
  }

  async find(filter: SweepFilter): Promise<ProvisionedNode[]> {
    return (await this.#o.engine.list(filterLabels(filter))).map((c) => this.#node(c));
  }

  async sweep(filter: SweepFilter, options: { hurry?: AbortSignal } = {}): Promise<ProvisionedNode[]> {
    const nodes = await this.find(filter);
    const results = await Promise.allSettled(nodes.map((n) => this.#removeUnlessHurried(n, options.hurry)));
    const failed = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected');
    if (failed.length > 0) {
      throw new InfrastructureError(`sweep could not remove ${failed.length} container(s): ${failed.map((f) => errorMessage(f.reason)).join('; ')}`);
    }
    return nodes;
  }

  /** remove(), or once `hurry` aborts: kill and delete the container at once, hub or not. */
  #removeUnlessHurried(node: ProvisionedNode, hurry: AbortSignal | undefined): Promise<void> {
    const now = () => this.#o.engine.remove(node.id, 0);
    if (!hurry) return this.remove(node);
    if (hurry.aborted) return now();
    return new Promise((resolve, reject) => {
      const onHurry = () => void now().then(resolve, reject);
      hurry.addEventListener('abort', onHurry, { once: true });
      this.remove(node).then(
        () => (hurry.removeEventListener('abort', onHurry), resolve()),
        (err: Error) => (hurry.aborted ? undefined : reject(err)),
      );
    });
  }

  /** Containers started, not yet registered; all removed if one cannot be started. */
  async #startContainers(count: number, signal: AbortSignal | undefined): Promise<ProvisionedNode[]> {
    const o = this.#o;
    await o.engine.ping();
    if (!(await o.engine.hasImage(o.image))) {
      throw new InfrastructureError(
        `the node image ${o.image} is not on the Docker engine at ${o.engine.address}; build it with \`npm run image:build\` ` +
          '(or `docker build --network host -f Dockerfile.node -t ' + o.image + ' .`)',
      );
    }
    const started: ProvisionedNode[] = [];
    try {
      for (const port of await this.#freePorts(count)) {
        signal?.throwIfAborted();
        started.push(await this.#startContainer(port));
      }
    } catch (err) {
      // Nothing started by this call has been waited for yet: none of it is a usable node.
      await Promise.allSettled(started.map((n) => this.remove(n)));
      throw err;
    }
    return started;
  }

  async #startContainer(port: number): Promise<ProvisionedNode> {
    const o = this.#o;
    const name = `grid-run-${this.pool}-${port}`;
    const env: Record<string, string> = {
      SE_EVENT_BUS_HOST: o.hub.eventBusHost,
      SE_EVENT_BUS_PUBLISH_PORT: String(o.hub.publishPort),
      SE_EVENT_BUS_SUBSCRIBE_PORT: String(o.hub.subscribePort),
      SE_NODE_HOST: o.nodeHost,
      SE_NODE_PORT: String(port),
      SE_NODE_MAX_SESSIONS: String(o.slots),
      SE_NODE_OVERRIDE_MAX_SESSIONS: 'true',
    };
    if (o.secret) env.SE_REGISTRATION_SECRET = o.secret;
    const containerLabels = { ...nodeLabels({ pool: this.pool, runId: o.runId, nodePort: port, owner: o.owner }), [hostLabel]: o.nodeHost };
    const id = await o.engine.createAndStart({ name, image: o.image, env, labels: containerLabels, shmSizeBytes: o.shmSizeBytes, networkMode: 'host' });
    o.log(`docker: started ${name} (${id.slice(0, 12)}) on port ${port}`);
    return this.#node({ id, name, state: 'running', labels: containerLabels, createdAt: new Date(o.clock.now()).toISOString() });
  }

  async #waitRegistered(node: ProvisionedNode, signal: AbortSignal | undefined): Promise<void> {
    const o = this.#o;
    const describe = describeNode(node);
    try {
      await waitRegistered(o.hubClient, () => node.uri, {
        slots: o.slots,
        timeoutMs: o.readyTimeoutMs,
        signal,
        clock: o.clock,
        describe,
        gone: async () => {
          const state = await o.engine.state(node.id);
          if (!state) return 'the container is gone';
          return state.running ? undefined : `the container is ${state.status} (exit code ${state.exitCode})`;
        },
      });
      o.log(`docker: ${describe} registered at ${o.hub.url}`);
    } catch (err) {
      const tail = await o.engine.logs(node.id, 20);
      throw new InfrastructureError(`${errorMessage(err)}\n  last lines of its log (docker logs ${node.id.slice(0, 12)}):\n${indent(tail)}`, { cause: err });
    }
  }

  #node(c: ContainerSummary): ProvisionedNode {
    const host = c.labels[hostLabel];
    const port = c.labels[labels.nodePort];
    const h = host && host.includes(':') ? `[${host}]` : host;
    const owner = c.labels[labels.owner];
    return {
      provider: 'docker',
      id: c.id,
      pool: c.labels[labels.pool] ?? this.pool,
      runId: c.labels[labels.runId] ?? '',
      uri: port && h ? `http://${h}:${port}` : undefined,
      state: c.state,
      alive: c.state === 'running' || c.state === 'created' || c.state === 'restarting',
      createdAt: c.createdAt,
      ...(owner ? { owner } : {}),
    };
  }

  /** Ports no grid-run container claims and nothing on this host listens on. */
  async #freePorts(count: number): Promise<number[]> {
    const o = this.#o;
    const claimed = new Set(
      (await o.engine.list({ [labels.managedBy]: 'grid-run' })).map((c) => Number(c.labels[labels.nodePort])).filter(Number.isInteger),
    );
    // A remote engine's ports cannot be probed from here; the labels are all we know.
    const local = o.engine.address.startsWith('unix://');
    const probeHost = isLoopbackHost(o.nodeHost) ? o.nodeHost.replace(/^\[|\]$/g, '') : '0.0.0.0';
    const ports: number[] = [];
    for (let port = o.portRange[0]; port <= o.portRange[1] && ports.length < count; port++) {
      if (claimed.has(port) || fetchRefuses(port)) continue;
      if (local && !(await canListen(probeHost, port))) continue;
      ports.push(port);
    }
    if (ports.length < count) {
      throw new InfrastructureError(`only ${ports.length} free port(s) in ${o.portRange[0]}-${o.portRange[1]} for ${count} node(s)`);
    }
    return ports;
  }
}

function describeNode(node: ProvisionedNode): string {
  return `docker node ${node.id.slice(0, 12)} (${node.uri ?? 'no address'})`;
}

function indent(text: string): string {
  return text
    .trimEnd()
    .split('\n')
    .map((l) => `    ${l}`)
    .join('\n');
}
