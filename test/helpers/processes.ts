import { execFileSync, spawn } from 'node:child_process';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';

/** Pids of live processes in any of the given process groups (zombies excluded). */
export function processesInGroups(groups: number[]): number[] {
  const out = execFileSync('ps', ['-eo', 'pid=,pgid=,stat='], { encoding: 'utf8' });
  return out
    .split('\n')
    .map((line) => line.trim().split(/\s+/))
    .filter(([pid, pgid, stat]) => pid && groups.includes(Number(pgid)) && !stat?.startsWith('Z'))
    .map(([pid]) => Number(pid));
}

export type SpawnedRun = {
  child: import('node:child_process').ChildProcess;
  /** stdout and stderr so far, interleaved. */
  output(): string;
  /** Resolves with the exit code (null when killed by a signal it did not handle). */
  exited: Promise<number | null>;
};

const gridRunBin = new URL('../../bin/grid-run.js', import.meta.url).pathname;

/**
 * `bin/grid-run.js` as a child process, as CI runs it, with TMPDIR set so that the state of an
 * embedded grid can be found (see embeddedGridGroups).
 */
export function spawnGridRun(args: string[], options: { cwd: string; tmpdir: string }): SpawnedRun {
  const child = spawn(process.execPath, [gridRunBin, ...args], {
    cwd: options.cwd,
    env: { PATH: process.env.PATH, CI: 'true', TMPDIR: options.tmpdir },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.on('data', (d) => (output += d));
  child.stderr.on('data', (d) => (output += d));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return { child, output: () => output, exited };
}

/** Process groups (hub and nodes) of the grid a spawned run started, from its state file. */
export async function embeddedGridGroups(tmp: string, timeoutMs = 120_000): Promise<number[]> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const dir = (await readdir(tmp)).find((f) => f.startsWith('grid-run-'));
    if (dir) {
      try {
        const state = JSON.parse(await readFile(join(tmp, dir, 'grid.json'), 'utf8')) as { processes: { pid: number }[] };
        return state.processes.map((p) => p.pid);
      } catch {
        // not written yet
      }
    }
    if (Date.now() > deadline) throw new Error(`no embedded grid state (grid.json) in ${tmp} after ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

/**
 * Whether the reaper of the run in `tmp` exited after a clean teardown ('done': it removed
 * nothing), after removing what the run left ('reaped'), or has not ended ('running').
 */
export async function reaperFinished(tmp: string, timeoutMs = 10_000): Promise<'done' | 'reaped' | 'running'> {
  const dir = (await readdir(tmp)).find((f) => f.startsWith('grid-run-'));
  if (!dir) throw new Error(`no run directory in ${tmp}`);
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const log = await readFile(join(tmp, dir, 'reaper.log'), 'utf8').catch(() => '');
    if (/: done$/m.test(log)) return 'reaped';
    if (/: exiting, the teardown was done$/m.test(log)) return 'done';
    if (Date.now() > deadline) return 'running';
    await new Promise((r) => setTimeout(r, 200));
  }
}
