import { execFileSync } from 'node:child_process';

/** Pids of live processes in any of the given process groups (zombies excluded). */
export function processesInGroups(groups: number[]): number[] {
  const out = execFileSync('ps', ['-eo', 'pid=,pgid=,stat='], { encoding: 'utf8' });
  return out
    .split('\n')
    .map((line) => line.trim().split(/\s+/))
    .filter(([pid, pgid, stat]) => pid && groups.includes(Number(pgid)) && !stat?.startsWith('Z'))
    .map(([pid]) => Number(pid));
}
