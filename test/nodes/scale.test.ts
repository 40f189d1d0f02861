import assert from 'node:assert/strict';
import { nodesForRun, scaleTo } from '../../src/nodes/scale.ts';
import type { NodeProvider, ProvisionedNode, SweepFilter } from '../../src/nodes/provider.ts';
import { FakeHub } from './fakes.ts';

/** A provider whose nodes are plain records, logging every call in order. */
class RecordingProvider implements NodeProvider {
  readonly name = 'docker' as const;
  readonly pool = 'p';
  nodes: ProvisionedNode[] = [];
  calls: string[] = [];
  #n = 0;
  add(alive = true, runId = 'r1'): ProvisionedNode {
    const n = ++this.#n;
    const node: ProvisionedNode = { provider: 'docker', id: `n${n}`, pool: 'p', runId, uri: `http://127.0.0.1:${5600 + n}`, state: alive ? 'running' : 'exited', alive, createdAt: `2026-11-27T10:00:${String(n).padStart(2, '0')}Z` };
    this.nodes.push(node);
    return node;
  }
  async provision(count: number): Promise<ProvisionedNode[]> {
    this.calls.push(`provision ${count}`);
    return Array.from({ length: count }, () => this.add());
  }
  async list(): Promise<ProvisionedNode[]> {
    return [...this.nodes];
  }
  async find(): Promise<ProvisionedNode[]> {
    return [...this.nodes];
  }
  async drain(node: ProvisionedNode): Promise<void> {
    this.calls.push(`drain ${node.id}`);
  }
  async remove(node: ProvisionedNode): Promise<void> {
    this.calls.push(`remove ${node.id}`);
    this.nodes = this.nodes.filter((n) => n !== node);
  }
  async sweep(filter: SweepFilter): Promise<ProvisionedNode[]> {
    this.calls.push(`sweep ${JSON.stringify(filter)}`);
    const gone = this.nodes.filter((n) => (filter.runId ? n.runId === filter.runId : true));
    this.nodes = this.nodes.filter((n) => !gone.includes(n));
    return gone;
  }
}

describe('scaleTo (desired state)', () => {
  it('adds only what is missing, and does nothing when the count is met', async () => {
    const p = new RecordingProvider();
    p.add();
    assert.deepEqual((await scaleTo(p, 3)).added.length, 2);
    assert.deepEqual(p.calls, ['provision 2']);
    p.calls = [];
    const again = await scaleTo(p, 3);
    assert.deepEqual([again.before, again.after, p.calls], [3, 3, []]);
  });

  it('drains every excess node before removing any, idlest first', async () => {
    const p = new RecordingProvider();
    const hub = new FakeHub();
    const [a, b, c] = [p.add(), p.add(), p.add()];
    hub.register(a.uri!, 2, 2);
    hub.register(b.uri!, 2, 0);
    hub.register(c.uri!, 2, 1);
    const result = await scaleTo(p, 1, { hub });
    assert.deepEqual(result.removed.map((n) => n.id).sort(), ['n2', 'n3']);
    assert.deepEqual(p.calls.slice(0, 2).sort(), ['drain n2', 'drain n3']);
    assert.deepEqual(p.calls.slice(2).sort(), ['remove n2', 'remove n3']);
    assert.equal(result.after, 1);
  });

  it('cleans up dead nodes without counting them, and 0 sweeps the pool', async () => {
    const p = new RecordingProvider();
    p.add(false);
    p.add();
    const result = await scaleTo(p, 0);
    assert.deepEqual(p.calls, ['remove n1', 'drain n2', 'remove n2', 'sweep {"pool":"p"}']);
    assert.deepEqual([result.before, result.after, result.cleaned.length], [1, 0, 1]);
  });

  it("gives `run` a release that removes only its run's nodes, once", async () => {
    const p = new RecordingProvider();
    p.add(true, 'other-run');
    const run = nodesForRun(p, 'r1');
    await run.provision(2);
    const [first, second] = await Promise.all([run.release(), run.release()]);
    assert.equal(first, second);
    assert.deepEqual(first.map((n) => n.id), ['n2', 'n3']);
    assert.deepEqual(p.nodes.map((n) => n.runId), ['other-run']);
  });
});
