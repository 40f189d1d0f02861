// The bench's own browser loops, run as a child process so that each arm's time and peak RSS
// are measured the same way as the CLI's (`node test/bench/loops.ts <mode> ...`):
//   limit  one session per slot, all opened at once as the clock starts (as any runner must open
//          them: issue 16; issue 6's limit opened them before its clock); each slot walks its even share
//          of the sites (round robin): navigate, the site's steps, the detector script. Nothing
//          else: no judging, screenshot, reset, reporting or retries.
//   peer   what a per-test-session runner does: `slots` workers take sites from one queue, and
//          each site gets a new session: open, navigate, steps, detector script, quit.
//   reset  one session; per site, grid-run's reset (WebDriverSession.reset) against a
//          navigation to about:blank, each followed by a timed load of the next page.
//   calls  one session on one page; the wall time and the whole machine's CPU time (/proc/stat)
//          of one command, each kind repeated: WebDriver commands through the hub, and the same
//          work as DevTools commands over the session's socket at the hub, and a reset's round
//          over that socket and over one to the browser itself (the route of a node on this machine).
//   profile  one session; per site, WebDriverSession.run (split by run-site.ts's own timings:
//          load, steps, detection in the page, the rest of that script's round trip and the
//          judging) and WebDriverSession.reset; and, outside the sequence, what a screenshot and
//          its file add (failed sites, or every site with --screenshots all).
// Every arm opens its sessions with grid-run's own capabilities and runs the same detector
// bundle (src/detector/bundle.ts) and the same step runner (src/session/steps.ts).
import { readFileSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { Builder, type WebDriver } from 'selenium-webdriver';
import { detectorScript } from '../../src/detector/bundle.ts';
import { runSteps } from '../../src/session/steps.ts';
import { capturePng, defaultSiteRunOptions, screenshotName } from '../../src/session/run-site.ts';
import { originStorage, WebDriverSession } from '../../src/session/webdriver-session.ts';
import { browserDevToolsUrl, DevToolsSocket, gridDevToolsUrl, sendThroughWebDriver } from '../../src/session/devtools-socket.ts';
import { GridSessionFactory, gridCapabilities } from '../../src/session/grid-sessions.ts';
import { HttpHubClient } from '../../src/grid/hub-client.ts';
import { loadSiteLists } from '../../src/sites/load.ts';
import type { Site } from '../../src/types.ts';
import { withQuery } from './sites.ts';

export type LoopReport = {
  mode: 'limit' | 'peer';
  sites: number;
  /** Sites whose detection came back (as opposed to an error). */
  detected: number;
  logins: number;
  errors: string[];
  sessionsCreated: number;
  /** Time the arm is judged by: from the first session request, opening the sessions included. */
  wallMs: number;
  /** limit only: the part of wallMs its sessions took to open. */
  openMs?: number;
};

export type ResetReport = {
  mode: 'reset';
  sites: number;
  /** Per site, ms: the reset itself, then loading the next page after it. */
  gridRun: { resetMs: number[]; nextLoadMs: number[] };
  blank: { resetMs: number[]; nextLoadMs: number[] };
  errors: string[];
};

const timeouts = { pageLoad: defaultSiteRunOptions.pageLoadTimeoutMs, script: defaultSiteRunOptions.scriptTimeoutMs };

async function openSession(hub: string): Promise<WebDriver> {
  const driver = await new Builder().usingServer(hub).withCapabilities(gridCapabilities()).build();
  await driver.manage().setTimeouts(timeouts);
  return driver;
}

/** A session opened as run opens its sessions (GridSessionFactory), with the same DevTools route for the reset. */
async function openGridSession(hub: string): Promise<WebDriverSession> {
  const session = await new GridSessionFactory({ hub: new HttpHubClient(hub), run: defaultSiteRunOptions }).open(AbortSignal.timeout(150_000));
  await session.driver.manage().setTimeouts(timeouts);
  return session;
}

async function visit(driver: WebDriver, site: Site, script: string): Promise<{ login: boolean }> {
  await driver.get(site.url);
  if (site.steps.length > 0) await runSteps(driver, site.steps, { timeoutMs: site.timeoutMs ?? timeouts.pageLoad });
  return await driver.executeScript<{ login: boolean }>(script);
}

async function limit(hub: string, sites: Site[], slots: number): Promise<LoopReport> {
  const script = await detectorScript();
  const started = performance.now();
  const drivers = await Promise.all(Array.from({ length: slots }, () => openSession(hub)));
  const openMs = performance.now() - started;
  const report: LoopReport = { mode: 'limit', sites: sites.length, detected: 0, logins: 0, errors: [], sessionsCreated: slots, wallMs: 0, openMs };
  await Promise.all(
    drivers.map(async (driver, slot) => {
      for (let i = slot; i < sites.length; i += slots) {
        try {
          const d = await visit(driver, sites[i]!, script);
          report.detected++;
          if (d.login) report.logins++;
        } catch (err) {
          report.errors.push(`${sites[i]!.id}: ${firstLine(err)}`);
        }
      }
    }),
  );
  report.wallMs = performance.now() - started;
  await Promise.all(drivers.map((d) => d.quit().catch(() => undefined)));
  return report;
}

async function peer(hub: string, sites: Site[], slots: number): Promise<LoopReport> {
  const script = await detectorScript();
  const report: LoopReport = { mode: 'peer', sites: sites.length, detected: 0, logins: 0, errors: [], sessionsCreated: 0, wallMs: 0 };
  let nextIndex = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: slots }, async () => {
      for (let i = nextIndex++; i < sites.length; i = nextIndex++) {
        let driver: WebDriver | undefined;
        try {
          driver = await openSession(hub);
          report.sessionsCreated++;
          const d = await visit(driver, sites[i]!, script);
          report.detected++;
          if (d.login) report.logins++;
        } catch (err) {
          report.errors.push(`${sites[i]!.id}: ${firstLine(err)}`);
        } finally {
          await driver?.quit().catch(() => undefined);
        }
      }
    }),
  );
  report.wallMs = performance.now() - started;
  return report;
}

