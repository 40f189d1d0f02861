// Runs one arm as a child process and measures it from outside: wall time from spawn to exit,
// and peak RSS, read twice over: VmHWM polled from /proc/<pid>/status, and getrusage's maxRSS
// written by a preloaded exit hook (usage-hook.ts), which also catches a peak in the last
// moments before exit that polling can miss. The larger of the two is reported. The hook also
// gives the child's own CPU time and, with `loopDelay`, its event-loop stalls.
import { spawn } from 'node:child_process';
import { openSync, closeSync } from 'node:fs';
import { readFile, rm } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';

export type ChildRun = {
  code: number | null;
  wallMs: number;
  peakRssMb: number | undefined;
  stdout: string;
  /** The child's own CPU time (user + system), ms: not its children's. */
  cpuMs: number | undefined;
  /** With `loopDelay`: the child's event-loop stalls over 50 ms, each with when it ended (ms since the child's process image started). */
  stalls?: { atMs: number; ms: number }[];
  /** The child's own age at exit, ms (from the start of its last process image). */
  uptimeMs?: number;
  /** Each stdout line with the ms since spawn it arrived at. */
  lines: { atMs: number; line: string }[];
};

type Usage = { maxRssKb?: number; cpuMs?: number; stalls?: { atMs: number; ms: number }[]; uptimeMs?: number };

const hook = fileURLToPath(new URL('./usage-hook.ts', import.meta.url));

export async function runChild(
  script: string,
  args: string[],
  options: { cwd: string; env?: NodeJS.ProcessEnv; log: string; nodeArgs?: string[]; loopDelay?: boolean },
): Promise<ChildRun> {
  const usageFile = `${options.log}.usage`;
  await rm(usageFile, { force: true });
  const err = openSync(options.log, 'w');
  const started = performance.now();
  const child = spawn(process.execPath, [...(options.nodeArgs ?? []), '--import', hook, script, ...args], {
    cwd: options.cwd,
    env: { ...(options.env ?? process.env), BENCH_USAGE_FILE: usageFile, ...(options.loopDelay ? { BENCH_LOOP_DELAY: '1' } : {}) },
    stdio: ['ignore', 'pipe', err],
  });
  closeSync(err);
  let stdout = '';
  let partial = '';
  const lines: ChildRun['lines'] = [];
  child.stdout!.setEncoding('utf8').on('data', (d: string) => {
    stdout += d;
    const parts = (partial + d).split('\n');
    partial = parts.pop()!;
    const atMs = performance.now() - started;
    for (const line of parts) lines.push({ atMs, line });
  });
  let polledKb = 0;
  const poll = setInterval(() => {
    readFile(`/proc/${child.pid}/status`, 'utf8').then(
      (status) => {
        const kb = Number(/VmHWM:\s+(\d+)/.exec(status)?.[1] ?? 0);
        if (kb > polledKb) polledKb = kb;
      },
      () => {
        // gone between two polls
      },
    );
  }, 50);
  const code = await new Promise<number | null>((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (c) => resolve(c));
  });
  const wallMs = performance.now() - started;
  clearInterval(poll);
  const usage = JSON.parse(await readFile(usageFile, 'utf8').catch(() => '{}')) as Usage;
  const kb = Math.max(polledKb, usage.maxRssKb ?? 0);
  return { code, wallMs, peakRssMb: kb > 0 ? kb / 1024 : undefined, stdout, cpuMs: usage.cpuMs, stalls: usage.stalls, uptimeMs: usage.uptimeMs, lines };
}
