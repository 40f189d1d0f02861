// Ctrl-C and SIGTERM become aborted signals that commands watch. The first asks the run to
// finish up: stop dispatching, write the reports, remove what it started. The same signal
// again within `repeatWindowMs` is that same request delivered twice (a CI runner signals the
// process group and npx, npm or `timeout` forwards it again). A later one cuts the waiting
// short: `hurry` aborts, sessions and processes are not waited for, but the reports are still
// written and the run's resources still removed; `hardStopMs` after it the process exits
// whatever is left (the reaper then removes what the run started).
import { ExitCode } from '../errors.ts';

export type Interrupts = {
  /** Aborted by the first SIGINT/SIGTERM; `reason` is the signal's name. */
  signal: AbortSignal;
  /** Aborted by a second request, later than the repeat window: stop waiting for anything. */
  hurry: AbortSignal;
};

export type SignalOptions = { repeatWindowMs?: number; hardStopMs?: number; stderr?: NodeJS.WritableStream };

export async function withSignals(run: (interrupts: Interrupts) => Promise<number>, options: SignalOptions = {}): Promise<number> {
  const repeatWindowMs = options.repeatWindowMs ?? 1000;
  const hardStopMs = options.hardStopMs ?? 15_000;
  const stderr = options.stderr ?? process.stderr;
  const first = new AbortController();
  const hurry = new AbortController();
  let firstAt = 0;
  const codeOf = (name: unknown) => (name === 'SIGTERM' ? ExitCode.sigterm : ExitCode.sigint);
  const onSignal = (name: NodeJS.Signals) => {
    if (!first.signal.aborted) {
      firstAt = Date.now();
      stderr.write(`\ngrid-run: ${name} received, finishing up: writing the reports and removing what this run started (press Ctrl-C again to stop waiting)\n`);
      first.abort(name);
      return;
    }
    if (Date.now() - firstAt < repeatWindowMs) return; // the same request, delivered again
    if (hurry.signal.aborted) {
      stderr.write(`grid-run: ${name}: already finishing up without waiting\n`);
      return;
    }
    stderr.write(`grid-run: ${name} again: not waiting for sessions or processes any more; writing the reports and removing what this run started\n`);
    hurry.abort(name);
    setTimeout(() => {
      stderr.write(`grid-run: not finished ${hardStopMs / 1000} s after the second ${name}; exiting (what is left of this run is removed by its reaper)\n`);
      process.exit(codeOf(first.signal.reason));
    }, hardStopMs).unref();
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  try {
    const code = await run({ signal: first.signal, hurry: hurry.signal });
    if (first.signal.aborted && code !== ExitCode.usage) return codeOf(first.signal.reason);
    return code;
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }
}
