import assert from 'node:assert/strict';
import { readdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { JsonReporter, mergeHistory, readHistory, readResults, writeResults } from '../../src/report/json.ts';
import { computeSummary } from '../../src/report/summary.ts';
import { sampleResults, sampleRunInfo } from './fixtures.ts';
import { tempDirEach } from '../helpers/temp.ts';

describe('results.json and history', () => {
  const tmp = tempDirEach('results-');

  const results = sampleResults();
  const summary = computeSummary(results, { wallMs: 60_000, concurrency: 2, sessionsCreated: 3 });

  it('round-trips every site with status, attempts, node, session, detection, expect, message, timings', async () => {
    const file = path.join(tmp.path, 'results.json');
    await writeResults(file, results, summary);
    const back = await readResults(file);
    assert.equal(back.format, 'grid-run/results@1');
    assert.deepEqual(back.results, results);
    assert.deepEqual(back.summary, summary);
    assert.deepEqual(await readdir(tmp.path), ['results.json'], 'no temp file left behind');
  });

  it('turns a results file into a history, skipping sites that never ran', async () => {
    const file = path.join(tmp.path, 'results.json');
    await writeResults(file, results, summary);
    const history = await readHistory(file);
    assert.equal(history.get('acme/login-fr'), 1200);
    assert.equal(history.get('flaky/modal'), 650, 'final attempt duration');
    assert.equal(history.get('slow/never-loads'), 20000, 'a timeout still occupied its slot');
    assert.equal(history.has('<script>alert(1)</script>'), false);
  });

  it('blends durations with an exponential moving average', async () => {
    const previous = new Map([
      ['acme/login-fr', 2200],
      ['gone/site', 500],
    ]);
    const merged = mergeHistory(previous, results, 0.5);
    assert.equal(merged.get('acme/login-fr'), 1700);
    assert.equal(merged.get('gone/site'), 500, 'sites not in this run keep their value');
    assert.equal(merged.get('shop/signup'), 900, 'new sites start at their duration');

    const file = path.join(tmp.path, 'results.json');
    await writeResults(file, results, summary, previous);
    const history = await readHistory(file);
    assert.equal(history.get('acme/login-fr'), Math.round(0.3 * 1200 + 0.7 * 2200));
    assert.equal(history.get('gone/site'), 500);
  });

  it('reads a results file without a history field from its results', async () => {
    const file = path.join(tmp.path, 'old.json');
    await writeFile(file, JSON.stringify({ results }));
    assert.equal((await readHistory(file)).get('shop/signup'), 900);
  });

  it('treats a missing history file as empty and a corrupt one as an error', async () => {
    assert.equal((await readHistory(path.join(tmp.path, 'none.json'))).size, 0);
    const bad = path.join(tmp.path, 'bad.json');
    await writeFile(bad, '{"results": [');
    await assert.rejects(readHistory(bad), /bad\.json: history is not valid JSON/);
  });

  it('as a Reporter, records run metadata on a partial run', async () => {
    const file = path.join(tmp.path, 'sub', 'results.json');
    const rep = new JsonReporter(file, { now: () => new Date('2026-01-01T00:01:00Z') });
    rep.onBegin(sampleRunInfo());
    await rep.onEnd(results, { ...summary, interrupted: 'SIGINT' });
    const data = JSON.parse(await readFile(file, 'utf8'));
    assert.equal(data.runId, 'run-1');
    assert.equal(data.startedAt, '2026-01-01T00:00:00.000Z');
    assert.equal(data.finishedAt, '2026-01-01T00:01:00.000Z');
    assert.equal(data.summary.interrupted, 'SIGINT');
    assert.equal(data.results.length, 5);
  });
});
