// Runs one arm as a child process and measures it from outside: wall time from spawn to exit,
// and peak RSS, read twice over: VmHWM polled from /proc/<pid>/status, and getrusage's maxRSS
// written by a preloaded exit hook (rss-hook.ts), which also catches a peak in the last
// moments before exit that polling can miss. The larger of the two is reported.
import { spawn } from 'node:child_process';
import { openSync, closeSync } from 'node:fs';
import { readFile, rm } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';

export type ChildRun = { code: number | null; wallMs: number; peakRssMb: number | undefined; stdout: string };

const hook = fileURLToPath(new URL('./rss-hook.ts', import.meta.url));

export async function runChild(script: string, args: string[], options: { cwd: string; env?: NodeJS.ProcessEnv; log: string; nodeArgs?: string[] }): Promise<ChildRun> {
  const rssFile = `${options.log}.maxrss`;
  await rm(rssFile, { force: true });
  const err = openSync(options.log, 'w');
  const started = performance.now();
  const child = spawn(process.execPath, [...(options.nodeArgs ?? []), '--import', hook, script, ...args], {
    cwd: options.cwd,
    env: { ...(options.env ?? process.env), BENCH_MAXRSS_FILE: rssFile },
    stdio: ['ignore', 'pipe', err],
  });
  closeSync(err);
  let stdout = '';
  child.stdout!.setEncoding('utf8').on('data', (d: string) => (stdout += d));
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
  const hookedKb = Number(await readFile(rssFile, 'utf8').catch(() => '0')) || 0;
  const kb = Math.max(polledKb, hookedKb);
  return { code, wallMs, peakRssMb: kb > 0 ? kb / 1024 : undefined, stdout };
}
