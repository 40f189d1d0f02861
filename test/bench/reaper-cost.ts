// What the run's reaper costs (`node test/bench/reaper-cost.ts [run options]`): runs
// `grid-run run` (the embedded grid and the bundled sites unless told otherwise) and samples
// /proc every 200 ms for the CLI and for the reaper it spawns: CPU time and peak RSS, Linux only.
import { spawn } from 'node:child_process';
import { mkdtemp, readFile, readdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const repo = new URL('../../', import.meta.url).pathname;
const ticksPerSecond = 100; // USER_HZ on Linux
type Sample = { cpuS: number; peakRssMb: number };

async function sample(pid: number): Promise<Sample | undefined> {
  try {
    const stat = (await readFile(`/proc/${pid}/stat`, 'utf8')).split(') ')[1]!.split(' ');
    const hwm = /VmHWM:\s+(\d+) kB/.exec(await readFile(`/proc/${pid}/status`, 'utf8'));
    // Fields 14 and 15 of stat (utime, stime), counted from the state field, the 3rd.
    return { cpuS: (Number(stat[11]) + Number(stat[12])) / ticksPerSecond, peakRssMb: hwm ? Number(hwm[1]) / 1024 : 0 };
  } catch {
    return undefined; // gone, or a zombie without its memory
  }
}

/** The latest CPU time, the highest peak: an exiting process no longer shows its memory. */
function merge(before: Sample | undefined, now: Sample | undefined): Sample | undefined {
  if (!now) return before;
  return { cpuS: now.cpuS, peakRssMb: Math.max(now.peakRssMb, before?.peakRssMb ?? 0) };
}

/** The reaper: a process running src/reaper/main.ts whose parent is the CLI (it leads its own session). */
async function findReaper(cli: number): Promise<number | undefined> {
  for (const name of await readdir('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const cmdline = await readFile(`/proc/${name}/cmdline`, 'utf8');
      const parent = Number((await readFile(`/proc/${name}/stat`, 'utf8')).split(') ')[1]!.split(' ')[1]);
      if (parent === cli && cmdline.includes('src/reaper/main.ts')) return Number(name);
    } catch {
      // gone meanwhile
    }
  }
  return undefined;
}

const out = await mkdtemp(join(tmpdir(), 'grid-run-reaper-cost-'));
const args = ['bin/grid-run.js', 'run', '--reporter', 'junit,json', '--junit', join(out, 'junit.xml'), '--results', join(out, 'results.json'), ...process.argv.slice(2)];
const started = Date.now();
const cli = spawn(process.execPath, args, { cwd: repo, stdio: ['ignore', 'ignore', 'inherit'] });
const exited = new Promise<number | null>((resolve) => cli.once('exit', resolve));
let reaper: number | undefined;
const last: Record<'cli' | 'reaper', Sample | undefined> = { cli: undefined, reaper: undefined };
let running = true;
void exited.then(() => (running = false));
while (running) {
  reaper ??= await findReaper(cli.pid!);
  last.cli = merge(last.cli, await sample(cli.pid!));
  if (reaper) last.reaper = merge(last.reaper, await sample(reaper));
  await new Promise((resolve) => setTimeout(resolve, 200));
}
const code = await exited;
const results = JSON.parse(await readFile(join(out, 'results.json'), 'utf8')) as { summary: { total: number } };
const show = (s: Sample | undefined) => (s ? `${s.cpuS.toFixed(2)} s CPU, peak RSS ${s.peakRssMb.toFixed(0)} MB` : 'not seen');
console.log(`run: exit ${code}, ${results.summary.total} sites in ${((Date.now() - started) / 1000).toFixed(0)} s`);
console.log(`CLI:    ${show(last.cli)}`);
console.log(`reaper: ${show(last.reaper)}`);
