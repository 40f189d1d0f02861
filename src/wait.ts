// The one way grid-run waits for something to come true: a bound, a poll interval, an abort
// signal, a clock (tests give a virtual one), and an error that says what was awaited, for how
// long, and what was seen last.
import { setTimeout as sleep } from 'node:timers/promises';

export type WaitClock = { now(): number; sleep(ms: number, signal?: AbortSignal): Promise<void> };

export const systemWaitClock: WaitClock = {
  now: () => Date.now(),
  sleep: (ms, signal) => sleep(ms, undefined, { signal }),
};

/** One look at what is awaited: there it is (`done`), or what was seen instead (`last`). */
export type Look<T> = { done: T } | { last: string };

export type PollOptions = {
  timeoutMs: number;
  /** Time between two looks (default 250 ms); the last sleep ends at the bound. */
  intervalMs?: number;
  signal?: AbortSignal;
  clock?: WaitClock;
  /** The error once the bound has passed, given what the last look saw. */
  timedOut: (last: string) => Error;
};

/**
 * Looks until `look` answers `done`, then returns it. An error thrown by `look` ends the wait
 * (it is the caller's to turn what may pass into a `last`); so does an aborted signal.
 */
export async function poll<T>(look: () => Promise<Look<T>>, options: PollOptions): Promise<T> {
  const clock = options.clock ?? systemWaitClock;
  const deadline = clock.now() + options.timeoutMs;
  for (;;) {
    options.signal?.throwIfAborted();
    const seen = await look();
    if ('done' in seen) return seen.done;
    const left = deadline - clock.now();
    if (left <= 0) throw options.timedOut(seen.last);
    await clock.sleep(Math.min(options.intervalMs ?? 250, left), options.signal);
  }
}

export type WaitOptions = Omit<PollOptions, 'timedOut'> & {
  /** What is being waited for, for the error message. */
  what: string;
};

/**
 * Polls `check` until it returns a value other than undefined; what it throws meanwhile is the
 * `last` the timeout names (a hub not answering yet, say).
 */
export async function waitFor<T>(check: () => Promise<T | undefined>, options: WaitOptions): Promise<T> {
  let last = '';
  return poll<T>(
    async () => {
      try {
        const value: T | undefined = await check();
        if (value !== undefined) return { done: value };
      } catch (err) {
        last = err instanceof Error ? err.message : String(err);
      }
      return { last };
    },
    {
      ...options,
      timedOut: () => new WaitTimeoutError(`gave up waiting for ${options.what} after ${Math.round(options.timeoutMs / 1000)} s` + (last ? ` (last: ${last})` : '')),
    },
  );
}

export class WaitTimeoutError extends Error {}
