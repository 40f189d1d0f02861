import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { hostname } from 'node:os';
import { findLeftovers, parseDuration, type OwnerCheck } from '../../src/nodes/leftovers.ts';
import type { ProvisionedNode } from '../../src/nodes/provider.ts';
import { currentOwner, ownerState } from '../../src/reaper/owner.ts';

const node = (id: string, owner: string | undefined, createdAt: string): ProvisionedNode => ({
  provider: 'docker',
  id,
  pool: 'p',
  runId: `run-${id}`,
  state: 'running',
  alive: true,
  createdAt,
  ...(owner ? { owner } : {}),
});

describe('leftovers of runs whose owner is gone', () => {
  const now = Date.parse('2026-12-02T12:00:00Z');
  const states: Record<string, ReturnType<OwnerCheck>> = { alive: 'running', dead: 'gone', remote: 'elsewhere' };
  const ownerCheck: OwnerCheck = (owner) => states[owner]!;
  const nodes = [
    node('pool-node', undefined, '2026-12-01T00:00:00Z'),
    node('live-run', 'alive', '2026-12-01T00:00:00Z'),
    node('dead-old', 'dead', '2026-12-02T10:00:00Z'),
    node('dead-new', 'dead', '2026-12-02T11:55:00Z'),
    node('remote-old', 'remote', '2026-12-02T09:00:00Z'),
    node('remote-new', 'remote', '2026-12-02T11:59:00Z'),
  ];
  const ids = (list: ProvisionedNode[]) => list.map((n) => n.id);

  it('without --older-than: every node of a gone owner here; other machines not checkable', () => {
    const v = findLeftovers(nodes, { ownerState: ownerCheck, now });
    assert.deepEqual(ids(v.leftovers), ['dead-old', 'dead-new']);
    assert.deepEqual(ids(v.unknown), ['remote-old', 'remote-new']);
  });

  it('with --older-than 1h: only the older ones, from here and from other machines', () => {
    const v = findLeftovers(nodes, { ownerState: ownerCheck, now, olderThanMs: parseDuration('1h') });
    assert.deepEqual(ids(v.leftovers), ['dead-old', 'remote-old']);
    assert.deepEqual(ids(v.unknown), ['remote-new']);
  });

  it('parses durations, and refuses others with a usage error naming the option', () => {
    assert.deepEqual(['90s', '30m', '2h', '1d'].map((d) => parseDuration(d)), [90_000, 1_800_000, 7_200_000, 86_400_000]);
    for (const bad of ['1.5h', '30', 'h', '-1m', '2w']) assert.throws(() => parseDuration(bad), /--older-than .*expected a whole number and a unit, s, m, h or d/);
  });

  it('knows this process runs, an exited one is gone, and one of another host is elsewhere', async () => {
    assert.equal(ownerState(currentOwner()), 'running');
    const child = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 60000)']);
    await new Promise((r) => child.once('spawn', r));
    const owner = currentOwner(child.pid);
    assert.equal(ownerState(owner), 'running');
    child.kill('SIGKILL');
    await new Promise((r) => child.once('exit', r));
    assert.equal(ownerState(owner), 'gone');
    assert.equal(ownerState(`${hostname()}/${process.pid}/1`), 'gone', 'the same pid with another start time is not the owner');
    assert.equal(ownerState(`not-${hostname()}/1/1`), 'elsewhere');
  });
});
