import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import { ConsoleReporter, summaryLines } from '../../src/report/console.ts';
import type { ProgressClock } from '../../src/report/console.ts';
import { computeSummary } from '../../src/report/summary.ts';
import type { SiteResult } from '../../src/types.ts';
import { sampleResults, sampleRunInfo, sampleSites } from './fixtures.ts';

class FakeStream extends Writable {
  text = '';
  isTTY: boolean;
  columns = 120;
  rows = 40;
  constructor(isTTY: boolean) {
    super();
    this.isTTY = isTTY;
  }
  override _write(chunk: Buffer, _enc: string, done: () => void): void {
    this.text += chunk.toString();
    done();
  }
  // readline.cursorTo/moveCursor/clearLine write escape codes themselves; nothing to do here.
}

class FakeProgressClock implements ProgressClock {
  t = 0;
  timers: Array<{ fn: () => void; ms: number } | undefined> = [];
  now(): number {
    return this.t;
  }
  setInterval(fn: () => void, ms: number): unknown {
    this.timers.push({ fn, ms });
    return this.timers.length - 1;
  }
  clearInterval(h: unknown): void {
    this.timers[h as number] = undefined;
  }
  advance(ms: number): void {
    const end = this.t + ms;
    for (;;) {
      const step = Math.min(...this.timers.filter((x) => x).map((x) => x!.ms));
      if (!Number.isFinite(step) || this.t + step > end) break;
      this.t += step;
      for (const x of this.timers) if (x && this.t % x.ms === 0) x.fn();
    }
    this.t = end;
  }
  get active(): number {
    return this.timers.filter(Boolean).length;
  }
}

/** 20 sites built from the 5 samples, so percentages step cleanly. */
function manyResults(): SiteResult[] {
  const base = sampleResults();
  return Array.from({ length: 20 }, (_, i) => ({ ...base[i % 5]!, id: `site-${i}`, flaky: false }));
}

describe('console reporter', () => {
  it('in CI prints a plain line every 10% and every interval, then the summary', () => {
    const stream = new FakeStream(true); // a TTY, but ci=true wins
    const clock = new FakeProgressClock();
    const rep = new ConsoleReporter({ stream, ci: true, clock, intervalMs: 30_000 });
    assert.equal(rep.interactive, false);
    const results = manyResults();
    const sites = sampleSites(results);
    rep.onBegin({ ...sampleRunInfo(sites), concurrency: 4 });

    rep.onSiteStart({ siteId: 'site-0', node: 'node-a', slot: 0, attempt: 1 });
    clock.advance(31_000);
    assert.match(stream.text, /progress: 0\/20 \(0%\) .* 1\/4 slots busy .* 30\.0s elapsed, ETA \?/);

    for (const r of results.slice(0, 4)) {
      clock.advance(1000);
      rep.onSiteEnd(r);
    }
    const lines = stream.text.split('\n');
    assert.equal(lines.filter((l) => l.startsWith('progress:')).length, 3, '0% by time, 10% and 20% by count');
    assert.ok(lines.includes('FAIL  site-1: login: expected no login form, detected one (step full, password #pass)'));
    assert.ok(lines.includes('ERROR site-2: page load timed out after 20000ms on node-a'));
    assert.ok(!stream.text.includes('\x1b['), 'no escape codes in CI');

    rep.onNotice('node node-b lost, 2 sites requeued');
    const summary = computeSummary(results.slice(0, 4), { wallMs: 35_000, concurrency: 4, sessionsCreated: 2 });
    rep.onEnd(results.slice(0, 4), summary);
    assert.equal(clock.active, 0, 'interval cleared');
    assert.match(stream.text, /note: node node-b lost, 2 sites requeued/);
    assert.match(stream.text, /4 sites: 2 passed, 1 failed, 1 errors, 0 skipped, 0 flaky/);
    assert.match(stream.text, /wall 35\.0s, [\d.]+ sites\/min, slot utilisation \d+%, 2 sessions created/);
    assert.match(stream.text, /Notices \(1\):\n {2}node node-b lost/);
  });

  it('on a TTY renders a live bar with per-node activity, then the summary', () => {
    const stream = new FakeStream(true);
    const clock = new FakeProgressClock();
    const rep = new ConsoleReporter({ stream, ci: false, clock });
    assert.equal(rep.interactive, true);
    const results = sampleResults();
    rep.onBegin(sampleRunInfo());
    rep.onSiteStart({ siteId: 'acme/login-fr', node: 'node-a', slot: 0, attempt: 1 });
    rep.onSiteStart({ siteId: 'shop/signup', node: 'node-b', slot: 0, attempt: 1 });
    clock.advance(2000);
    rep.onSiteEnd(results[0]!);
    rep.onSiteStart({ siteId: 'slow/never-loads', node: 'node-a', slot: 1, attempt: 1 });
    rep.onSiteEnd(results[1]!);
    rep.onNotice('session retried on node-a');
    // onEnd forces the final redraw; catch what the bar showed just before it is cleared.
    const before = stream.text.length;
    const summary = computeSummary(results, { wallMs: 5000, concurrency: 2, sessionsCreated: 2 });
    rep.onEnd(results, summary);
    const frame = stream.text.slice(before);
    assert.match(frame, /2\/5 \| 1 passed, 1 failed, 0 errors \| 2\.0s elapsed, ETA 3\.0s/);
    assert.match(frame, /node-a: slow\/never-loads \(0ms\)/);
    assert.match(frame, /node-b: idle/);
    assert.match(frame, /FAIL  shop\/signup/);
    assert.match(frame, /note: session retried on node-a/);
    assert.ok(stream.text.includes('\x1b['), 'cursor control codes were written');
    assert.match(stream.text, /5 sites: 2 passed, 1 failed, 1 errors, 1 skipped, 1 flaky/);
    assert.equal(clock.active, 0);
  });

  it('summary names the interruption and lists problems', () => {
    const results = sampleResults();
    const lines = summaryLines(results, {
      ...computeSummary(results, { wallMs: 1, concurrency: 1, sessionsCreated: 0 }),
      interrupted: 'SIGINT',
    });
    assert.match(lines[0]!, /Run interrupted: SIGINT/);
    assert.ok(lines.some((l) => l.includes('ERROR slow/never-loads')));
  });
});
