// Hostile pages in one chunk with well-behaved login pages between them: each hostile page
// ends within its bounds with the status it deserves, and the chunk goes on to test the next
// site normally. The pages are static files (test/faults/pages/) served by the run's own
// static server through relative URLs; the 404 and the refused connection are absolute URLs.
import assert from 'node:assert/strict';
import { cp, readFile } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { HttpHubClient } from '../../src/grid/hub-client.ts';
import { freePort } from '../../src/grid/ports.ts';
import { renderNodeConfig, startLocalGrid, type LocalGrid } from '../../src/grid/local-grid.ts';
import { waitFor } from '../../src/wait.ts';
import type { SiteResult } from '../../src/types.ts';
import { runCli } from '../helpers/cli.ts';
import { writeList } from '../helpers/run-outputs.ts';
import { checkRun } from './check.ts';
import { sessionsLeft } from './grid.ts';
import { tempDir } from '../helpers/temp.ts';

const repo = new URL('../../', import.meta.url).pathname;
const env = { PATH: process.env.PATH, CI: 'true' };
const timeouts = (siteMs: number) => ['--page-load-timeout', '4000', '--script-timeout', '5000', '--site-timeout', String(siteMs)];

type Hostile = {
  id: string;
  entry: (ctx: { servedBase: string; closedPort: number }) => object;
  /** The statuses a correct run may give this page, and why. */
  allowed: SiteResult['status'][];
  /** What an error must say. */
  message?: RegExp;
};

const hostile: Hostile[] = [
  { id: 'never-loads', entry: () => ({ url: 'hostile/never-loads.html', expect: { login: true } }), allowed: ['error'], message: /page load timed out after 4000 ms/ },
  // Dialogs are dismissed (unhandledPromptBehavior); the login form under them is still there.
  { id: 'alert', entry: () => ({ url: 'hostile/alert.html', expect: { login: true, username: '#alert-user', password: '#alert-pw' } }), allowed: ['passed'] },
  { id: 'confirm', entry: () => ({ url: 'hostile/confirm.html', expect: { login: true, username: '#confirm-user', password: '#confirm-pw' } }), allowed: ['passed'] },
  { id: 'prompt', entry: () => ({ url: 'hostile/prompt.html', expect: { login: true, username: '#prompt-user', password: '#prompt-pw' } }), allowed: ['passed'] },
  // The click gives the page the user activation Chrome wants before it asks "leave?".
  {
    id: 'beforeunload',
    entry: () => ({ url: 'hostile/beforeunload.html', steps: [{ click: '#bu-go' }], expect: { login: true, username: '#bu-user', password: '#bu-pw' } }),
    allowed: ['passed'],
  },
  // Never settles: either it is caught between two pages (no form, which is what it expects)
  // or its load never completes in time.
  { id: 'redirect-loop', entry: () => ({ url: 'hostile/redirect-loop.html', expect: { login: false } }), allowed: ['passed', 'error'] },
  // Building 10 MB of DOM takes 10 to 30+ s on two busy cores: when it loads in time the form
  // is found; when it does not, the page-load timeout says so (not the detector timing out).
  {
    id: 'huge-dom',
    entry: () => ({ url: 'hostile/huge-dom.html', timeoutMs: 30000, expect: { login: true, username: '#huge-user', password: '#huge-pw' } }),
    allowed: ['passed', 'error'],
    message: /page load timed out after 30000 ms/,
  },
  // Chrome may refuse to close a window it did not open by script; if it does close it, the
  // session has lost its window and that is an infrastructure error.
  { id: 'window-close', entry: () => ({ url: 'hostile/window-close.html', expect: { login: true } }), allowed: ['passed', 'error'] },
  { id: 'popups', entry: () => ({ url: 'hostile/popups.html', timeoutMs: 30000, expect: { login: true, username: '#pop-user', password: '#pop-pw' } }), allowed: ['passed'] },
  // A 404 page has no login form: the site is wrong, either as a failure or as an error.
  { id: 'not-found', entry: ({ servedBase }) => ({ url: `${servedBase}hostile/missing.html`, expect: { login: true } }), allowed: ['failed', 'error'] },
  // Nothing could be tested: the environment failed, not the detector.
  {
    id: 'connection-refused',
    entry: ({ closedPort }) => ({ url: `http://127.0.0.1:${closedPort}/login`, expect: { login: true } }),
    allowed: ['error'],
    message: /refused/i,
  },
];

