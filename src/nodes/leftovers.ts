// Nodes left by runs whose owner is gone: a `run` labels what it provisions with its owner
// (src/reaper/owner.ts); a node whose owner no longer runs is a leftover. scale-nodes pools
// carry no owner: they are meant to outlive the command, and `scale-nodes 0` removes them.
import { UsageError } from '../errors.ts';
import { errorMessage } from '../errors.ts';
import { ownerState } from '../reaper/owner.ts';
import type { NodeProvider, ProvisionedNode } from './provider.ts';

export type OwnerCheck = (owner: string) => 'running' | 'gone' | 'elsewhere';

export type LeftoverNodes = {
  /** Nodes of runs whose owner is gone (and older than the bound, when given). */
  leftovers: ProvisionedNode[];
  /** Nodes of runs on other machines, whose owner cannot be checked from here. */
  unknown: ProvisionedNode[];
};

/**
 * Sorts run-owned nodes: a node whose owner is gone is a leftover once older than
 * `olderThanMs` (0 by default); a node whose owner ran on another machine is one only when
 * `olderThanMs` is given and it is older, else it is `unknown`.
 */
export function findLeftovers(nodes: readonly ProvisionedNode[], options: { ownerState: OwnerCheck; now: number; olderThanMs?: number }): LeftoverNodes {
  const found: LeftoverNodes = { leftovers: [], unknown: [] };
  for (const node of nodes) {
    if (!node.owner) continue;
    const age = options.now - Date.parse(node.createdAt);
    const state = options.ownerState(node.owner);
    if (state === 'running') continue;
    if (state === 'gone' && age >= (options.olderThanMs ?? 0)) found.leftovers.push(node);
    else if (state === 'elsewhere') {
      if (options.olderThanMs !== undefined && age >= options.olderThanMs) found.leftovers.push(node);
      else found.unknown.push(node);
    }
  }
  return found;
}

const units: Record<string, number> = { s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };

/** `90s`, `30m`, `2h`, `1d` (Go's and Docker's `--filter until=` habit, whole numbers). */
export function parseDuration(text: string, option = '--older-than'): number {
  const match = /^(\d+)(s|m|h|d)$/.exec(text.trim());
  if (!match) throw new UsageError(`${option} ${JSON.stringify(text)}: expected a whole number and a unit, s, m, h or d (e.g. 30m, 2h)`);
  return Number(match[1]) * units[match[2]!]!;
}

/** Says (never fails) when the provider holds nodes of runs whose owner is gone. */
export async function noticeLeftovers(provider: NodeProvider, log: (line: string) => void): Promise<void> {
  try {
    const { leftovers } = findLeftovers(await provider.find({}), { ownerState, now: Date.now() });
    if (leftovers.length === 0) return;
    const runs = [...new Set(leftovers.map((n) => n.runId))];
    log(
      `grid-run: ${leftovers.length} ${provider.name} node(s) of ${runs.length} earlier run(s) whose process is gone (${runs.slice(0, 3).join(', ')}${runs.length > 3 ? ', ...' : ''}) ` +
        `are still there; \`grid-run sweep --provider ${provider.name}\` removes them`,
    );
  } catch (err) {
    log(`grid-run: could not look for nodes left by earlier runs (${errorMessage(err)})`);
  }
}

export function describeOwner(node: ProvisionedNode): string {
  const [host = '', pid = ''] = (node.owner ?? '').split('/');
  return `run ${node.runId}, pid ${pid} on ${host}`;
}
