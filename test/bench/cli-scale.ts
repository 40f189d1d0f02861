// The CLI alone at scale (issue 16): `grid-run run --grid URL --concurrency SESSIONS` against a
// fake WebDriver endpoint that answers at once (fake-webdriver.ts), over a synthetic list of
// SITES sites, through the CLI's real code: site list, plan, sessions, WebDriver client,
// DevTools reset, reporters. What it measures is the CLI's own cost, not a browser figure.
import { createWriteStream } from 'node:fs';
import { mkdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { finished } from 'node:stream/promises';
import { runChild } from './child.ts';
import { startFakeWebDriver } from './fake-webdriver.ts';
import { syntheticSite } from './memory.ts';
import { fmt, table } from './stats.ts';

export type ScaleReport = {
  sites: number;
  sessions: number;
  code: number | null;
  wallMs: number;
  dispatchMs: number;
  cpuMs: number;
  peakRssMb: number;
  /** The longest event-loop stall of the whole process, and when it ended (s since spawn). */
  maxLoopDelayMs: number;
  maxLoopDelayAtS: number;
  /** The longest between the first and the last progress line: while the sessions ran. */
  maxLoopDelayRunningMs: number;
  progressLines: number;
  longestProgressGapMs: number;
  passed: number;
  requestsPerSite: number;
  connections: number;
  routes: Record<string, number>;
};

export async function cliScale(options: { repo: string; dir: string; sites: number; sessions: number }): Promise<ScaleReport> {
  await mkdir(options.dir, { recursive: true });
  const list = join(options.dir, `sites-${options.sites}.jsonl`);
  const stream = createWriteStream(list);
  for (let i = 0; i < options.sites; i++) {
    // No steps: every site then costs the same commands, the common case.
    const { steps: _steps, ...site } = syntheticSite(i) as { steps?: unknown };
    if (!stream.write(`${JSON.stringify(site)}\n`)) await new Promise<void>((resolve) => stream.once('drain', () => resolve()));
  }
  stream.end();
  await finished(stream);
  const slotsPerNode = 4;
  const grid = await startFakeWebDriver({ nodes: Math.ceil(options.sessions / slotsPerNode), slotsPerNode });
  try {
    const args = ['run', '--grid', grid.url, '--sites', list, '--concurrency', String(options.sessions), '--reporter', 'list,junit,json,html', '--junit', 'junit.xml', '--results', 'results.json', '--report', 'report'];
    const child = await runChild(join(options.repo, 'bin/grid-run.js'), args, { cwd: options.dir, env: { ...process.env, CI: 'true' }, log: join(options.dir, 'stderr.log'), loopDelay: true });
    if (child.code !== 0) throw new Error(`grid-run run against the fake grid exited with ${child.code}: see ${options.dir}`);
    const results = JSON.parse(await readFile(join(options.dir, 'results.json'), 'utf8')) as { summary: { wallMs: number }; results: { status: string }[] };
    const progress = child.lines.filter((l) => l.line.startsWith('progress:'));
    let longestGap = 0;
    for (let i = 1; i < progress.length; i++) longestGap = Math.max(longestGap, progress[i]!.atMs - progress[i - 1]!.atMs);
    // The hook's times count from the last execve (bin/grid-run.js restarts itself): moved to spawn's.
    const offset = child.wallMs - (child.uptimeMs ?? child.wallMs);
    const stalls = (child.stalls ?? []).map((s) => ({ atMs: s.atMs + offset, ms: s.ms }));
    const worst = stalls.reduce((a, b) => (b.ms > a.ms ? b : a), { atMs: Number.NaN, ms: 0 });
    const [from, to] = [progress[0]?.atMs ?? 0, progress.at(-1)?.atMs ?? 0];
    const running = stalls.filter((s) => s.atMs - s.ms >= from && s.atMs <= to).reduce((max, s) => Math.max(max, s.ms), 0);
    return {
      sites: results.results.length,
      sessions: options.sessions,
      code: child.code,
      wallMs: child.wallMs,
      dispatchMs: results.summary.wallMs,
      cpuMs: child.cpuMs ?? Number.NaN,
      peakRssMb: child.peakRssMb ?? Number.NaN,
      maxLoopDelayMs: worst.ms,
      maxLoopDelayAtS: worst.atMs / 1000,
      maxLoopDelayRunningMs: running,
      progressLines: progress.length,
      longestProgressGapMs: longestGap,
      passed: results.results.filter((r) => r.status === 'passed').length,
      requestsPerSite: grid.requests() / options.sites,
      connections: grid.connections(),
      routes: Object.fromEntries(grid.routes),
    };
  } finally {
    await grid.close();
  }
}

/** The report's lines for the bench's output. */
export function scaleLines(r: ScaleReport): string[] {
  const perSite = (n: number) => fmt(n / r.sites);
  return [
    `## The CLI's own cost at scale, not a browser figure: ${r.sites} sites over ${r.sessions} concurrent sessions against a fake WebDriver endpoint that answers at once (test/bench/fake-webdriver.ts)`,
    '`grid-run run --grid FAKE --concurrency N --reporter list,junit,json,html` with CI=true: the real site list, plan, sessions, WebDriver client, DevTools reset and reports; the fake answers every detection as the site expects',
    `CLI CPU ${fmt(r.cpuMs / 1000)} s in all = ${fmt(r.cpuMs / r.sites)} ms per site (start-up and reports included); peak RSS ${fmt(r.peakRssMb, 'MB')}; longest event-loop stall ${fmt(r.maxLoopDelayMs)} ms (${fmt(r.maxLoopDelayAtS)} s after spawn), ${fmt(r.maxLoopDelayRunningMs)} ms while the sessions ran (between the first and last progress line; a 10 ms timer inside the CLI, stalls over 50 ms counted)`,
    `${fmt(r.sites / (r.dispatchMs / 1000))} sites per second over the dispatch (${fmt(r.dispatchMs, 's')}; whole run ${fmt(r.wallMs, 's')}); ${r.passed} passed; progress lines ${r.progressLines}, longest gap between two ${fmt(r.longestProgressGapMs / 1000)} s`,
    `requests to the fake per site ${fmt(r.requestsPerSite)} over ${r.connections} TCP connections; per site by route:`,
    table(
      ['route', 'per site'],
      Object.entries(r.routes)
        .sort((a, b) => b[1] - a[1])
        .map(([route, n]) => [route, perSite(n)]),
    ),
  ];
}