/**
 * One session for every site, in order; a site that throws is recorded and the walk goes on.
 * Returns how many sites went through without an error.
 */
async function inOneSession(
  hub: string,
  sites: Site[],
  errors: string[],
  each: (driver: WebDriver, session: WebDriverSession, site: Site, index: number) => Promise<void>,
): Promise<number> {
  const session = await openGridSession(hub);
  const driver = session.driver;
  let done = 0;
  try {
    for (let i = 0; i < sites.length; i++) {
      try {
        await each(driver, session, sites[i]!, i);
        done++;
      } catch (err) {
        errors.push(`${sites[i]!.id}: ${firstLine(err)}`);
      }
    }
  } finally {
    await session.close();
  }
  return done;
}

async function timed(work: () => Promise<unknown>): Promise<number> {
  const t = performance.now();
  await work();
  return performance.now() - t;
}

async function resetComparison(hub: string, sites: Site[]): Promise<ResetReport> {
  const report: ResetReport = { mode: 'reset', sites: 0, gridRun: { resetMs: [], nextLoadMs: [] }, blank: { resetMs: [], nextLoadMs: [] }, errors: [] };
  report.sites = await inOneSession(hub, sites, report.errors, async (driver, session, site, i) => {
    const next = sites[(i + 1) % sites.length]!;
    // Alternate which method goes first, so drift (a busy neighbour) hits both alike.
    const methods = i % 2 === 0 ? (['gridRun', 'blank'] as const) : (['blank', 'gridRun'] as const);
    for (const method of methods) {
      await visit(driver, site, 'return 0');
      const resetMs = await timed(() => (method === 'gridRun' ? session.reset() : driver.get('about:blank')));
      // A URL of its own, so that neither method finds the next page in the HTTP cache.
      const nextLoadMs = await timed(() => driver.get(withQuery(next.url, `bench-reset=${i}-${method}`)));
      report[method].resetMs.push(resetMs);
      report[method].nextLoadMs.push(nextLoadMs);
    }
  });
  return report;
}

/** Phases outside a default run's sequence for a passing site: not counted in its shares. */
export const extraPhase = '(failed sites) ';
/** The whole of a site's run, whose parts are rows of their own. */
export const wholeRun = 'run (whole)';

export type CallsReport = { mode: 'calls'; calls: number; kinds: { kind: string; wallMs: number; cpuMs: number }[]; errors: string[] };

/** CPU time of the whole machine so far, in ms (every process: hub, nodes, chromedriver, Chromium). */
function machineCpuMs(): number {
  const [user = 0, nice = 0, system = 0, , , irq = 0, softirq = 0] = readFileSync('/proc/stat', 'utf8').split('\n')[0]!.trim().split(/\s+/).slice(1).map(Number);
  return ((user + nice + system + irq + softirq) * 1000) / 100; // USER_HZ is 100 on Linux
}

