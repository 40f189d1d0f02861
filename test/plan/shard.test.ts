import assert from 'node:assert/strict';
import { parseShard, shardOf } from '../../src/plan/shard.ts';

describe('shards', () => {
  const ids = Array.from({ length: 10 }, (_, i) => `site/${i}`);

  it('split by count without history: every site once, sizes differ by at most one, in the list\'s order', () => {
    const shares = [1, 2, 3].map((current) => shardOf(ids, { current, total: 3 }));
    assert.deepEqual(shares.flat().sort(), [...ids].sort());
    assert.deepEqual(shares.map((s) => s.length).sort((a, b) => a - b), [3, 3, 4]);
    for (const s of shares) assert.deepEqual(s, ids.filter((id) => s.includes(id)));
  });

  it('are the same whatever order the list comes in', () => {
    const reversed = [...ids].reverse();
    for (const current of [1, 2, 3]) assert.deepEqual(shardOf(reversed, { current, total: 3 }).sort(), shardOf(ids, { current, total: 3 }).sort());
  });

  it('are balanced by recorded durations with a history', () => {
    const history = new Map(ids.map((id, i) => [id, i < 2 ? 10_000 : 1000]));
    const shares = [1, 2].map((current) => shardOf(ids, { current, total: 2 }, history));
    const ms = shares.map((s) => s.reduce((sum, id) => sum + history.get(id)!, 0));
    assert.deepEqual(ms, [14_000, 14_000]);
    assert.ok(shares.every((s) => s.filter((id) => history.get(id) === 10_000).length === 1));
  });

  it('more shards than sites leave the last ones empty', () => {
    assert.deepEqual(shardOf(['a', 'b'], { current: 3, total: 3 }), []);
  });

  it('parses CURRENT/TOTAL and refuses anything else', () => {
    assert.deepEqual(parseShard('2/3'), { current: 2, total: 3 });
    for (const bad of ['0/3', '4/3', '1/0', '2', 'a/b', '-1/3', '1/3/4']) assert.throws(() => parseShard(bad), /--shard: expected CURRENT\/TOTAL/, bad);
  });
});
