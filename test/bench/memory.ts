// The CLI's memory at 10,000 (or 100,000) sites, as a child process (`node test/bench/memory.ts --sites N
// --dir DIR`). It takes the steps `run` takes (src/cli/run.ts), with the product's own code
// for each: load and validate the site list (loadSiteLists), plan(), createReporters (JUnit,
// results.json, HTML report, console in CI mode), dispatch() with its Scheduler, then
// computeSummary and onEnd. Only the browser sessions are fakes (src/dispatch/session-factory.ts's
// interfaces) that answer at once with a detection, timings and a screenshot path, since 10,000
// real page loads would take an hour on this machine while the memory they cost the CLI is one
// small SiteResult each. The modules the CLI loads (src/cli/main.ts with every command, as
// bin/grid-run.js does, and esbuild's detector bundle) are loaded too, and the process runs with
// the CLI's V8 heap flags (bin/heap-flags.js), so the baseline is the CLI's, not a bare Node's.
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { execWithHeapFlags } from '../../bin/heap-flags.js';
import '../../src/cli/main.ts';
import { detectorScriptWithMeta } from '../../src/detector/bundle.ts';
import { dispatch } from '../../src/dispatch/dispatch.ts';
import type { Session, SessionFactory, SiteOutcome } from '../../src/dispatch/session-factory.ts';
import { expectedMs, plan } from '../../src/plan/plan.ts';
import { computeSummary, createReporters } from '../../src/report/index.ts';
import { screenshotName } from '../../src/session/run-site.ts';
import { loadSiteLists } from '../../src/sites/load.ts';
import type { Site } from '../../src/types.ts';

export type MemoryReport = {
  sites: number;
  concurrency: number;
  peakRssMb: number;
  /** RSS after each phase, MB. */
  phases: Record<string, number>;
  junitBytes: number;
  /** With --expose-gc: heap in use after a full collection at the end, results still referenced. */
  liveHeapMb?: number;
};

/** Site `i` of a made-up list, with expectations, tags, locales and a few steps. */
export function syntheticSite(i: number): object {
  const locales = ['en', 'fr', 'de', 'ja', 'zh-CN', 'ru', 'ar', 'es'];
  return {
    id: `synthetic/site-${String(i).padStart(5, '0')}`,
    url: `https://site-${i}.example/account/login?from=bench`,
    locale: locales[i % locales.length],
    tags: ['synthetic', i % 3 === 0 ? 'username-first' : 'full', i % 10 === 0 ? 'modal' : 'page'],
    expect: i % 5 === 4 ? { login: false } : { login: true, username: '#user', password: i % 3 === 0 ? null : 'input[name=pw]', submit: 'form button' },
    ...(i % 10 === 0 ? { steps: [{ click: '#open-login' }, { waitFor: '#user' }] } : {}),
  };
}

/** The list as .jsonl lines, one at a time: the list is the run's input on disk, not the CLI's memory. */
function* syntheticLines(count: number): Generator<string> {
  for (let i = 0; i < count; i++) yield `${JSON.stringify(syntheticSite(i))}\n`;
}

class InstantSession implements Session {
  readonly id: string;
  readonly node: string;
  readonly browserVersion = '156.0.0.0';
  readonly #shots: string;
  constructor(id: string, node: string, shots: string) {
    this.id = id;
    this.node = node;
    this.#shots = shots;
  }
  async run(site: Site): Promise<SiteOutcome> {
    await new Promise((resolve) => setImmediate(resolve));
    const login = site.expect?.login !== false;
    const passed = !site.id.endsWith('7');
    return {
      status: passed ? 'passed' : 'failed',
      message: passed ? undefined : 'username: expected #user, detected input#email',
      detection: {
        login,
        step: login ? 'full' : 'none',
        username: login ? (passed ? '#user' : 'input#email') : null,
        password: login ? 'input[name=pw]' : null,
        submit: login ? 'form > button:nth-of-type(1)' : null,
        confidence: login ? 0.93 : 0.08,
        signals: login ? ['password field', 'autocomplete=current-password', 'submit text "Sign in"'] : ['no password field'],
      },
      timings: { loadMs: 231.4, stepsMs: 0, detectMs: 8.2, totalMs: 402.7 },
      screenshot: join(this.#shots, `${screenshotName(site.id)}.png`),
    };
  }
  async reset(): Promise<void> {}
  async close(): Promise<void> {}
}

class InstantSessions implements SessionFactory {
  #opened = 0;
  readonly #shots: string;
  constructor(shots: string) {
    this.#shots = shots;
  }
  async open(): Promise<Session> {
    const n = this.#opened++;
    return new InstantSession(`fake-session-${n}`, `http://127.0.0.1:${5555 + (n % 100)}`, this.#shots);
  }
}

const mb = () => Math.round((process.memoryUsage.rss() / 1024 / 1024) * 10) / 10;

export async function measureMemory(count: number, dir: string, concurrency: number): Promise<MemoryReport> {
  const phases: Record<string, number> = { start: mb() };
  await mkdir(dir, { recursive: true });
  const listFile = join(dir, `sites-${count}.jsonl`);
  await writeFile(listFile, syntheticLines(count));
  await detectorScriptWithMeta(); // the bundle run keeps in memory
  phases.modules = mb();

  const sites = await loadSiteLists([listFile], { cwd: dir });
  phases.loaded = mb();
  const history = new Map<string, number>();
  const chunks = plan(sites.map((s) => s.id), { defaultChunks: concurrency, history });
  phases.planned = mb();
  const reporter = createReporters({
    junit: join(dir, 'junit.xml'),
    report: join(dir, 'report'),
    results: join(dir, 'results.json'),
    previousHistory: history,
    cwd: dir,
    console: { stream: process.stderr, ci: true },
  });
  const startedAt = new Date();
  await reporter.onBegin({ runId: 'bench-memory', gridUrl: 'http://127.0.0.1:4444', sites, chunks, concurrency, startedAt });
  const controller = new AbortController();
  const outcome = await dispatch({
    sites: new Map(sites.map((s) => [s.id, s])),
    chunks,
    concurrency,
    retries: 0,
    costOf: (id) => expectedMs(id, { history }),
    sessions: new InstantSessions(join(dir, 'report', 'screenshots')),
    reporter,
    signal: controller.signal,
  });
  phases.dispatched = mb();
  const summary = computeSummary(outcome.results, { wallMs: Date.now() - startedAt.getTime(), concurrency, sessionsCreated: outcome.sessionsCreated });
  await reporter.onEnd(outcome.results, summary);
  phases.reported = mb();
  const { stat } = await import('node:fs/promises');
  const junitBytes = (await stat(join(dir, 'junit.xml'))).size;
  const peakRssMb = process.resourceUsage().maxRSS / 1024;
  const gc = (globalThis as { gc?: () => void }).gc;
  gc?.();
  const liveHeapMb = gc ? process.memoryUsage().heapUsed / 2 ** 20 : undefined;
  return { sites: outcome.results.length, concurrency, peakRssMb, phases, junitBytes, liveHeapMb };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  // Under the CLI's V8 heap settings, applied as bin/grid-run.js applies them: in place, same pid.
  execWithHeapFlags();
  const { values } = parseArgs({ options: { sites: { type: 'string' }, dir: { type: 'string' }, concurrency: { type: 'string' } } });
  if (!values.dir) throw new Error('usage: memory.ts --dir DIR [--sites 10000] [--concurrency 400]');
  const report = await measureMemory(Number(values.sites ?? 10_000), values.dir, Number(values.concurrency ?? 400));
  process.stdout.write(JSON.stringify(report) + '\n');
}
