// SharedStatus: callers at once share hub /status requests, and each gets an answer the hub
// gave after its call. The hub is a HubClient-shaped counter whose answers say when they were asked.
import assert from 'node:assert/strict';
import type { GridStatus } from '../../src/grid/hub-client.ts';
import { SharedStatus } from '../../src/grid/shared-status.ts';

function countingHub() {
  const asked: { resolve: (s: GridStatus) => void; reject: (e: Error) => void }[] = [];
  return {
    asked,
    status: () => new Promise<GridStatus>((resolve, reject) => asked.push({ resolve, reject })),
    answer: (i: number) => asked[i]!.resolve({ ready: true, message: `answer ${i}`, nodes: [] }),
  };
}

const tick = () => new Promise((resolve) => setImmediate(resolve));

describe('SharedStatus', () => {
  it('one request for callers before it is sent; callers while it is out share the next one', async () => {
    const hub = countingHub();
    const shared = new SharedStatus(hub);
    const first = shared.fresh();
    const during = Array.from({ length: 50 }, () => shared.fresh());
    assert.equal(hub.asked.length, 1);
    hub.answer(0);
    assert.equal((await first).message, 'answer 0');
    await tick();
    // The 50 asked while answer 0 was out: it may predate their sessions, so one more request.
    assert.equal(hub.asked.length, 2);
    hub.answer(1);
    for (const d of await Promise.all(during)) assert.equal(d.message, 'answer 1');
    assert.equal(hub.asked.length, 2);
  });

  it('a failed request fails its callers only; the next callers get a new one', async () => {
    const hub = countingHub();
    const shared = new SharedStatus(hub);
    const first = shared.fresh();
    const second = shared.fresh();
    hub.asked[0]!.reject(new Error('hub down'));
    await assert.rejects(first, /hub down/);
    await tick();
    hub.answer(1);
    assert.equal((await second).message, 'answer 1');
    const later = shared.fresh();
    assert.equal(hub.asked.length, 3);
    hub.answer(2);
    assert.equal((await later).message, 'answer 2');
  });
});
