import { setTimeout as sleep } from 'node:timers/promises';

export type WaitOptions = {
  /** What is being waited for, for the error message. */
  what: string;
  timeoutMs: number;
  intervalMs?: number;
  signal?: AbortSignal;
};

/**
 * Polls `check` until it returns a value other than undefined. Every wait has a bound and says,
 * when it runs out, what it waited for, how long, and the last thing it saw.
 */
export async function waitFor<T>(check: () => Promise<T | undefined>, options: WaitOptions): Promise<T> {
  const deadline = Date.now() + options.timeoutMs;
  let last = '';
  for (;;) {
    options.signal?.throwIfAborted();
    try {
      const value = await check();
      if (value !== undefined) return value;
    } catch (err) {
      last = err instanceof Error ? err.message : String(err);
    }
    if (Date.now() >= deadline) {
      throw new WaitTimeoutError(
        `gave up waiting for ${options.what} after ${Math.round(options.timeoutMs / 1000)} s` + (last ? ` (last: ${last})` : ''),
      );
    }
    await sleep(options.intervalMs ?? 250, undefined, { signal: options.signal });
  }
}

export class WaitTimeoutError extends Error {}
