// The hub's side of a provisioned node: is it registered with its slots, drain it, take it off.
// Nodes are matched to hub entries by the URI they were told to advertise (host and port),
// since the hub's node id is only known once the node has registered.
import type { GridNode, HubClient } from '../grid/hub-client.ts';
import { InfrastructureError, errorMessage } from '../errors.ts';
import { poll, type WaitClock } from '../wait.ts';
import type { ProvisionedNode } from './provider.ts';

export function sameNodeUri(a: string, b: string): boolean {
  try {
    const x = new URL(a);
    const y = new URL(b);
    return x.hostname.toLowerCase() === y.hostname.toLowerCase() && portOf(x) === portOf(y);
  } catch {
    return false;
  }
}

function portOf(u: URL): string {
  return u.port || (u.protocol === 'https:' ? '443' : '80');
}

export async function findHubNode(hub: HubClient, uri: string): Promise<GridNode | undefined> {
  const status = await hub.status();
  return status.nodes.find((n) => sameNodeUri(n.uri, uri));
}

export type RegistrationWait = {
  /** Slots the node must offer before it counts as ready. */
  slots: number;
  timeoutMs: number;
  intervalMs?: number;
  signal?: AbortSignal;
  clock?: WaitClock;
  /** Asked on every round: a reason when the node can no longer come up (container exited). */
  gone?: () => Promise<string | undefined>;
  /** For the error: what the node is and where its log is. */
  describe: string;
};

/** Resolves with the hub's entry once the node is UP there with its slots. */
export async function waitRegistered(hub: HubClient, uri: () => string | undefined, wait: RegistrationWait): Promise<GridNode> {
  return poll<GridNode>(
    async () => {
      const reason = await wait.gone?.();
      if (reason) throw new InfrastructureError(`${wait.describe} stopped before it registered at ${hub.url}: ${reason}`);
      const target = uri();
      if (!target) return { last: 'it has no address yet' };
      try {
        const node = await findHubNode(hub, target);
        if (node && node.availability === 'UP' && node.slots >= wait.slots) return { done: node };
        return { last: node ? `the hub lists it as ${node.availability} with ${node.slots} of ${wait.slots} slots` : 'the hub does not list it yet' };
      } catch (err) {
        return { last: errorMessage(err) };
      }
    },
    {
      timeoutMs: wait.timeoutMs,
      intervalMs: wait.intervalMs ?? 1000,
      signal: wait.signal,
      clock: wait.clock,
      timedOut: (last) => new InfrastructureError(`${wait.describe} did not register at ${hub.url} with ${wait.slots} slot(s) within ${Math.round(wait.timeoutMs / 1000)} s (last: ${last})`),
    },
  );
}

export type DrainWait = { timeoutMs: number; intervalMs?: number; signal?: AbortSignal; clock?: WaitClock; describe: string };

/**
 * Asks the hub to drain the node and waits until it runs no session. A drained Selenium node
 * shuts itself down once idle, so "gone from the hub" counts as done too.
 */
export async function drainAndWait(hub: HubClient, uri: string | undefined, wait: DrainWait): Promise<void> {
  if (!uri) return;
  const node = await findHubNode(hub, uri);
  if (!node) return;
  if (node.availability !== 'DRAINING') await hub.drain(node.id);
  let busy = node.busySlots;
  await poll(
    async () => {
      const current = await findHubNode(hub, uri);
      if (!current || current.busySlots === 0) return { done: undefined };
      busy = current.busySlots;
      return { last: `${busy} session(s)` };
    },
    {
      timeoutMs: wait.timeoutMs,
      intervalMs: wait.intervalMs ?? 1000,
      signal: wait.signal,
      clock: wait.clock,
      timedOut: () =>
        new InfrastructureError(
          `${wait.describe} still runs ${busy} session(s) after draining for ${Math.round(wait.timeoutMs / 1000)} s; raise --drain-timeout, or scale down again to retry`,
        ),
    },
  );
}

/** Takes the node off the hub so no session is routed to it once it is gone. Quiet if already off. */
export async function deregister(hub: HubClient, uri: string | undefined): Promise<void> {
  if (!uri) return;
  let node: GridNode | undefined;
  try {
    node = await findHubNode(hub, uri);
  } catch {
    // An unreachable hub cannot route to the node either; removing the machine matters more.
    return;
  }
  if (!node) return;
  try {
    await hub.removeNode(node.id);
  } catch (err) {
    // A node that left between the lookup and the delete is what we wanted.
    if (!/HTTP 404/.test(errorMessage(err))) throw err;
  }
}

export type KeepRegistered = {
  /** Resolves once the node is registered with its slots (waitRegistered). */
  wait: (node: ProvisionedNode) => Promise<unknown>;
  /** Removes the nodes that did not register. */
  remove: (failed: ProvisionedNode[]) => Promise<void>;
  /** For the error: `docker`, `ec2`. */
  provider: string;
  /** For the error: how they went, `removed`, `terminated`. */
  removed: string;
  pool: string;
  /** For the error: where to look next. */
  hint?: string;
};

/**
 * Waits for every new node to register. Those that do not are removed and the error names each
 * reason; those that did stay, since they are in the pool and a later scale converges.
 */
export async function keepRegistered(nodes: readonly ProvisionedNode[], step: KeepRegistered): Promise<void> {
  const results = await Promise.allSettled(nodes.map((node) => step.wait(node)));
  const failed = nodes.filter((_, i) => results[i]!.status === 'rejected');
  if (failed.length === 0) return;
  await step.remove(failed);
  const reasons = results.flatMap((r) => (r.status === 'rejected' ? [errorMessage(r.reason)] : []));
  const kept = nodes.length - failed.length;
  throw new InfrastructureError(
    `${failed.length} of ${nodes.length} ${step.provider} node(s) did not register and were ${step.removed}` +
      (kept > 0 ? ` (${kept} ready and kept in pool ${step.pool})` : '') +
      `:\n${reasons.join('\n')}${step.hint ? `\n  ${step.hint}` : ''}`,
  );
}
