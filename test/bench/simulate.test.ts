// The bench's scheduler simulation: the real planner and Scheduler on a virtual clock.
import assert from 'node:assert/strict';
import { simulate, workload, type PolicyName, type SimOptions } from './simulate.ts';
import { median, percentile } from './stats.ts';

const small: Omit<SimOptions, 'policy' | 'deadNodes'> = { sites: 600, nodes: 10, slotsPerNode: 2, seed: 7, medianMs: 1000, sigma: 1, historyNoise: 0.3 };
const policies: PolicyName[] = ['count-static', 'balanced-static', 'scheduler-count', 'scheduler-balanced'];

describe('bench: scheduler simulation', () => {
  it('gives every site exactly one final result under every policy, with and without dying nodes', () => {
    for (const policy of policies) {
      for (const deadNodes of [0, 2]) {
        const r = simulate({ ...small, policy, deadNodes });
        assert.equal(r.finals.size, small.sites, `${policy}, ${deadNodes} dead`);
        assert.ok([...r.finals.values()].every((n) => n === 1), `${policy}, ${deadNodes} dead: a site finished twice`);
        assert.ok(r.makespanMs >= r.lowerBoundMs - 1e-6, `${policy}: makespan below the lower bound`);
        if (deadNodes === 0) assert.equal(r.attempts, small.sites, `${policy}: no site runs twice without failures`);
      }
    }
  });

  it('requeues the sites that were running on a dying node, once (infrastructure attempts: 2)', () => {
    const one = simulate({ ...small, policy: 'scheduler-balanced', deadNodes: 1 });
    assert.equal(one.interrupted, small.slotsPerNode, 'both slots of the node were busy when it died');
    assert.equal(one.attempts, small.sites + one.interrupted);
    assert.equal(one.errors, 0, 'each interrupted site passed on another node');
    // With 3 of 10 nodes dying, a requeued site can meet a second dying node: then it is an error.
    const three = simulate({ ...small, policy: 'scheduler-balanced', deadNodes: 3 });
    assert.equal(three.attempts, small.sites + three.interrupted - three.errors);
  });

  it('is deterministic for a seed', () => {
    const a = simulate({ ...small, policy: 'scheduler-count', deadNodes: 2 });
    const b = simulate({ ...small, policy: 'scheduler-count', deadNodes: 2 });
    assert.equal(a.makespanMs, b.makespanMs);
    assert.equal(a.interrupted, b.interrupted);
  });

  it('with equal durations, count chunks without stealing already reach the bound', () => {
    const load = workload({ ...small, sigma: 0, historyNoise: 0 });
    const r = simulate({ ...small, sigma: 0, historyNoise: 0, policy: 'count-static', deadNodes: 0 }, load);
    // 600 sites of 1 s over 20 slots: 30 s exactly.
    assert.equal(r.lowerBoundMs, 30_000);
    assert.equal(r.makespanMs, 30_000);
  });

  it('stealing never does worse than the same chunks pinned to their slots', () => {
    for (const seed of [1, 2, 3]) {
      const pinned = simulate({ ...small, seed, policy: 'balanced-static', deadNodes: 0 });
      const stealing = simulate({ ...small, seed, policy: 'scheduler-balanced', deadNodes: 0 });
      assert.ok(stealing.makespanMs <= pinned.makespanMs, `seed ${seed}: ${stealing.makespanMs} > ${pinned.makespanMs}`);
    }
  });
});

describe('bench: stats', () => {
  it('median and percentiles interpolate between ranks', () => {
    assert.equal(median([3, 1, 2]), 2);
    assert.equal(median([4, 1, 3, 2]), 2.5);
    assert.equal(percentile([0, 10], 0.9), 9);
    assert.ok(Number.isNaN(median([])));
  });
});
