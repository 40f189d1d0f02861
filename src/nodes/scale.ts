// Desired state for a pool: make its node count equal `count`. Also the API that `run` uses to
// provision nodes for one run and remove exactly those afterwards.
import type { HubClient } from '../grid/hub-client.ts';
import { errorMessage, InfrastructureError } from '../errors.ts';
import type { NodeProvider, ProvisionedNode } from './provider.ts';
import { sameNodeUri } from './registration.ts';

export type ScaleResult = {
  /** Live nodes before. */
  before: number;
  added: ProvisionedNode[];
  removed: ProvisionedNode[];
  /** Dead containers/instances of the pool found and cleaned up on the way. */
  cleaned: ProvisionedNode[];
  /** Live nodes after. */
  after: number;
};

export type ScaleOptions = {
  /** Used to pick the idlest nodes to remove; without it the newest go first. */
  hub?: HubClient;
  signal?: AbortSignal;
  log?: (line: string) => void;
};

export async function scaleTo(provider: NodeProvider, count: number, options: ScaleOptions = {}): Promise<ScaleResult> {
  if (!Number.isInteger(count) || count < 0) throw new RangeError(`node count must be a whole number >= 0, got ${count}`);
  const log = options.log ?? (() => undefined);
  const nodes = await provider.list();
  const dead = nodes.filter((n) => !n.alive);
  const live = nodes.filter((n) => n.alive);
  const result: ScaleResult = { before: live.length, added: [], removed: [], cleaned: [], after: live.length };

  // Exited containers and stopped instances are never coming back; they only confuse counts.
  for (const node of dead) {
    await provider.remove(node);
    result.cleaned.push(node);
  }

  if (live.length < count) {
    log(`${provider.name} pool ${provider.pool}: adding ${count - live.length} node(s) to ${live.length}`);
    result.added = await provider.provision(count - live.length, { signal: options.signal });
  } else if (live.length > count) {
    const excess = await pickForRemoval(live, live.length - count, options.hub);
    log(`${provider.name} pool ${provider.pool}: draining and removing ${excess.length} of ${live.length} node(s)`);
    // Drain all first so their sessions finish in parallel; then take each off the hub and remove it.
    const drained = await Promise.allSettled(excess.map((n) => provider.drain(n, { signal: options.signal })));
    const removals = await Promise.allSettled(
      excess.map(async (n, i) => {
        if (drained[i]!.status === 'rejected') throw (drained[i] as PromiseRejectedResult).reason;
        await provider.remove(n);
        return n;
      }),
    );
    for (const r of removals) if (r.status === 'fulfilled') result.removed.push(r.value);
    const failures = removals.filter((r): r is PromiseRejectedResult => r.status === 'rejected');
    if (failures.length > 0) {
      throw new InfrastructureError(
        `scaling ${provider.name} pool ${provider.pool} down: ${failures.length} node(s) not removed:\n` +
          failures.map((f) => errorMessage(f.reason)).join('\n'),
      );
    }
  }
  if (count === 0) {
    // Whatever the listing missed (created between list and now, odd states) goes by label.
    result.cleaned.push(...(await provider.sweep({ pool: provider.pool })));
  }
  result.after = result.before + result.added.length - result.removed.length;
  return result;
}

/** Unregistered nodes first, then those running the fewest sessions, then the newest. */
async function pickForRemoval(live: ProvisionedNode[], n: number, hub: HubClient | undefined): Promise<ProvisionedNode[]> {
  let busy: (node: ProvisionedNode) => number = () => 0;
  if (hub) {
    try {
      const status = await hub.status();
      busy = (node) => {
        const entry = node.uri ? status.nodes.find((g) => sameNodeUri(g.uri, node.uri!)) : undefined;
        return entry ? entry.busySlots + 1 : 0;
      };
    } catch {
      // Without the hub's view the order is a preference, not a requirement.
    }
  }
  return [...live]
    .sort((a, b) => busy(a) - busy(b) || b.createdAt.localeCompare(a.createdAt))
    .slice(0, n);
}

/**
 * The nodes one `run` provisions. Register `release` as teardown before calling `provision`:
 * it removes every node carrying this run's id (also ones a failed provision left), and it
 * is safe to call more than once and after a partial failure.
 */
export type RunNodes = {
  provider: NodeProvider;
  provision(count: number, signal?: AbortSignal): Promise<ProvisionedNode[]>;
  /** With `hurry`: once it aborts, the nodes are removed without grace periods. */
  release(hurry?: AbortSignal): Promise<ProvisionedNode[]>;
};

export function nodesForRun(provider: NodeProvider, runId: string): RunNodes {
  let released: Promise<ProvisionedNode[]> | undefined;
  return {
    provider,
    provision: (count, signal) => provider.provision(count, { signal }),
    // No drain: at the end of a run (or on Ctrl-C) nothing of ours should still run there.
    release: (hurry) =>
      (released ??= provider.sweep({ runId }, { hurry }).catch((err: unknown) => {
        released = undefined; // let a later call (the Ctrl-C path, say) try again
        throw err;
      })),
  };
}