async function calls(hub: string, sites: Site[], count: number): Promise<CallsReport> {
  const report: CallsReport = { mode: 'calls', calls: count, kinds: [], errors: [] };
  const session = await openGridSession(hub);
  const driver = session.driver;
  const socket = await DevToolsSocket.connect(gridDevToolsUrl(hub, session.id));
  const direct = session.debuggerAddress ? await DevToolsSocket.connect(await browserDevToolsUrl(session.debuggerAddress)) : undefined;
  try {
    await driver.get(sites[0]!.url);
    const origin = new URL(sites[0]!.url).origin;
    const target = await driver.getWindowHandle();
    const { sessionId: page } = await socket.send<{ sessionId: string }>('Target.attachToTarget', { targetId: target, flatten: true });
    const clearOrigin = { origin, storageTypes: originStorage };
    const reset = async (devtools: DevToolsSocket) => {
      const { sessionId } = await devtools.send<{ sessionId: string }>('Target.attachToTarget', { targetId: target, flatten: true });
      return () => Promise.all([devtools.send('Target.getTargets'), devtools.send('Storage.clearCookies'), devtools.send('Storage.clearDataForOrigin', clearOrigin, { sessionId })]);
    };
    const kinds: [string, () => Promise<unknown>][] = [
      ['WebDriver: getAllWindowHandles', () => driver.getAllWindowHandles()],
      ['WebDriver: executeScript("return 1")', () => driver.executeScript('return 1')],
      ['WebDriver: DevTools Storage.clearCookies', () => sendThroughWebDriver(driver, 'Storage.clearCookies')],
      ['WebDriver: DevTools Storage.clearDataForOrigin', () => sendThroughWebDriver(driver, 'Storage.clearDataForOrigin', clearOrigin)],
      ['socket: Target.getTargets', () => socket.send('Target.getTargets')],
      ['socket: Storage.clearCookies', () => socket.send('Storage.clearCookies')],
      ['socket: Storage.clearDataForOrigin', () => socket.send('Storage.clearDataForOrigin', clearOrigin, { sessionId: page })],
      ['socket at the hub: the three at once (a reset)', await reset(socket)],
    ];
    if (direct) kinds.push(['socket at the browser itself: the three at once (a reset, the node on this machine)', await reset(direct)]);
    for (const [kind, call] of kinds) {
      for (let i = 0; i < 20; i++) await call(); // warm: the JIT of hub and node, the connection
      const cpu = machineCpuMs();
      const wall = await timed(async () => {
        for (let i = 0; i < count; i++) await call();
      });
      report.kinds.push({ kind, wallMs: wall / count, cpuMs: (machineCpuMs() - cpu) / count });
    }
  } finally {
    socket.close();
    direct?.close();
    await session.close();
  }
  return report;
}

export type ProfileReport = { mode: 'profile'; sites: number; phases: Record<string, number[]>; errors: string[] };

async function profile(hub: string, sites: Site[], dir: string): Promise<ProfileReport> {
  const report: ProfileReport = { mode: 'profile', sites: 0, phases: {}, errors: [] };
  const phase = async <T>(name: string, work: () => Promise<T>): Promise<T> => {
    const t = performance.now();
    const value = await work();
    (report.phases[name] ??= []).push(performance.now() - t);
    return value;
  };
  await mkdir(dir, { recursive: true });
  const add = (name: string, ms: number) => (report.phases[name] ??= []).push(ms);
  report.sites = await inOneSession(hub, sites, report.errors, async (driver, session, site) => {
    // The site through the session as dispatch runs it, split by run-site.ts's own timings.
    const outcome = await phase(wholeRun, () => session.run(site, 1));
    if (outcome.status === 'error') throw new Error(outcome.message);
    const { loadMs, stepsMs, detectMs, totalMs } = outcome.timings;
    add('load', loadMs);
    if (site.steps.length) add('steps', stepsMs);
    add('detection in the page', detectMs);
    add('rest of the detection round trip + judging', totalMs - loadMs - stepsMs - detectMs);
    const png = await phase(`${extraPhase}screenshot`, () => capturePng(driver));
    await phase(`${extraPhase}write .png`, () => writeFile(join(dir, `${screenshotName(site.id)}.png`), png, 'base64'));
    await phase('reset', () => session.reset());
  });
  return report;
}

function firstLine(err: unknown): string {
  return (err instanceof Error ? err.message : String(err)).split('\n')[0] ?? '';
}

async function cli(): Promise<void> {
  const { positionals, values } = parseArgs({
    allowPositionals: true,
    options: { hub: { type: 'string' }, list: { type: 'string' }, slots: { type: 'string' }, limit: { type: 'string' }, dir: { type: 'string' } },
  });
  const [mode] = positionals;
  if (!values.hub || !values.list || !['limit', 'peer', 'reset', 'profile', 'calls'].includes(mode ?? '')) {
    throw new Error('usage: loops.ts limit|peer|reset|profile|calls --hub URL --list FILE [--slots N] [--limit SITES (calls: repetitions)] [--dir SCREENSHOTS]');
  }
  let sites = await loadSiteLists([values.list], { cwd: process.cwd() });
  if (values.limit) sites = sites.slice(0, Number(values.limit));
  const slots = Number(values.slots ?? 1);
  const report =
    mode === 'limit'
      ? await limit(values.hub, sites, slots)
      : mode === 'peer'
        ? await peer(values.hub, sites, slots)
        : mode === 'reset'
          ? await resetComparison(values.hub, sites)
          : mode === 'calls'
            ? await calls(values.hub, sites, Number(values.limit ?? 300))
            : await profile(values.hub, sites, values.dir ?? join(tmpdir(), 'grid-run-bench-profile'));
  process.stdout.write(JSON.stringify(report) + '\n');
}

if (import.meta.url === `file://${process.argv[1]}`) await cli();
