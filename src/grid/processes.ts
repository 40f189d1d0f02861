import { InfrastructureError } from '../errors.ts';
import { poll } from '../wait.ts';

export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Stops a process group led by `pid`: SIGTERM, then SIGKILL after `graceMs` (at once when
 * `hurry` aborts). The group takes chromedriver and Chromium with it. Stopping a group that
 * is already gone is not an error.
 */
export async function stopProcessGroup(pid: number, graceMs = 5000, hurry?: AbortSignal): Promise<void> {
  if (!signalGroup(pid, 'SIGTERM')) return;
  const gone = (timeoutMs: number, intervalMs: number, signal?: AbortSignal) =>
    poll(() => Promise.resolve(groupAlive(pid) ? { last: 'still running' } : { done: true }), {
      timeoutMs,
      intervalMs,
      signal,
      timedOut: () => new InfrastructureError(`process group ${pid} still runs after ${timeoutMs} ms`),
    });
  // The grace period, which `hurry` cuts short: its end, or hurry, is not an error but SIGKILL.
  if (await gone(graceMs, 100, hurry).catch(() => false)) return;
  signalGroup(pid, 'SIGKILL');
  await gone(killedGoneMs, 50);
}

/** Bound on a SIGKILLed group disappearing (a process the kernel cannot kill, stuck in I/O). */
const killedGoneMs = 10_000;

function signalGroup(pid: number, signal: NodeJS.Signals): boolean {
  try {
    process.kill(-pid, signal);
    return true;
  } catch {
    return false;
  }
}

function groupAlive(pid: number): boolean {
  try {
    process.kill(-pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}
