// How a node is marked on EC2 and read back: the tags put on its instance and volume, the
// filters that find instances by them, and the node an instance is.
import type { Filter, Instance, Tag } from '@aws-sdk/client-ec2';
import { filterLabels, labels, nodeLabels, type ProvisionedNode, type SweepFilter } from '../provider.ts';

/** Every state but shutting-down and terminated: an instance that may still cost or run. */
const liveStates = ['pending', 'running', 'stopping', 'stopped'];
const liveFilter: Filter = { Name: 'instance-state-name', Values: liveStates };

export function instanceTags(node: { pool: string; runId: string; nodePort: number; owner?: string }): Tag[] {
  const tags = Object.entries(nodeLabels(node)).map(([Key, Value]) => ({ Key, Value }));
  return [{ Key: 'Name', Value: `grid-run-node-${node.pool}` }, ...tags];
}

/** grid-run's live instances of the filter's pool and run. */
export function tagFilters(filter: SweepFilter): Filter[] {
  const [managed, ...rest] = Object.entries(filterLabels(filter)).map(([key, value]): Filter => ({ Name: `tag:${key}`, Values: [value] }));
  return [managed!, liveFilter, ...rest];
}

/** The live instances one RunInstances token launched. */
export function tokenFilters(token: string): Filter[] {
  return [{ Name: 'client-token', Values: [token] }, liveFilter];
}

export type NodeDefaults = { pool: string; nodePort: number; nodeAddress: 'private' | 'public' };

export function instanceNode(i: Instance, defaults: NodeDefaults): ProvisionedNode {
  const tag = (k: string) => i.Tags?.find((t) => t.Key === k)?.Value;
  const address = defaults.nodeAddress === 'public' ? i.PublicIpAddress : i.PrivateIpAddress;
  const port = tag(labels.nodePort) ?? String(defaults.nodePort);
  const state = i.State?.Name ?? 'unknown';
  const owner = tag(labels.owner);
  return {
    provider: 'ec2',
    id: i.InstanceId ?? '',
    pool: tag(labels.pool) ?? defaults.pool,
    runId: tag(labels.runId) ?? '',
    uri: address ? `http://${address}:${port}` : undefined,
    state,
    alive: state === 'pending' || state === 'running',
    createdAt: (i.LaunchTime ?? new Date(0)).toISOString(),
    ...(owner ? { owner } : {}),
  };
}
