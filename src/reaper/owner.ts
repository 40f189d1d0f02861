// Who started a resource: this machine's name, the process id and the process's start time
// (so that a reused pid is not taken for the owner). Labels and tags carry it; `sweep` and the
// leftover checks ask whether that owner still runs.
import { readFileSync } from 'node:fs';
import { hostname } from 'node:os';

/** Field 22 of /proc/PID/stat: clock ticks after boot at which the process started. */
function startTicks(pid: number): string | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The command name (field 2) is in parentheses and may hold spaces: count after its end.
    return stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19];
  } catch {
    return undefined;
  }
}

/** `host/pid/start` of a process on this machine (this one by default). */
export function currentOwner(pid = process.pid): string {
  return `${hostname()}/${pid}/${startTicks(pid) ?? '0'}`;
}

export type OwnerState = 'running' | 'gone' | 'elsewhere';

/** Whether the owner still runs; `elsewhere` when it ran on another machine (not knowable here). */
export function ownerState(owner: string): OwnerState {
  const [host, pid, start] = owner.split('/');
  if (host !== hostname()) return 'elsewhere';
  const ticks = startTicks(Number(pid));
  return ticks !== undefined && ticks === start ? 'running' : 'gone';
}
