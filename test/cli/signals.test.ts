// withSignals in a child process that real signals are sent to: the same signal again within
// the repeat window is one request; a later one aborts `hurry`; the exit code is 130/143.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';

const signals = new URL('../../src/cli/signals.ts', import.meta.url).pathname;

// The child reports each abort as a line, and ends its "run" 1.5 s after the first signal.
const child = `
import { withSignals } from ${JSON.stringify(signals)};
const alive = setInterval(() => {}, 1000); // a run always has work pending; this child has none
const code = await withSignals(async ({ signal, hurry }) => {
  process.stdout.write('ready\\n');
  signal.addEventListener('abort', () => process.stdout.write('abort ' + signal.reason + '\\n'));
  hurry.addEventListener('abort', () => process.stdout.write('hurry ' + hurry.reason + '\\n'));
  await new Promise((resolve) => signal.addEventListener('abort', () => setTimeout(resolve, 1500)));
  return 0;
}, { repeatWindowMs: 1000 });
process.stdout.write('code ' + code + '\\n');
clearInterval(alive);
`;

function start() {
  const proc = spawn(process.execPath, ['--input-type=module', '-e', child], { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  proc.stdout.on('data', (d) => (out += d));
  proc.stderr.on('data', (d) => (err += d));
  const ready = new Promise<void>((resolve) => proc.stdout.on('data', () => out.includes('ready') && resolve()));
  const exited = new Promise<void>((resolve) => proc.on('exit', () => resolve()));
  return { proc, ready, done: async () => (await exited, { out, err }) };
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** The child's output after `signal` sent twice, `gapMs` apart. */
async function signalTwice(signal: NodeJS.Signals, gapMs: number): Promise<{ out: string; err: string }> {
  const c = start();
  await c.ready;
  c.proc.kill(signal);
  await sleep(gapMs);
  c.proc.kill(signal);
  return c.done();
}

describe('signals (withSignals, real signals to a child process)', function () {
  this.timeout(30_000);

  it('two SIGTERMs 50 ms apart are one request: no hurry, exit code 143', async () => {
    const { out, err } = await signalTwice('SIGTERM', 50);
    assert.deepEqual(out.trim().split('\n'), ['ready', 'abort SIGTERM', 'code 143']);
    assert.match(err, /SIGTERM received, finishing up/);
    assert.doesNotMatch(err, /SIGTERM again/);
  });

  it('a second SIGINT after the window aborts hurry and says so; exit code 130', async () => {
    const { out, err } = await signalTwice('SIGINT', 1200);
    assert.deepEqual(out.trim().split('\n'), ['ready', 'abort SIGINT', 'hurry SIGINT', 'code 130']);
    assert.match(err, /SIGINT again: not waiting for sessions or processes any more/);
  });
});
