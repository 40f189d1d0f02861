import assert from 'node:assert/strict';
import { lowerBound, plan } from '../../src/plan/plan.ts';

const ids = (n: number) => Array.from({ length: n }, (_, i) => `site-${String(i).padStart(3, '0')}`);

describe('plan', () => {
  it('splits by count when there is no history: sizes differ by at most one', () => {
    const chunks = plan(ids(10), { defaultChunks: 3 });
    assert.deepEqual(chunks.map((c) => c.siteIds.length), [4, 3, 3]);
    assert.deepEqual(chunks.flatMap((c) => c.siteIds).sort(), ids(10), 'every site exactly once');
  });

  it('honours --chunks and --chunk-size, never more chunks than sites', () => {
    assert.equal(plan(ids(10), { defaultChunks: 3, chunks: 5 }).length, 5);
    assert.equal(plan(ids(10), { defaultChunks: 3, chunkSize: 4 }).length, 3);
    assert.equal(plan(ids(2), { defaultChunks: 8 }).length, 2);
    assert.deepEqual(plan([], { defaultChunks: 4 }), []);
  });

  it('is deterministic whatever the input order', () => {
    const history = new Map(ids(20).map((id, i) => [id, (i * 7919) % 1000]));
    const a = plan(ids(20), { defaultChunks: 4, history });
    const b = plan([...ids(20)].reverse(), { defaultChunks: 4, history });
    assert.deepEqual(a, b);
  });

  it('balances by recorded duration, longest first', () => {
    const history = new Map([
      ['a', 9000],
      ['b', 5000],
      ['c', 4000],
      ['d', 3000],
      ['e', 3000],
      ['f', 2000],
    ]);
    const chunks = plan(['a', 'b', 'c', 'd', 'e', 'f'], { defaultChunks: 2, history });
    // a | b, c | d ties 9000-9000 and goes to the chunk with fewer sites | e | f ties again.
    assert.deepEqual(chunks.map((c) => c.siteIds), [['a', 'd', 'f'], ['b', 'c', 'e']]);
    assert.deepEqual(chunks.map((c) => c.estimatedMs), [14000, 12000]);
  });

  it('gives unseen sites the default duration', () => {
    const history = new Map([['slow', 10_000]]);
    const chunks = plan(['slow', 'new-1', 'new-2', 'new-3'], { defaultChunks: 2, history, defaultMs: 1000 });
    assert.deepEqual(chunks.map((c) => c.siteIds), [['slow'], ['new-1', 'new-2', 'new-3']]);
  });

  it('keeps the makespan near the lower bound on heavy-tailed durations', () => {
    // A deterministic heavy tail: a few sites far slower than the rest.
    const durations = ids(400).map((_, i) => Math.round(200 * Math.exp(((i * 37) % 100) / 25)));
    const history = new Map(ids(400).map((id, i) => [id, durations[i]!]));
    const chunks = plan(ids(400), { defaultChunks: 16, history });
    const makespan = Math.max(...chunks.map((c) => c.estimatedMs));
    assert.ok(makespan <= 1.05 * lowerBound(durations, 16), `makespan ${makespan} vs bound ${lowerBound(durations, 16)}`);
  });
});