/** A copy of the hostile pages and some bundled login pages, with a list mixing them. */
async function hostileRun(kinds: Hostile[], servePort: number) {
  const dir = await tempDir('grid-run-faults-hostile-');
  await cp(join(repo, 'test/faults/pages'), join(dir, 'hostile'), { recursive: true });
  for (const folder of ['forms', 'submit', 'formless']) await cp(join(repo, 'sites', folder), join(dir, 'good', folder), { recursive: true });
  const bundled = JSON.parse(await readFile(join(repo, 'sites/login.json'), 'utf8')) as { id: string; url: string; expect: object }[];
  const good = bundled
    .filter((s) => /^(forms|submit|formless)\//.test(s.url) && !s.url.includes('table-layout'))
    .map((s) => ({ id: s.id, url: `good/${s.url}`, expect: s.expect }));
  assert.ok(good.length > kinds.length, 'a well-behaved page after every hostile one');
  const ctx = { servedBase: `http://127.0.0.1:${servePort}/${basename(dir)}/`, closedPort: await freePort('127.0.0.1') } // bound, released: nothing listens;
  // Without a history the planner orders a chunk by id: numbered ids keep the list's order,
  // so each hostile page is followed by a good one in the one chunk.
  const entries: { id: string }[] = [];
  const hostileIds = new Map<string, string>();
  const after = new Map<string, string>();
  const push = (entry: { id: string }) => entries.push({ ...entry, id: `${String(entries.length).padStart(2, '0')} ${entry.id}` });
  push(good[0]!);
  kinds.forEach((h, i) => {
    push({ id: `hostile/${h.id}`, ...h.entry(ctx) });
    hostileIds.set(h.id, entries.at(-1)!.id);
    push(good[i + 1]!);
    after.set(entries.at(-2)!.id, entries.at(-1)!.id);
  });
  const list = await writeList(dir, entries);
  return { dir, list, ids: entries.map((e) => e.id), hostileIds, after };
}

/**
 * Every hostile page within its allowed statuses, and the good page after it run after it
 * (same chunk, one slot) and passed.
 */
function problemsOf(kinds: Hostile[], byId: Map<string, SiteResult>, hostileIds: Map<string, string>, after: Map<string, string>): string[] {
  const problems: string[] = [];
  const end = (r: SiteResult) => Math.max(...r.attempts.map((a) => Date.parse(a.startedAt) + a.durationMs));
  for (const h of kinds) {
    const r = byId.get(hostileIds.get(h.id)!)!;
    if (!h.allowed.includes(r.status)) problems.push(`${r.id}: ${r.status} (${r.message ?? ''}), expected ${h.allowed.join(' or ')}`);
    else if (h.message && r.status === 'error' && !h.message.test(r.message ?? '')) problems.push(`${r.id}: message ${JSON.stringify(r.message)} does not match ${h.message}`);
    const next = byId.get(after.get(r.id)!)!;
    if (next.status !== 'passed') problems.push(`${next.id} (after ${r.id}): ${next.status} (${next.message ?? ''})`);
    // Timestamps are rounded to the ms on both sides; allow that much.
    const started = next.attempts[0] ? Date.parse(next.attempts[0].startedAt) : undefined;
    if (started !== undefined && started + 5 < end(r)) problems.push(`${next.id} ran before ${r.id} was done: not the order of the chunk`);
  }
  return problems;
}

// One slot: a page that wedged its browser and kept the slot would leave the run without
// one, so the sites after it could not run; sessions left behind are checked for too.
const run = async (grid: LocalGrid, name: string, kinds: Hostile[], siteTimeoutMs = 60_000) => {
  const servePort = await freePort('127.0.0.1');
  const { dir, list, ids, hostileIds, after } = await hostileRun(kinds, servePort);
  const r = await runCli(
    ['run', '--grid', grid.hubUrl, '--sites', list, '--chunks', '1', '--concurrency', '1', '--serve-port', String(servePort), ...timeouts(siteTimeoutMs), '--screenshots', 'none'],
    { cwd: dir, env },
  );
  const expectedCodes = kinds.some((h) => h.allowed.every((s) => s === 'error')) ? [3] : kinds.some((h) => h.allowed.includes('error')) ? [0, 3] : [0];
  const { byId } = await checkRun(name, { dir, ids, code: r.code, expectedCodes, output: r.stderr + r.stdout });
  const problems = problemsOf(kinds, byId, hostileIds, after);
  // Whatever the pages did to their browsers, the run leaves no session behind on the grid.
  const left = await sessionsLeft(new HttpHubClient(grid.hubUrl));
  if (left.length) problems.push(`${left.length} session(s) still on the grid after the run: ${left.join(', ')}`);
  if (problems.length) assert.fail(`${problems.join('\n')}\n${r.stdout.slice(-3000)}`);
  // Whatever a page did, every attempt ended within the bounds the run was given.
  for (const x of byId.values()) for (const a of x.attempts) assert.ok(a.durationMs < siteTimeoutMs + 5000, `${x.id} attempt took ${a.durationMs} ms`);
};

describe('faults: hostile pages', function () {
  this.timeout(900_000);
  let grid: LocalGrid;
  before(async () => {
    grid = await startLocalGrid({ nodes: 1, slots: 1, port: 0, stateDir: await tempDir('grid-run-faults-grid-') });
  });
  after(async () => grid?.stop());

  it('never-ending load, dialogs, beforeunload, redirect loop, 10 MB DOM, window.close(), 20 popups, 404, connection refused: the chunk goes on', async () => {
    await run(grid, `hostile pages (${hostile.length} kinds)`, hostile);
  });

  it('a script that loops forever after load: an error within its bounds, and the chunk goes on', async () => {
    await run(grid, 'hostile: endless script after load', [
      { id: 'endless-script', entry: () => ({ url: 'hostile/endless-script.html', expect: { login: true } }), allowed: ['error'] },
    ], 20_000);
  });
});

describe('faults: a page that exhausts its renderer\'s memory', function () {
  this.timeout(900_000);
  let grid: LocalGrid;
  before(async () => {
    // The node's renderers get a 128 MB JavaScript heap, as on a node short of memory, so that
    // the page's renderer dies of it within seconds (up to 12 s at 256 MB on two busy cores, so
    // the page has a 30 s load timeout); with V8's default of about 4 GB it thrashes its
    // collector for a minute first (66 s here) and the page-load timeout ends the site before.
    grid = await startLocalGrid({ nodes: 0, slots: 1, port: 0, stateDir: await tempDir('grid-run-faults-oom-') });
    const config = (await renderNodeConfig(1)).replace('"--disable-default-apps",', '"--disable-default-apps",\n      "--js-flags=--max-old-space-size=128",');
    assert.ok(config.includes('--max-old-space-size=128'));
    await grid.addNode(1, config);
    const hub = new HttpHubClient(grid.hubUrl);
    await waitFor(async () => ((await hub.summary()).totalSlots >= 1 ? true : undefined), { what: 'the node with a small renderer heap', timeoutMs: 90_000, intervalMs: 300 });
  });
  after(async () => grid?.stop());

  it('the site is an error naming the crash, its session is replaced, and the chunk goes on', async () => {
    await run(grid, 'hostile: renderer out of memory', [
      { id: 'memory-hog', entry: () => ({ url: 'hostile/memory-hog.html', timeoutMs: 30000, expect: { login: true } }), allowed: ['error'], message: /the page crashed its browser tab \(renderer\) while loading the page/ },
    ], 60_000);
  });
});
