// `npm run bench`: grid-run against the physical limit and a naive peer, on one local grid and
// one site list, plus the reset question of issue 4, what one WebDriver or DevTools command
// costs, a scheduler simulation, the CLI's memory at 10,000 sites, the CLI's own CPU per site
// against the real grid (cli-cpu) and the CLI alone at 100,000 sites over 1,000 instant
// sessions (cli-scale). Usage: node test/bench/bench.ts [--reps 3] [--nodes 2] [--slots 2]
// [--sites LIST]... [--min-sites 200] [--max-sites N] [--page-delay MS] [--cpu-sites 100] [--scale-sites 100000] [--scale-sessions 1000]
// [--skip browsers,peer,cli-cpu,reset,profile,calls,detector,extension,sim,memory,cli-scale,report]
// [--only PART,...] [--report-sites 10000] (`--skip peer` leaves out the slowest arm, for a quick grid-run / limit check;
// `--only report` measures the HTML report at 10,000 sites and nothing else).
import { cpus, loadavg, tmpdir, totalmem } from 'node:os';
import { mkdir, mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { HttpHubClient } from '../../src/grid/hub-client.ts';
import { startLocalGrid, type LocalGrid } from '../../src/grid/local-grid.ts';
import { waitFor } from '../../src/wait.ts';
import type { SiteResult } from '../../src/types.ts';
import { runChild } from './child.ts';
import { extraPhase, wholeRun, type CallsReport, type LoopReport, type ProfileReport, type ResetReport } from './loops.ts';
import type { MemoryReport } from './memory.ts';
import { benchSites } from './sites.ts';
import { reportBench, reportMedians } from './report.ts';
import { defaultSim, policyLabels, simulate, workload, type PolicyName } from './simulate.ts';
import { fmt, median, percentile, table } from './stats.ts';
import { cliScale, scaleLines } from './cli-scale.ts';
import { Builder } from 'selenium-webdriver';
import { gridCapabilities } from '../../src/session/grid-sessions.ts';
import { loadExtensions } from '../../src/extension/load.ts';

const repo = fileURLToPath(new URL('../../', import.meta.url));
const here = (file: string) => fileURLToPath(new URL(file, import.meta.url));

type ArmName = 'limit' | 'grid-run' | 'peer';
type ArmRun = {
  wallMs: number;
  sites: number;
  sessions: number;
  peakRssMb?: number;
  ok: number;
  errors: number;
  note?: string;
  dispatchMs?: number;
  /** grid-run: the mean over its sessions of the time from the session's first site to the run's last site ending. */
  workingMs?: number;
  load?: number;
  /** grid-run: the CLI process's own CPU time (user + system), not the grid's. */
  cpuMs?: number;
};

const { values } = parseArgs({
  options: {
    reps: { type: 'string', default: '3' },
    nodes: { type: 'string', default: '2' },
    slots: { type: 'string', default: '2' },
    sites: { type: 'string', multiple: true },
    'min-sites': { type: 'string', default: '200' },
    'max-sites': { type: 'string' },
    'reset-sites': { type: 'string' },
    'sim-seeds': { type: 'string', default: '3' },
    'memory-sites': { type: 'string', default: '10000,100000' },
    'page-delay': { type: 'string', default: '0' },
    skip: { type: 'string', default: '' },
    only: { type: 'string' },
    'report-sites': { type: 'string', default: '10000' },
    'cpu-sites': { type: 'string', default: '100' },
    'scale-sites': { type: 'string', default: '100000' },
    'scale-sessions': { type: 'string', default: '1000' },
    out: { type: 'string' },
  },
});
const PARTS = ['browsers', 'limit', 'grid-run', 'peer', 'cli-cpu', 'reset', 'profile', 'calls', 'detector', 'extension', 'sim', 'memory', 'cli-scale', 'report'];
const only = values.only?.split(',').filter(Boolean);
const skip = new Set(only ? PARTS.filter((p) => !only.includes(p)) : values.skip.split(',').filter(Boolean));
const reps = Number(values.reps);
const nodes = Number(values.nodes);
const slotsPerNode = Number(values.slots);
const slots = nodes * slotsPerNode;
const out = resolve(values.out ?? (await mkdtemp(join(tmpdir(), 'grid-run-bench-'))));
await mkdir(out, { recursive: true });
const log = (line = '') => process.stdout.write(line + '\n');
const note = (line: string) => process.stderr.write(`bench: ${line}\n`);

const benchStarted = performance.now();
const loadAtStart = loadavg();
log(`# grid-run bench — ${new Date().toISOString()}`);
log(`machine: ${cpus().length} cores (${cpus()[0]?.model ?? 'unknown cpu'}), ${Math.round(totalmem() / 2 ** 30)} GiB, Node ${process.version}; load average at start ${loadAtStart.map((l) => l.toFixed(2)).join(' ')}`);
log(`outputs and logs: ${out}`);

const record: Record<string, unknown> = { startedAt: new Date().toISOString(), loadAtStart, cores: cpus().length };
const targets: string[] = [];

if (['browsers', 'cli-cpu', 'reset', 'profile', 'calls', 'detector', 'extension'].some((part) => !skip.has(part))) await browserArms();
if (!skip.has('sim')) simulation();
if (!skip.has('memory')) await memory();
if (!skip.has('cli-scale')) await scale();
if (!skip.has('report')) await htmlReport();

const loadAtEnd = loadavg();
if (targets.length) {
  log('');
  log('## Targets (issues 6, 13 and 16)');
  for (const line of targets) log(`- ${line}`);
}
log('');
log(`bench wall time ${fmt(performance.now() - benchStarted, 's')}; load average at end ${loadAtEnd.map((l) => l.toFixed(2)).join(' ')}`);
record.loadAtEnd = loadAtEnd;
record.benchWallMs = performance.now() - benchStarted;
await writeFile(join(out, 'bench.json'), JSON.stringify(record, null, 2) + '\n');

async function browserArms(): Promise<void> {
  const lists = values.sites?.length ? values.sites : [join(repo, 'sites')];
  const list = await benchSites({
    lists,
    cwd: process.cwd(),
    minSites: values.sites?.length ? 0 : Number(values['min-sites']),
    // The bundled pages are repeated up to exactly --min-sites; a given list is taken whole.
    maxSites: values['max-sites'] ? Number(values['max-sites']) : values.sites?.length ? undefined : Number(values['min-sites']),
    dir: out,
    delayMs: Number(values['page-delay']),
  });
  log(`sites: ${list.sites.length} (${list.distinct} distinct pages from ${lists.join(', ')}, repeated with unique ids and URLs), served by grid-run's static server${Number(values['page-delay']) ? `, every request answered ${values['page-delay']} ms late (--page-delay)` : ''} at ${list.server.url}`);
  let grid: LocalGrid | undefined;
  const stop = async () => {
    await grid?.stop();
    await list.server.close();
  };
  const onSignal = () => void stop().then(() => process.exit(130));
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  try {
    const gridStarted = performance.now();
    grid = await startLocalGrid({ nodes, slots: slotsPerNode, port: 0, stateDir: join(out, 'grid') });
    log(`grid: local Selenium Grid, ${nodes} node(s) x ${slotsPerNode} slot(s) = ${slots} slots, up in ${fmt(performance.now() - gridStarted, 's')} (${grid.hubUrl})`);
    const hub = new HttpHubClient(grid.hubUrl);
    const idle = () =>
      waitFor(
        async () => {
          const s = await hub.summary();
          if (s.freeSlots < slots || s.queueSize > 0) throw new Error(`${s.freeSlots} of ${slots} slots free, ${s.queueSize} queued`);
          return true;
        },
        { what: 'every grid slot free between two arms', timeoutMs: 120_000, intervalMs: 250 },
      );

    if (!skip.has('browsers')) {
      const runs: Record<ArmName, ArmRun[]> = { limit: [], 'grid-run': [], peer: [] };
      const arms = (['limit', 'grid-run', 'peer'] as const).filter((arm) => !skip.has(arm));
      for (let rep = 1; rep <= reps; rep++) {
        for (const arm of arms) {
          await idle();
          list.server.takeRequests?.();
          const run = arm === 'grid-run' ? await gridRunArm(grid.hubUrl, list.listFile, rep) : await loopArm(arm, grid.hubUrl, list.listFile, rep);
          run.load = loadavg()[0];
          const asked = list.server.takeRequests?.();
          if (asked) run.note = [run.note, `requests to the pages' server per site: ${Object.entries(asked).map(([k, n]) => `${k} ${fmt(n / list.sites.length)}`).join(', ')}`].filter(Boolean).join('; ');
          runs[arm].push(run);
          note(`rep ${rep} ${arm}: ${fmt(run.wallMs, 's')}, ${run.sessions} sessions, ${run.errors} errors, peak RSS ${fmt(run.peakRssMb, 'MB')} (load ${loadavg()[0]!.toFixed(2)})`);
        }
      }
      record.arms = runs;
      printArms(runs, list.sites.length);
    }
    if (!skip.has('cli-cpu')) await cliCpuArm(grid.hubUrl, idle);
    if (!skip.has('reset')) {
      await idle();
      await resetArm(grid.hubUrl, list.listFile, Number(values['reset-sites'] ?? list.distinct));
    }
    if (!skip.has('profile')) {
      await idle();
      await profileArm(grid.hubUrl, list.listFile, Number(values['reset-sites'] ?? list.distinct));
    }
    if (!skip.has('calls')) {
      await idle();
      await callsArm(grid.hubUrl, list.listFile);
    }
    if (!skip.has('detector')) await detectorArms(grid.hubUrl, list.listFile, idle);
    if (!skip.has('extension')) await extensionArms(grid.hubUrl, list.listFile, idle);
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
    await stop();
  }
}

async function loopArm(arm: 'limit' | 'peer', hubUrl: string, listFile: string, rep: number): Promise<ArmRun> {
  const child = await runChild(here('./loops.ts'), [arm, '--hub', hubUrl, '--list', listFile, '--slots', String(slots)], { cwd: repo, log: join(out, `${arm}-${rep}.log`) });
  if (child.code !== 0) throw new Error(`the ${arm} arm exited with ${child.code}: see ${join(out, `${arm}-${rep}.log`)}`);
  const report = JSON.parse(child.stdout.trim().split('\n').at(-1)!) as LoopReport;
  if (report.errors.length) await writeFile(join(out, `${arm}-${rep}.errors`), report.errors.join('\n') + '\n');
  return {
    wallMs: report.wallMs,
    sites: report.sites,
    sessions: report.sessionsCreated,
    peakRssMb: child.peakRssMb,
    ok: report.detected,
    errors: report.errors.length,
    note: report.openMs !== undefined ? `sessions opened in ${fmt(report.openMs, 's')}, inside the clock` : undefined,
  };
}

async function gridRunArm(hubUrl: string, listFile: string, rep: number, extra: { name?: string; args?: string[]; errorsAllowed?: boolean } = {}): Promise<ArmRun & { results: SiteResult[] }> {
  const dir = join(out, `${extra.name ?? 'grid-run'}-${rep}`);
  await mkdir(dir, { recursive: true });
  const args = ['run', '--grid', hubUrl, '--sites', listFile, '--junit', 'junit.xml', '--results', 'results.json', '--report', 'report', ...(extra.args ?? [])];
  const child = await runChild(join(repo, 'bin/grid-run.js'), args, { cwd: dir, env: { ...process.env, CI: 'true' }, log: join(dir, 'stderr.log') });
  await writeFile(join(dir, 'stdout.log'), child.stdout);
  // Exit 3 with a results.json is a site's infrastructure error (a page load timed out on the busy machine): counted, not fatal, where allowed.
  if (child.code !== 0 && child.code !== 1 && !(extra.errorsAllowed && child.code === 3)) throw new Error(`grid-run run exited with ${child.code}: see ${dir}`);
  const results = JSON.parse(await readFile(join(dir, 'results.json'), 'utf8')) as { summary: { sessionsCreated: number; wallMs: number }; results: SiteResult[] };
  return {
    wallMs: child.wallMs,
    sites: results.results.length,
    sessions: results.summary.sessionsCreated,
    peakRssMb: child.peakRssMb,
    cpuMs: child.cpuMs,
    ok: results.results.filter((r) => r.status === 'passed' || r.status === 'failed').length,
    errors: results.results.filter((r) => r.status === 'error').length,
    dispatchMs: results.summary.wallMs,
    workingMs: workingSpan(results.results),
    results: results.results,
  };
}

/**
 * Issue 16: the CLI's own CPU time per additional site against the real grid, as the difference
 * between runs of 3N and N sites (start-up, plan and reports cancel out), and what is left of a
 * run of N as the fixed part. Only the CLI process's CPU counts (its getrusage), not the grid's.
 */
async function cliCpuArm(hubUrl: string, idle: () => Promise<unknown>): Promise<void> {
  const n = Number(values['cpu-sites']);
  const dir = join(out, 'cli-cpu');
  await mkdir(dir, { recursive: true });
  const lists = values.sites?.length ? values.sites : [join(repo, 'sites')];
  const big = await benchSites({ lists, cwd: process.cwd(), minSites: 3 * n, maxSites: 3 * n, dir, name: `sites-${3 * n}.json` });
  try {
    const small = join(dir, `sites-${n}.json`);
    await writeFile(small, JSON.stringify((JSON.parse(await readFile(big.listFile, 'utf8')) as unknown[]).slice(0, n), null, 1) + '\n');
    const cpu: Record<number, number[]> = { [n]: [], [3 * n]: [] };
    const walls: Record<number, number[]> = { [n]: [], [3 * n]: [] };
    const cpuReps = Math.max(1, Math.min(reps, 2));
    for (let rep = 1; rep <= cpuReps; rep++) {
      for (const [size, file] of [[n, small], [3 * n, big.listFile]] as const) {
        await idle();
        const run = await gridRunArm(hubUrl, file, rep, { name: `cli-cpu-${size}`, errorsAllowed: true });
        cpu[size]!.push(run.cpuMs!);
        walls[size]!.push(run.wallMs);
        note(`cli-cpu rep ${rep}, ${size} sites: CLI CPU ${fmt(run.cpuMs! / 1000)} s, wall ${fmt(run.wallMs, 's')}, ${run.errors} errors (load ${loadavg()[0]!.toFixed(2)})`);
      }
    }
    const version = await runChild(join(repo, 'bin/grid-run.js'), ['--version'], { cwd: dir, log: join(dir, 'version.log') });
    const perSite = (median(cpu[3 * n]!) - median(cpu[n]!)) / (2 * n);
    const fixed = median(cpu[n]!) - n * perSite;
    record.cliCpu = { n, cpuMs: cpu, wallMs: walls, perSiteMs: perSite, fixedMs: fixed, versionCpuMs: version.cpuMs, load: loadavg() };
    log('');
    log(`## The CLI's own CPU per site against the real grid (issue 16): \`grid-run run --grid HUB\` on ${n} and ${3 * n} sites, ${slots} slots, ${cpuReps} interleaved repetition(s), medians`);
    log("CPU of the CLI process only (user + system from its getrusage at exit; not the hub's, nodes' or browsers'), with its default reporters and CI=true");
    log(table(['sites', 'CLI CPU per run', 'wall per run'], [n, 3 * n].map((size) => [String(size), cpu[size]!.map((ms) => `${fmt(ms / 1000)} s`).join(' / '), walls[size]!.map((ms) => fmt(ms, 's')).join(' / ')])));
    log(`per additional site: (CPU(${3 * n}) - CPU(${n})) / ${2 * n} = ${fmt(perSite)} ms (target <= 3); fixed per run: CPU(${n}) - ${n} x per-site = ${fmt(fixed / 1000)} s (target <= 0.6 s); \`grid-run --version\` alone: ${fmt((version.cpuMs ?? Number.NaN) / 1000)} s`);
    targets.push(`CLI CPU per additional site against the real grid <= 3 ms: ${fmt(perSite)} ms ${perSite <= 3 ? 'MET' : 'MISSED'}`);
    targets.push(`CLI fixed CPU per run <= 0.6 s: ${fmt(fixed / 1000)} s ${fixed <= 600 ? 'MET' : 'MISSED'}`);
  } finally {
    await big.server.close();
  }
}

/**
 * The per-site cost of a `--detector FILE` run against the built-in detector: the same sites
 * and grid, `grid-run run` both ways, interleaved. The user's detector is the example one,
 * which does less than the built-in; what the figure shows is what running a user's module
 * (its own bundle in the same script run) adds or saves per site.
 */
async function detectorArms(hubUrl: string, listFile: string, idle: () => Promise<unknown>): Promise<void> {
  const example = join(repo, 'examples/detector/detector.ts');
  const arms = [
    { name: 'builtin', args: [] as string[], errorsAllowed: true },
    { name: 'detector-file', args: ['--detector', example], errorsAllowed: true },
  ];
  const runs: Record<string, (ArmRun & { results: SiteResult[] })[]> = { builtin: [], 'detector-file': [] };
  for (let rep = 1; rep <= reps; rep++) {
    for (const arm of arms) {
      await idle();
      const run = await gridRunArm(hubUrl, listFile, rep, arm);
      runs[arm.name]!.push(run);
      note(`detector rep ${rep} ${arm.name}: ${fmt(run.wallMs, 's')}, ${run.errors} errors (load ${loadavg()[0]!.toFixed(2)})`);
    }
  }
  const perSite = (rs: SiteResult[], key: 'totalMs' | 'detectMs') => rs.filter((r) => r.status !== 'skipped').map((r) => r.timings[key]);
  const rows = arms.map(({ name }) => {
    const all = runs[name]!.flatMap((r) => r.results);
    const meanTotal = perSite(all, 'totalMs').reduce((a, b) => a + b, 0) / Math.max(1, perSite(all, 'totalMs').length);
    return [
      name,
      fmt(median(runs[name]!.map((r) => r.wallMs)), 's'),
      fmt(median(runs[name]!.map((r) => r.dispatchMs!)) / (runs[name]![0]?.sites ?? 1)),
      fmt(median(perSite(all, 'totalMs'))),
      fmt(meanTotal),
      fmt(median(perSite(all, 'detectMs'))),
      fmt(percentile(perSite(all, 'detectMs'), 0.9)),
      String(runs[name]!.reduce((n, r) => n + r.errors, 0)),
    ];
  });
  log('');
  log(`## --detector FILE against the built-in detector: ${runs.builtin![0]?.sites ?? 0} sites, ${slots} slots, ${reps} interleaved repetitions, \`grid-run run --grid HUB\` with and without \`--detector examples/detector/detector.ts\``);
  log(table(['detector', 'wall (median)', 'dispatch per site', 'site median', 'site mean', 'detection median', 'detection p90', 'errors'].map((h, i) => (i >= 2 && i <= 6 ? `${h} (ms)` : h)), rows));
  const cost = (name: string) => median(runs[name]!.map((r) => r.dispatchMs!));
  log(`per-site cost, dispatch wall per site (median over reps): --detector ${fmt(cost('detector-file') / (runs.builtin![0]?.sites ?? 1))} ms against builtin ${fmt(cost('builtin') / (runs.builtin![0]?.sites ?? 1))} ms = ${fmt(cost('detector-file') / cost('builtin'), 'x')}`);
  record.detectorArms = Object.fromEntries(Object.entries(runs).map(([k, rs]) => [k, rs.map(({ results: _r, ...rest }) => rest)]));
}

/**
 * The slots' mean working span: from each session's first site to the last site of the run.
 * This is what the limit's clock saw of its own run in issue 6, when its sessions opened before it.
 */
function workingSpan(results: SiteResult[]): number {
  const firstStart = new Map<string, number>();
  let lastEnd = 0;
  for (const attempt of results.flatMap((r) => r.attempts)) {
    const start = Date.parse(attempt.startedAt);
    if (attempt.sessionId) firstStart.set(attempt.sessionId, Math.min(firstStart.get(attempt.sessionId) ?? start, start));
    lastEnd = Math.max(lastEnd, start + attempt.durationMs);
  }
  const spans = [...firstStart.values()].map((start) => lastEnd - start);
  return spans.reduce((sum, span) => sum + span, 0) / spans.length;
}

function printArms(runs: Record<ArmName, ArmRun[]>, sites: number): void {
  const med = (arm: ArmName, key: keyof ArmRun) => median(runs[arm].map((r) => r[key] as number).filter((v) => v !== undefined));
  log('');
  log(`## Throughput: ${sites} sites, ${slots} slots, ${reps} interleaved repetitions (limit, grid-run, peer, ...), medians`);
  log('limit: one session per slot, all opened at once inside the clock (as any runner must); navigate + steps + detector script; even round-robin split; no judging, screenshots, resets or reports');
  log('grid-run: `node bin/grid-run.js run --grid HUB --sites LIST` as a child process, timed from spawn to exit (start-up, plan, sessions, detection + judging, screenshots of failed sites, reset, JUnit, results.json, HTML)');
  log('peer: one new session per site (open, navigate, steps, detector script, quit), the same number of workers taking sites from one queue');
  const rows = (['limit', 'grid-run', 'peer'] as const).filter((arm) => runs[arm].length > 0).map((arm) => {
    const wall = med(arm, 'wallMs');
    const loads = runs[arm].map((r) => (r.load ?? Number.NaN).toFixed(1)).join(' / ');
    return [arm, fmt(wall, 's'), runs[arm].map((r) => fmt(r.wallMs, 's')).join(' / '), fmt((sites * 60_000) / wall), fmt(med(arm, 'sessions')), fmt(med(arm, 'peakRssMb'), 'MB'), fmt(med(arm, 'errors')), loads];
  });
  log(table(['arm', 'wall (median)', 'wall per rep', 'sites/min', 'sessions', 'peak RSS', 'errors', 'load avg after each rep'], rows));
  const limit = med('limit', 'wallMs');
  const gridRun = med('grid-run', 'wallMs');
  const peer = med('peer', 'wallMs');
  // Issue 16: 1.10 at 200 sites, 1.05 at 600 or more and with late pages (--page-delay).
  const bound = sites >= 600 || Number(values['page-delay']) > 0 ? 1.05 : 1.1;
  const delayNote = Number(values['page-delay']) ? `, pages ${values['page-delay']} ms late` : '';
  log(`grid-run / limit = ${fmt(gridRun / limit, 'x')} (target <= ${bound.toFixed(2)})   peer / grid-run = ${fmt(peer / gridRun, 'x')} (target >= 5)`);
  targets.push(`grid-run wall <= ${bound.toFixed(2)} x limit (sessions opened inside the limit's clock) at ${sites} sites${delayNote}: ${fmt(gridRun / limit, 'x')} ${gridRun / limit <= bound ? 'MET' : 'MISSED'}`);
  if (runs.peer.length) targets.push(`naive peer >= 5 x slower than grid-run: ${fmt(peer / gridRun, 'x')} ${peer / gridRun >= 5 ? 'MET' : 'MISSED'}`);
  const dispatch = med('grid-run', 'dispatchMs');
  log(`grid-run breakdown (median): dispatch ${fmt(dispatch, 's')} as its own summary counts it (sessions + sites), the rest ${fmt(gridRun - dispatch, 's')} is process start-up, plan, reports and exit; dispatch / limit = ${fmt(dispatch / limit, 'x')}`);
  const working = med('grid-run', 'workingMs');
  log(`grid-run's slots, each from its session's first site to the run's last site (what issue 6's limit timed, its sessions opened before its clock; mean over the sessions, median over the reps): ${fmt(working, 's')} = ${fmt(working / limit, 'x')} the limit; opening the sessions and the process's start and end cost the other ${fmt(gridRun - working, 's')}`);
  for (const arm of ['limit', 'grid-run', 'peer'] as const) if (runs[arm][0]?.note) log(`${arm}: ${runs[arm].map((r) => r.note).join('; ')}`);
}

/**
 * Issue 12: the same run with the built-in detector and with an extension that answers at once
 * (test/bench/extension), interleaved, per site from results.json; then what the extension adds
 * to opening a session, sessions opened one at a time, alternating.
 */
async function extensionArms(hubUrl: string, listFile: string, idle: () => Promise<unknown>): Promise<void> {
  const extension = here('./extension');
  const arms = { builtin: [] as number[][], extension: [] as number[][] };
  const walls = { builtin: [] as number[], extension: [] as number[] };
  for (let rep = 1; rep <= reps; rep++) {
    for (const arm of ['builtin', 'extension'] as const) {
      await idle();
      const dir = join(out, `${arm}-${rep}`);
      await mkdir(dir, { recursive: true });
      const args = ['run', '--grid', hubUrl, '--sites', listFile, '--junit', 'junit.xml', '--results', 'results.json', '--report', 'report', ...(arm === 'extension' ? ['--extension', extension] : [])];
      const child = await runChild(join(repo, 'bin/grid-run.js'), args, { cwd: dir, env: { ...process.env, CI: 'true' }, log: join(dir, 'stderr.log') });
      if (child.code !== 0 && child.code !== 1) throw new Error(`grid-run run (${arm}) exited with ${child.code}: see ${dir}`);
      const { results } = JSON.parse(await readFile(join(dir, 'results.json'), 'utf8')) as { results: SiteResult[] };
      arms[arm].push(results.filter((r) => r.status !== 'error').map((r) => r.timings.totalMs));
      walls[arm].push(child.wallMs);
      note(`rep ${rep} ${arm}: ${fmt(child.wallMs, 's')}, ${results.filter((r) => r.status === 'error').length} errors`);
    }
  }
  const [crx] = await loadExtensions([extension], repo);
  const opens = { builtin: [] as number[], extension: [] as number[] };
  for (let i = 0; i < 8; i++) {
    for (const arm of ['builtin', 'extension'] as const) {
      await idle();
      const started = performance.now();
      const driver = await new Builder().usingServer(hubUrl).withCapabilities(gridCapabilities([], arm === 'extension' ? [crx!.crx] : [])).build();
      opens[arm].push(performance.now() - started);
      await driver.quit();
    }
  }
  record.extension = { arms, walls, opens };
  log('');
  log(`## An extension run against the built-in detector (issue 12): the same ${arms.builtin[0]?.length ?? 0} sites and grid, ${reps} run(s) each, interleaved; ms`);
  log('per site: timings.totalMs of each site in results.json (load, steps, detection or the extension\'s answer, judging), all runs pooled; session open: one new session at a time, 8 of each, alternating');
  const row = (arm: 'builtin' | 'extension') => {
    const sites = arms[arm].flat();
    return [arm, fmt(median(sites)), fmt(percentile(sites, 0.9)), fmt(sites.reduce((a, b) => a + b, 0) / sites.length), walls[arm].map((w) => fmt(w, 's')).join(' / '), fmt(median(opens[arm])), fmt(percentile(opens[arm], 0.9))];
  };
  log(table(['detector', 'per site median', 'p90', 'mean', 'run wall', 'session open median', 'p90'], [row('builtin'), row('extension')]));
}

async function resetArm(hubUrl: string, listFile: string, count: number): Promise<void> {
  const child = await runChild(here('./loops.ts'), ['reset', '--hub', hubUrl, '--list', listFile, '--limit', String(count)], { cwd: repo, log: join(out, 'reset.log') });
  if (child.code !== 0) throw new Error(`the reset comparison exited with ${child.code}: see ${join(out, 'reset.log')}`);
  const report = JSON.parse(child.stdout.trim().split('\n').at(-1)!) as ResetReport;
  record.reset = report;
  log('');
  log(`## Reset between two sites, one session, ${report.sites} sites, both methods per site (order alternating), ms`);
  log("grid-run: WebDriverSession.reset() (close extra windows, clear storage in-page, cookies and origin storage through DevTools); blank: driver.get('about:blank') alone");
  const row = (name: string, r: ResetReport['gridRun']) => {
    const sum = r.resetMs.map((ms, i) => ms + r.nextLoadMs[i]!);
    return [name, fmt(median(r.resetMs)), fmt(percentile(r.resetMs, 0.9)), fmt(median(r.nextLoadMs)), fmt(median(sum)), fmt(percentile(sum, 0.9))];
  };
  log(table(['method', 'reset median', 'reset p90', 'next load median', 'reset + next load median', 'p90'], [row('grid-run reset', report.gridRun), row('about:blank', report.blank)]));
  if (report.errors.length) log(`errors: ${report.errors.length} (${report.errors.slice(0, 3).join('; ')})`);
}

async function profileArm(hubUrl: string, listFile: string, count: number): Promise<void> {
  const args = ['profile', '--hub', hubUrl, '--list', listFile, '--limit', String(count), '--dir', join(out, 'profile-screenshots')];
  const child = await runChild(here('./loops.ts'), args, { cwd: repo, log: join(out, 'profile.log') });
  if (child.code !== 0) throw new Error(`the profile exited with ${child.code}: see ${join(out, 'profile.log')}`);
  const report = JSON.parse(child.stdout.trim().split('\n').at(-1)!) as ProfileReport;
  record.profile = report;
  const total = Object.entries(report.phases)
    .filter(([phase]) => !phase.startsWith(extraPhase) && phase !== wholeRun)
    .reduce((sum, [, list]) => sum + list.reduce((a, b) => a + b, 0), 0);
  log('');
  log(`## Where grid-run's time per site goes: one session, ${report.sites} sites, each call of run-site.ts's sequence timed on its own, ms`);
  log(`the detection is one script run (detection, expected fields compared, detected ones outlined, page storage cleared); '${wholeRun}' is WebDriverSession.run end to end, the rows below it its parts; ${extraPhase}rows are what a screenshot adds to a failed site (or to every site with --screenshots all); neither is in the shares`);
  const rows = Object.entries(report.phases).map(([phase, list]) => {
    const sum = list.reduce((a, b) => a + b, 0);
    const share = phase.startsWith(extraPhase) || phase === wholeRun ? '-' : `${fmt((100 * sum) / total)}%`;
    return [phase, fmt(median(list)), fmt(percentile(list, 0.9)), fmt(sum / report.sites), share];
  });
  log(table(['call', 'median', 'p90', 'mean per site', 'share'], rows));
  if (report.errors.length) log(`errors: ${report.errors.length} (${report.errors.slice(0, 3).join('; ')})`);
}

async function callsArm(hubUrl: string, listFile: string): Promise<void> {
  const child = await runChild(here('./loops.ts'), ['calls', '--hub', hubUrl, '--list', listFile, '--limit', '300'], { cwd: repo, log: join(out, 'calls.log') });
  if (child.code !== 0) throw new Error(`the calls comparison exited with ${child.code}: see ${join(out, 'calls.log')}`);
  const report = JSON.parse(child.stdout.trim().split('\n').at(-1)!) as CallsReport;
  record.calls = report;
  log('');
  log(`## What one command costs: one session, one page, each kind ${report.calls} times in a row (after 20 to warm up), per call`);
  log("WebDriver commands go through the hub and the node to chromedriver; socket commands go over the session's DevTools WebSocket at the hub (/session/<id>/se/cdp), or to the browser itself (chromedriver's debuggerAddress), which is where the reset sends them when the node runs on this machine");
  log('machine CPU: every process of the machine (hub, nodes, chromedriver, Chromium, this bench), from /proc/stat');
  log(table(['command', 'wall ms', 'machine CPU ms'], report.kinds.map((k) => [k.kind, fmt(k.wallMs), fmt(k.cpuMs)])));
}

function simulation(): void {
  const seeds = Number(values['sim-seeds']);
  const { sites, nodes: simNodes, slotsPerNode: simSlots, medianMs, sigma, historyNoise } = defaultSim;
  log('');
  log(`## Scheduler simulation (no browsers): ${sites} sites, log-normal durations (median ${medianMs / 1000} s, sigma ${sigma}), ${simNodes} nodes x ${simSlots} slots, ${seeds} seeds`);
  log(`real plan() and Scheduler on a virtual clock; history = true duration x log-normal noise (sigma ${historyNoise}); dying nodes: 5% at uniform random times, their running sites requeued`);
  log('makespan / lower bound (lowerBound: max(longest site, total / slots)), median and worst over the seeds');
  const results: Record<string, number[]> = {};
  const rows: string[][] = [];
  for (const policy of Object.keys(policyLabels) as PolicyName[]) {
    const row = [policyLabels[policy]];
    for (const dead of [0, Math.round(simNodes * 0.05)]) {
      const ratios: number[] = [];
      for (let seed = 1; seed <= seeds; seed++) {
        const load = workload({ ...defaultSim, seed });
        const r = simulate({ ...defaultSim, seed, deadNodes: dead, policy }, load);
        const wrong = [...load.ids].filter((id) => r.finals.get(id) !== 1).length;
        if (wrong > 0) throw new Error(`simulation ${policy} seed ${seed}: ${wrong} sites without exactly one result`);
        ratios.push(r.ratio);
      }
      results[`${policy}/${dead}`] = ratios;
      row.push(`${fmt(median(ratios), 'x')} (worst ${fmt(Math.max(...ratios), 'x')})`);
    }
    rows.push(row);
  }
  record.simulation = results;
  const real = (dead: number) => results[`scheduler-balanced/${dead}`]!;
  const dead = Math.round(simNodes * 0.05);
  targets.push(`simulated makespan <= 1.05 x lower bound, no failures (real dispatcher, history): median ${fmt(median(real(0)), 'x')}, worst ${fmt(Math.max(...real(0)), 'x')} ${Math.max(...real(0)) <= 1.05 ? 'MET' : median(real(0)) <= 1.05 ? 'MET in the median, MISSED in the worst seed' : 'MISSED'}`);
  targets.push(`simulated makespan <= 1.15 x lower bound, 5% of nodes dying: median ${fmt(median(real(dead)), 'x')}, worst ${fmt(Math.max(...real(dead)), 'x')} ${Math.max(...real(dead)) <= 1.15 ? 'MET' : median(real(dead)) <= 1.15 ? 'MET in the median, MISSED in the worst seed' : 'MISSED'}`);
  log(table(['policy', 'no failures', `${Math.round(simNodes * 0.05)} of ${simNodes} nodes die`], rows));
  log('targets (the real dispatcher with history): <= 1.05 without failures, <= 1.15 with');
}

async function htmlReport(): Promise<void> {
  const sites = Number(values['report-sites']);
  const r = await reportBench(join(out, 'report-bench'), { sites, reps });
  record.report = r;
  const m = reportMedians(r);
  log('');
  log(`## HTML report at ${sites} passing sites (headless Chromium through selenium-webdriver, from file://, ${reps} loads, medians)`);
  log(`size ${fmt(r.bytes / 2 ** 20)} MB (index.html, the whole report: no screenshot of a passing site)`);
  log(`first screen of rows painted ${fmt(m.firstScreenMs)} ms; every site read and the rows drawn and painted ${fmt(m.paintedMs)} ms (first contentful paint ${fmt(median(r.firstContentfulPaintMs))} ms)`);
  log(`page marks (medians, ms from navigation start): ${Object.entries(r.marks).map(([k, v]) => `${k.replace('grid-run:', '')} ${fmt(median(v))}`).join(', ')}`);
  log(`filter applied and painted: ${Object.entries(r.filterMs).map(([k, v]) => `${k} ${fmt(median(v))} ms`).join(', ')}`);
  log(`a site opened (the first of the load, which parses the details block) and painted: ${fmt(median(r.openMs))} ms`);
  targets.push(`HTML report painted within 2 s at ${sites} sites: ${fmt(m.paintedMs)} ms ${m.paintedMs <= 2000 ? 'MET' : 'MISSED'}`);
  targets.push(`HTML report filter within 200 ms: slowest filter's median ${fmt(m.filterMs)} ms ${m.filterMs <= 200 ? 'MET' : 'MISSED'}`);
  targets.push(`HTML report under 4 MB at ${sites} passing sites: ${fmt(r.bytes / 2 ** 20)} MB ${r.bytes < 4 * 2 ** 20 ? 'MET' : 'MISSED'}`);
}

async function scale(): Promise<void> {
  const r = await cliScale({ repo, dir: join(out, 'cli-scale'), sites: Number(values['scale-sites']), sessions: Number(values['scale-sessions']) });
  record.cliScale = r;
  log('');
  for (const line of scaleLines(r)) log(line);
  targets.push(`CLI peak RSS <= 400 MB at ${r.sites} sites over ${r.sessions} instant sessions: ${fmt(r.peakRssMb, 'MB')} ${r.peakRssMb <= 400 ? 'MET' : 'MISSED'}`);
  targets.push(`no event-loop stall over 100 ms at ${r.sessions} sessions: longest ${fmt(r.maxLoopDelayMs)} ms (${fmt(r.maxLoopDelayRunningMs)} ms while the sessions ran) ${r.maxLoopDelayMs <= 100 ? 'MET' : r.maxLoopDelayRunningMs <= 100 ? 'MET while the sessions ran, MISSED at start-up or the end' : 'MISSED'}`);
  targets.push(`progress line kept updating at ${r.sites} sites: ${r.progressLines} lines, longest gap ${fmt(r.longestProgressGapMs / 1000)} s ${r.progressLines >= 2 ? 'MET' : 'MISSED'}`);
}

async function memory(): Promise<void> {
  // Issue 16: also 100,000 sites (--memory-sites 10000,100000), at most 400 MB there.
  for (const count of values['memory-sites'].split(',').map(Number)) await memoryAt(count);
}


async function memoryAt(count: number): Promise<void> {
  const dir = join(out, `memory-${count}`);
  const child = await runChild(here('./memory.ts'), ['--sites', String(count), '--dir', dir], { cwd: repo, log: join(out, `memory-${count}.log`), nodeArgs: ['--expose-gc'] });
  if (child.code !== 0) throw new Error(`the memory child exited with ${child.code}: see ${join(out, `memory-${count}.log`)}`);
  const report = JSON.parse(child.stdout.trim().split('\n').at(-1)!) as MemoryReport;
  record[`memory-${count}`] = { ...report, childPeakRssMb: child.peakRssMb };
  log('');
  log(`## CLI memory at ${report.sites} sites (child process: the real loadSiteLists, plan, dispatch + Scheduler, JUnit, results.json, HTML and console reporters; sessions are instant in-memory fakes)`);
  log('why fakes: 10,000 real page loads take hours here, and a session costs the CLI the same memory whatever the site; what grows with the sites is');
  log('the site list, the plan, the results and the reports, and those run for real. (`grid-run plan` alone would measure planning, not what a run holds.)');
  log(`peak RSS ${fmt(child.peakRssMb, 'MB')} (target <= ${count > 10_000 ? 400 : 200}) in ${fmt(child.wallMs, 's')}; RSS after each phase: ${Object.entries(report.phases).map(([k, v]) => `${k} ${v}`).join(', ')} MB; junit.xml ${fmt(report.junitBytes / 2 ** 20, 'MB')}`);
  if (report.liveHeapMb !== undefined) log(`live JS heap after a full GC at the end, results still held: ${fmt(report.liveHeapMb, 'MB')} (the rest of the peak is the module baseline and heap V8 grows before collecting)`);
  const bound = count > 10_000 ? 400 : 200;
  targets.push(`CLI peak RSS <= ${bound} MB at ${report.sites} sites: ${fmt(child.peakRssMb, 'MB')} ${(child.peakRssMb ?? Infinity) <= bound ? 'MET' : 'MISSED'}`);
}
