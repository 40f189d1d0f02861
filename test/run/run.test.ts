// `grid-run run` end to end on a real local Selenium Grid with headless Chromium.
import assert from 'node:assert/strict';
import { readFile, writeFile } from 'node:fs/promises';
import { pathToFileURL } from 'node:url';
import { By } from 'selenium-webdriver';
import { startLocalChrome } from '../../src/session/local-chrome.ts';
import { join } from 'node:path';
import { HttpHubClient } from '../../src/grid/hub-client.ts';
import { runCli } from '../helpers/cli.ts';
import { embeddedGridGroups, processesInGroups, spawnGridRun } from '../helpers/processes.ts';
import { readJUnit } from '../helpers/junit.ts';
import { serveLoginPages, type CountingServer } from '../helpers/pages.ts';
import { readResults, writeList } from '../helpers/run-outputs.ts';
import { tempDir } from '../helpers/temp.ts';
import { localGridForSuite } from '../helpers/suite.ts';

describe('grid-run run (real grid)', function () {
  this.timeout(600_000);
  let pages: CountingServer;
  before(async () => {
    pages = await serveLoginPages({ delayMs: 150 });
  });
  after(async () => pages.close());

  it('runs the bundled sites on an embedded 2-node grid; JUnit has one testcase per site and matches results.json', async () => {
    const dir = await tempDir('grid-run-run-');
    const r = await runCli(['run', '--nodes', '2', '--slots', '1', '--junit', 'junit.xml', '--results', 'results.json', '--report', 'report'], { cwd: dir, env: { PATH: process.env.PATH, CI: 'true' } });
    assert.ok([0, 1].includes(r.code), `exit ${r.code}: ${r.stderr}\n${r.stdout.slice(-2000)}`);
    const { results } = await readResults(join(dir, 'results.json'));
    const junit = await readJUnit(join(dir, 'junit.xml'));
    assert.ok(results.length >= 60, `${results.length} bundled sites`);
    assert.equal(junit.cases.length, results.length);
    assert.equal(new Set(junit.cases.map((c) => c.name)).size, results.length, 'testcase names are unique site ids');
    for (const result of results) {
      const tc = junit.cases.find((c) => c.name === result.id);
      assert.equal(tc?.status, result.status, result.id);
    }
    assert.equal(junit.counts.tests, results.length);
    assert.equal(junit.counts.failures, results.filter((x) => x.status === 'failed').length);
    assert.equal(junit.counts.errors, results.filter((x) => x.status === 'error').length);
    assert.equal(r.code, results.some((x) => x.status !== 'passed') ? 1 : 0);
    assert.ok(results.every((x) => x.status !== 'error'), 'no infrastructure error on the bundled sites');
    const html = await readFile(join(dir, 'report', 'index.html'), 'utf8');
    assert.ok(results.every((x) => html.includes(JSON.stringify(x.id))));
    // The report of a real run, in a browser: every site listed, one timeline lane per session.
    const chrome = await startLocalChrome();
    try {
      await chrome.driver.get(pathToFileURL(join(dir, 'report', 'index.html')).href);
      assert.equal(await chrome.driver.findElement(By.id('shown')).getText(), `${results.length} of ${results.length} shown`);
      const lanes = await chrome.driver.executeScript<string[]>('return [...document.querySelectorAll("#timeline g.lane")].map(g => g.dataset.session)');
      const sessions = new Set(results.flatMap((x) => x.attempts.map((a) => a.sessionId ?? '')));
      assert.equal(sessions.size, 2, 'one session per slot of the 2 x 1 grid');
      assert.equal(lanes.length, sessions.size);
      assert.deepEqual(new Set(lanes), sessions);
      assert.equal(await chrome.driver.executeScript('return document.querySelectorAll("svg.rates, svg.histogram").length'), 4, 'pass rates by locale and tag, load and detection times');
    } finally {
      await chrome.stop();
    }
  });

  describe('on a grid it did not start', () => {
    const grid = localGridForSuite({ nodes: 3, slots: 1 });

    it('finishes when a node is killed mid-run: every site once, the killed node\'s sites completed elsewhere', async () => {
      const dir = await tempDir('grid-run-kill-');
      const list = await writeList(dir, Array.from({ length: 45 }, (_, i) => ({ id: `kill/${i}`, url: `${pages.url}/login?${i}`, expect: { login: true } })));
      const hub = new HttpHubClient(grid().hubUrl);
      const before = pages.served();
      const running = runCli(['run', '--grid', grid().hubUrl, '--sites', list, '--screenshots', 'none'], { cwd: dir, env: { PATH: process.env.PATH, CI: 'true' } });
      // Kill the node holding a session once the run is well under way. The session must have
      // run for a while: one that is still opening is not the CLI's yet (no site ran on it).
      let killed: { uri: string; pid: number; at: number } | undefined;
      const firstSeen = new Map<string, number>();
      while (!killed) {
        await new Promise((r) => setTimeout(r, 100));
        const nodes = (await hub.status()).nodes;
        for (const id of nodes.flatMap((n) => n.sessionIds)) if (!firstSeen.has(id)) firstSeen.set(id, Date.now());
        if (pages.served() - before < 8) continue;
        const busy = nodes.find((n) => n.sessionIds.some((id) => Date.now() - firstSeen.get(id)! >= 1500));
        const proc = busy && grid().processes.find((p) => p.role === 'node' && busy.uri.endsWith(`:${p.port}`));
        if (proc) {
          process.kill(-proc.pid, 'SIGKILL');
          killed = { uri: busy.uri, pid: proc.pid, at: Date.now() };
        }
      }
      const r = await running;
      assert.equal(r.code, 0, `${r.stderr}\n${r.stdout.slice(-3000)}`);
      const { results } = await readResults(join(dir, 'results.json'));
      assert.equal(results.length, 45);
      assert.equal(new Set(results.map((x) => x.id)).size, 45, 'no site reported twice');
      assert.ok(results.every((x) => x.status === 'passed'));
      const onKilled = results.filter((x) => x.attempts.some((a) => a.node === killed.uri));
      assert.ok(onKilled.length > 0, 'the killed node had run sites');
      for (const x of results.filter((y) => y.attempts.some((a) => a.node === killed.uri && a.status === 'error'))) {
        assert.notEqual(x.node, killed.uri, `${x.id} was completed on another node`);
      }
      // The kill may land mid-site (that attempt is an error, requeued) or between two sites
      // (the reset fails); either way nothing finishes on the dead node after it died.
      for (const x of results) {
        for (const a of x.attempts.filter((t) => t.node === killed.uri && t.status !== 'error')) {
          assert.ok(Date.parse(a.startedAt) + a.durationMs <= killed.at + 1000, `${x.id} reported done on the killed node after the kill`);
        }
      }
      assert.ok(results.some((x) => x.node !== killed.uri && Date.parse(x.attempts.at(-1)!.startedAt) > killed.at), 'work went on on the other nodes');
    });

  });

  describe('--compare and --fail-on regressions', () => {
    const grid = localGridForSuite({ nodes: 1, slots: 1 });

    const old = (statuses: Record<string, 'passed' | 'failed'>) => ({
      results: Object.entries(statuses).map(([id, status]) => ({ id, url: 'http://x/', status, flaky: false, attempts: [], timings: { loadMs: 0, stepsMs: 0, detectMs: 0, totalMs: 0 }, tags: [] })),
    });

    it('exits 0 when the failing site failed before too, 1 when it passed before; the console and JUnit say what changed', async () => {
      const dir = await tempDir('grid-run-compare-');
      // compare/wrong expects no login form on a login page: it fails in every run.
      const list = await writeList(dir, [
        { id: 'compare/ok', url: `${pages.url}/login?ok`, expect: { login: true } },
        { id: 'compare/wrong', url: `${pages.url}/login?wrong`, expect: { login: false } },
      ]);
      const args = ['run', '--grid', grid().hubUrl, '--sites', list, '--screenshots', 'none', '--compare', 'old.json', '--fail-on', 'regressions'];
      const env = { PATH: process.env.PATH, CI: 'true' };
      await writeFile(join(dir, 'old.json'), JSON.stringify(old({ 'compare/ok': 'failed', 'compare/wrong': 'failed', 'compare/gone': 'passed' })));
      const same = await runCli(args, { cwd: dir, env });
      assert.equal(same.code, 0, same.stdout);
      assert.match(same.stdout, /^Compared with old\.json: 0 newly failing, 1 fixed, 0 detection changed, 0 new, 1 removed, 0 flaky$/m);
      const junit = await readJUnit(join(dir, 'junit.xml'));
      assert.equal(junit.properties['compare.fixed'], '1');
      assert.equal(junit.cases.find((c) => c.name === 'compare/ok')?.properties.change, 'fixed');

      await writeFile(join(dir, 'old.json'), JSON.stringify(old({ 'compare/ok': 'passed', 'compare/wrong': 'passed' })));
      const worse = await runCli(args, { cwd: dir, env });
      assert.equal(worse.code, 1, worse.stdout);
      assert.match(worse.stdout, /^Compared with old\.json: 1 newly failing, 0 fixed/m);
      assert.match(worse.stdout, /^ {2}newly failing:\n {4}compare\/wrong$/m);
      assert.match(await readFile(join(dir, 'report', 'index.html'), 'utf8'), /<select name="change">/);
    });

    it('refuses --fail-on without --compare, before starting anything (exit 2)', async () => {
      const r = await runCli(['run', '--grid', grid().hubUrl, '--fail-on', 'regressions'], { env: { PATH: process.env.PATH } });
      assert.equal(r.code, 2);
      assert.match(r.stderr, /--fail-on regressions needs --compare OLD\.json/);
    });
  });

  describe('hostile pages', () => {
    const grid = localGridForSuite({ nodes: 1, slots: 1 });

    it('ends a never-loading page and a never-yielding script as errors within their timeouts, and the chunk goes on', async () => {
      const dir = await tempDir('grid-run-hostile-');
      const list = await writeList(dir, [
        { id: 'hostile/before', url: `${pages.url}/login?a`, expect: { login: true } },
        { id: 'hostile/never-loads', url: `${pages.url}/never`, expect: { login: true } },
        { id: 'hostile/between', url: `${pages.url}/login?c`, expect: { login: true } },
        { id: 'hostile/loops', url: `${pages.url}/loop`, expect: { login: true } },
        { id: 'hostile/after', url: `${pages.url}/login?b`, expect: { login: true } },
      ]);
      const r = await runCli(
        ['run', '--grid', grid().hubUrl, '--sites', list, '--chunks', '1', '--concurrency', '1', '--page-load-timeout', '3000', '--script-timeout', '2000', '--screenshots', 'none'],
        { cwd: dir, env: { PATH: process.env.PATH, CI: 'true' } },
      );
      assert.equal(r.code, 3, 'infrastructure errors give exit 3');
      const { results } = await readResults(join(dir, 'results.json'));
      const byId = new Map(results.map((x) => [x.id, x]));
      assert.equal(byId.get('hostile/before')?.status, 'passed');
      assert.equal(byId.get('hostile/between')?.status, 'passed');
      assert.equal(byId.get('hostile/after')?.status, 'passed');
      const loops = byId.get('hostile/loops')!;
      assert.equal(loops.status, 'error');
      // The loop starts as the load ends: chromedriver's own check that the load is over, or the
      // detection after it, meets a renderer that never answers; either way an error, bounded.
      assert.match(loops.message ?? '', /page load timed out after 3000 ms|page kept the browser busy/);
      const never = byId.get('hostile/never-loads')!;
      assert.equal(never.status, 'error');
      assert.match(never.message ?? '', /page load timed out after 3000 ms/);
      // Bounded, not fast: each attempt ends near its timeout rather than hanging.
      for (const x of [never, loops]) for (const a of x.attempts) assert.ok(a.durationMs < 30_000, `${x.id} attempt took ${a.durationMs} ms`);
      const junit = await readJUnit(join(dir, 'junit.xml'));
      assert.deepEqual(junit.cases.filter((c) => c.status === 'error').map((c) => c.name).sort(), ['hostile/loops', 'hostile/never-loads']);
    });
  });

  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    it(`on ${signal} mid-run writes a valid partial JUnit, tears down its grid and exits ${signal === 'SIGINT' ? 130 : 143}`, async () => {
      const dir = await tempDir('grid-run-signal-');
      const temp = await tempDir('grid-run-signal-tmp-');
      const list = await writeList(dir, Array.from({ length: 60 }, (_, i) => ({ id: `signal/${i}`, url: `${pages.url}/login?s${i}`, expect: { login: true } })));
      const before = pages.served();
      const run = spawnGridRun(['run', '--sites', list, '--nodes', '1', '--slots', '1', '--screenshots', 'none'], { cwd: dir, tmpdir: temp });
      while (pages.served() - before < 5) await new Promise((r) => setTimeout(r, 100));
      const groups = await embeddedGridGroups(temp);
      run.child.kill(signal);
      const code = await run.exited;
      assert.equal(code, signal === 'SIGINT' ? 130 : 143, run.output().slice(-2000));
      const junit = await readJUnit(join(dir, 'junit.xml'));
      assert.equal(junit.cases.length, 60, 'every site in the partial JUnit');
      assert.equal(new Set(junit.cases.map((c) => c.name)).size, 60);
      const skipped = junit.cases.filter((c) => c.status === 'skipped');
      assert.ok(skipped.length > 0 && skipped.length < 60, `${skipped.length} skipped`);
      assert.ok(junit.cases.some((c) => c.status === 'passed'));
      const { results } = await readResults(join(dir, 'results.json'));
      assert.equal(results.length, 60);
      assert.deepEqual(processesInGroups(groups), [], 'no grid process left');
    });
  }
});
