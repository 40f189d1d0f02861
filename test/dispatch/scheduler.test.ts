import assert from 'node:assert/strict';
import { Scheduler } from '../../src/dispatch/scheduler.ts';
import type { Chunk } from '../../src/types.ts';

const chunk = (index: number, siteIds: string[]): Chunk => ({ index, siteIds, estimatedMs: siteIds.length });
const make = (chunks: Chunk[], retries = 0, infraAttempts = 2) => new Scheduler({ chunks, retries, infraAttempts, costOf: () => 1 });

describe('Scheduler', () => {
  it('gives each slot its own chunk, in order', () => {
    const s = make([chunk(0, ['a', 'b']), chunk(1, ['c', 'd'])]);
    assert.equal(s.next(0)?.siteId, 'a');
    assert.equal(s.next(1)?.siteId, 'c');
    assert.equal(s.next(0)?.siteId, 'b');
  });

  it('lets an idle slot steal from the tail of the longest remaining chunk', () => {
    const s = make([chunk(0, ['a', 'b', 'c', 'd']), chunk(1, ['e'])]);
    assert.equal(s.next(0)?.siteId, 'a');
    const e = s.next(1)!;
    assert.equal(e.siteId, 'e');
    s.complete(e, 'passed');
    assert.equal(s.next(1)?.siteId, 'd', 'stolen from the tail');
    assert.equal(s.next(0)?.siteId, 'b', 'the owner goes on from the head');
  });

  it('retries a test failure up to --retries as a new queue entry, then it is final', () => {
    const s = make([chunk(0, ['a'])], 1);
    const first = s.next(0)!;
    assert.deepEqual(s.complete(first, 'failed'), { final: false, reason: 'retry' });
    const second = s.next(0)!;
    assert.deepEqual(second, { siteId: 'a', attempt: 2 });
    assert.deepEqual(s.complete(second, 'failed'), { final: true });
    assert.equal(s.next(0), undefined);
    assert.ok(s.done);
  });

  it('does not retry a known failure that fails: that is its expected outcome', () => {
    const s = make([chunk(0, ['a'])], 2);
    const first = s.next(0)!;
    assert.deepEqual(s.complete(first, 'failed', undefined, { known: true }), { final: true });
    assert.equal(s.next(0), undefined);
    assert.ok(s.done);
  });

  it('requeues an infrastructure error with its node excluded while another node can take it', () => {
    const s = make([chunk(0, ['a', 'b']), chunk(1, ['c'])]);
    s.setNode(0, 'node-1');
    s.setNode(1, 'node-2');
    const a = s.next(0)!;
    assert.deepEqual(s.complete(a, 'error', 'node-1'), { final: false, reason: 'requeue' });
    assert.equal(s.next(0)?.siteId, 'b', 'node-1 does not take a back');
    assert.deepEqual(s.next(1), { siteId: 'a', attempt: 2 }, 'node-2 takes it first');
  });

  it('runs an excluded site on the same node when no other node is left', () => {
    const s = make([chunk(0, ['a'])]);
    s.setNode(0, 'node-1');
    s.complete(s.next(0)!, 'error', 'node-1');
    assert.deepEqual(s.next(0), { siteId: 'a', attempt: 2 });
  });

  it('makes a repeated infrastructure error final after infraAttempts', () => {
    const s = make([chunk(0, ['a'])], 3, 2);
    s.complete(s.next(0)!, 'error');
    assert.deepEqual(s.complete(s.next(0)!, 'error'), { final: true });
    assert.ok(s.done);
  });

  it('requeues a site whose node died under it without using up its infrastructure attempts', () => {
    const s = make([chunk(0, ['a'])], 0, 2);
    s.setNode(0, 'node-1');
    s.setNode(1, 'node-2');
    s.setNode(2, 'node-3');
    assert.deepEqual(s.complete(s.next(0)!, 'error', 'node-1', { nodeLost: true }), { final: false, reason: 'requeue' });
    const second = s.next(1)!;
    assert.deepEqual(second, { siteId: 'a', attempt: 2 }, 'another node takes it');
    assert.deepEqual(s.complete(second, 'error', 'node-2', { nodeLost: true }), { final: false, reason: 'requeue' }, 'a second dead node is not the site\'s fault either');
    assert.deepEqual(s.next(2), { siteId: 'a', attempt: 3 });
  });

  it('bounds the requeues of a site whose nodes keep dying, then counts them as errors', () => {
    const s = new Scheduler({ chunks: [chunk(0, ['a'])], retries: 0, infraAttempts: 2, nodeLossRequeues: 2, costOf: () => 1 });
    const verdicts = Array.from({ length: 4 }, () => s.complete(s.next(0)!, 'error', 'node-1', { nodeLost: true }));
    assert.deepEqual(verdicts.map((v) => v.final), [false, false, false, true], '2 node losses, then the 2 ordinary attempts');
    assert.ok(s.done);
  });

  it('takes back an item a slot could not run', () => {
    const s = make([chunk(0, ['a', 'b'])]);
    const a = s.next(0)!;
    s.giveBack(a);
    assert.equal(s.done, false);
    assert.deepEqual(s.next(1), { siteId: 'a', attempt: 1 });
  });
});
