import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import { DotReporter } from '../../src/report/dot.ts';
import { computeSummary } from '../../src/report/summary.ts';
import { realisticRun } from './fixtures.ts';

describe('dot reporter', () => {
  it('prints a character per site, 80 a line, then the summary', () => {
    let text = '';
    const stream = new Writable({ write: (chunk, _enc, done) => ((text += String(chunk)), done()) });
    const { results } = realisticRun(85, 40); // failed: 0, 40, 80
    results[1]!.known = { reason: 'T-1: x', state: 'fixed' };
    results[40]!.known = { reason: 'T-2: y', state: 'failing' };
    results[2]!.status = 'error';
    const dot = new DotReporter(stream);
    for (const r of results) dot.onSiteEnd(r);
    dot.onEnd(results, computeSummary(results, { wallMs: 1000, concurrency: 1, sessionsCreated: 1 }));
    const lines = text.split('\n');
    assert.equal(lines[0], 'F✓E' + '·'.repeat(37) + 'K' + '·'.repeat(39));
    assert.equal(lines[1], 'F····');
    assert.ok(lines.includes('85 sites: 81 passed, 2 failed, 1 errors, 0 skipped, 0 flaky, 1 known failures, 1 fixed'), text);
  });
});
