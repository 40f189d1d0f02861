// Preloaded into the bench's child processes (`node --import`): on exit, writes the process's
// own resource use to $BENCH_USAGE_FILE as JSON: peak resident set (getrusage maxRSS, KiB), CPU
// time (user + system, ms; getrusage counts this process only, not its children, and survives
// bin/grid-run.js's execve), and with $BENCH_LOOP_DELAY the event loop's stalls, measured inside
// the process, which only it can see: a 10 ms timer whose late ticks (over 50 ms) are kept with
// the time they ended, so that a stall at start-up can be told from one in the middle of a run.
import { writeFileSync } from 'node:fs';

const file = process.env.BENCH_USAGE_FILE;
const tickMs = 10;
const stalls: { atMs: number; ms: number }[] = [];
if (process.env.BENCH_LOOP_DELAY) {
  let last = performance.now();
  setInterval(() => {
    const now = performance.now();
    const late = now - last - tickMs;
    last = now;
    if (late > 50) stalls.push({ atMs: Math.round(now), ms: Math.round(late) });
  }, tickMs).unref();
}
if (file) {
  process.on('exit', () => {
    const usage = process.resourceUsage();
    const report = {
      maxRssKb: usage.maxRSS,
      cpuMs: (usage.userCPUTime + usage.systemCPUTime) / 1000,
      userMs: usage.userCPUTime / 1000,
      systemMs: usage.systemCPUTime / 1000,
      /** ms since the process (image) started, and how long the loop was held. */
      stalls: process.env.BENCH_LOOP_DELAY ? stalls : undefined,
      uptimeMs: Math.round(performance.now()),
    };
    writeFileSync(file, JSON.stringify(report));
  });
}
