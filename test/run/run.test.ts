// `grid-run run` end to end on a real local Selenium Grid with headless Chromium.
import assert from 'node:assert/strict';
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { HttpHubClient } from '../../src/grid/hub-client.ts';
import { startLocalGrid, type LocalGrid } from '../../src/grid/local-grid.ts';
import type { SiteResult } from '../../src/types.ts';
import { spawn } from 'node:child_process';
import { readdir } from 'node:fs/promises';
import { runCli } from '../helpers/cli.ts';
import { processesInGroups } from '../helpers/processes.ts';
import { readJUnit } from '../helpers/junit.ts';

const loginPage = '<!doctype html><title>Sign in</title><form><input name=user autocomplete=username><input type=password name=pw><button>Sign in</button></form>';

type Results = { results: SiteResult[] };
const readResults = async (file: string) => JSON.parse(await readFile(file, 'utf8')) as Results;

/** Pages for the run tests: a slowish login page, one that never finishes, one whose script never yields. */
async function serveTestPages(): Promise<{ url: string; served: () => number; close(): Promise<void> }> {
  let served = 0;
  const open = new Set<import('node:http').ServerResponse>();
  const server: Server = createServer((req, res) => {
    served++;
    const path = new URL(req.url ?? '/', 'http://x').pathname;
    if (path === '/never') {
      // Headers and half a page, then nothing: the load event never comes.
      res.writeHead(200, { 'content-type': 'text/html' });
      res.write('<!doctype html><p>loading');
      open.add(res);
      return;
    }
    if (path === '/loop') {
      // Loads, then its script runs forever: the renderer never answers again.
      res.writeHead(200, { 'content-type': 'text/html' }).end(`${loginPage}<script>addEventListener('load', () => setTimeout(() => { for (;;) {} }, 100));</script>`);
      return;
    }
    setTimeout(() => res.writeHead(200, { 'content-type': 'text/html' }).end(loginPage), 150);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  return {
    url: `http://127.0.0.1:${port}`,
    served: () => served,
    close: async () => {
      for (const res of open) res.destroy();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

async function writeList(dir: string, entries: object[]): Promise<string> {
  const file = join(dir, 'sites.json');
  await writeFile(file, JSON.stringify(entries, null, 1));
  return file;
}

describe('grid-run run (real grid)', function () {
  this.timeout(600_000);
  let pages: Awaited<ReturnType<typeof serveTestPages>>;
  before(async () => {
    pages = await serveTestPages();
  });
  after(async () => pages.close());

  it('runs the bundled sites on an embedded 2-node grid; JUnit has one testcase per site and matches results.json', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'grid-run-run-'));
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
    assert.ok(results.every((x) => html.includes(x.id)));
  });

  describe('on a grid it did not start', () => {
    let grid: LocalGrid;
    before(async () => {
      grid = await startLocalGrid({ nodes: 3, slots: 1, port: 0, stateDir: await mkdtemp(join(tmpdir(), 'grid-run-grid-')) });
    });
    after(async () => grid?.stop());

    it('finishes when a node is killed mid-run: every site once, the killed node\'s sites completed elsewhere', async () => {
      const dir = await mkdtemp(join(tmpdir(), 'grid-run-kill-'));
      const list = await writeList(dir, Array.from({ length: 45 }, (_, i) => ({ id: `kill/${i}`, url: `${pages.url}/login?${i}`, expect: { login: true } })));
      const hub = new HttpHubClient(grid.hubUrl);
      const before = pages.served();
      const running = runCli(['run', '--grid', grid.hubUrl, '--sites', list, '--no-screenshots'], { cwd: dir, env: { PATH: process.env.PATH, CI: 'true' } });
      // Kill the node holding a session once the run is well under way.
      let killed: { uri: string; pid: number; at: number } | undefined;
      while (!killed) {
        await new Promise((r) => setTimeout(r, 100));
        if (pages.served() - before < 8) continue;
        const busy = (await hub.status()).nodes.find((n) => n.busySlots > 0);
        const proc = busy && grid.processes.find((p) => p.role === 'node' && busy.uri.endsWith(`:${p.port}`));
        if (proc) {
          process.kill(-proc.pid, 'SIGKILL');
          killed = { uri: busy!.uri, pid: proc.pid, at: Date.now() };
        }
      }
      const r = await running;
      assert.equal(r.code, 0, `${r.stderr}\n${r.stdout.slice(-3000)}`);
      const { results } = await readResults(join(dir, 'results.json'));
      assert.equal(results.length, 45);
      assert.equal(new Set(results.map((x) => x.id)).size, 45, 'no site reported twice');
      assert.ok(results.every((x) => x.status === 'passed'));
      const onKilled = results.filter((x) => x.attempts.some((a) => a.node === killed!.uri));
      assert.ok(onKilled.length > 0, 'the killed node had run sites');
      for (const x of results.filter((y) => y.attempts.some((a) => a.node === killed!.uri && a.status === 'error'))) {
        assert.notEqual(x.node, killed.uri, `${x.id} was completed on another node`);
      }
      // The kill may land mid-site (that attempt is an error, requeued) or between two sites
      // (the reset fails); either way nothing finishes on the dead node after it died.
      for (const x of results) {
        for (const a of x.attempts.filter((t) => t.node === killed!.uri && t.status !== 'error')) {
          assert.ok(Date.parse(a.startedAt) + a.durationMs <= killed.at + 1000, `${x.id} reported done on the killed node after the kill`);
        }
      }
      assert.ok(results.some((x) => x.node !== killed!.uri && Date.parse(x.attempts.at(-1)!.startedAt) > killed!.at), 'work went on on the other nodes');
    });

  });

  describe('hostile pages', () => {
    let grid: LocalGrid;
    before(async () => {
      grid = await startLocalGrid({ nodes: 1, slots: 1, port: 0, stateDir: await mkdtemp(join(tmpdir(), 'grid-run-grid-')) });
    });
    after(async () => grid?.stop());

    it('ends a never-loading page and a never-yielding script as errors within their timeouts, and the chunk goes on', async () => {
      const dir = await mkdtemp(join(tmpdir(), 'grid-run-hostile-'));
      const list = await writeList(dir, [
        { id: 'hostile/before', url: `${pages.url}/login?a`, expect: { login: true } },
        { id: 'hostile/never-loads', url: `${pages.url}/never`, expect: { login: true } },
        { id: 'hostile/between', url: `${pages.url}/login?c`, expect: { login: true } },
        { id: 'hostile/loops', url: `${pages.url}/loop`, expect: { login: true } },
        { id: 'hostile/after', url: `${pages.url}/login?b`, expect: { login: true } },
      ]);
      const r = await runCli(
        ['run', '--grid', grid.hubUrl, '--sites', list, '--chunks', '1', '--concurrency', '1', '--page-load-timeout', '3000', '--script-timeout', '2000', '--no-screenshots'],
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
      assert.match(loops.message ?? '', /page kept the browser busy/);
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
      const dir = await mkdtemp(join(tmpdir(), 'grid-run-signal-'));
      const temp = await mkdtemp(join(tmpdir(), 'grid-run-signal-tmp-'));
      const list = await writeList(dir, Array.from({ length: 60 }, (_, i) => ({ id: `signal/${i}`, url: `${pages.url}/login?s${i}`, expect: { login: true } })));
      const before = pages.served();
      const child = spawn(process.execPath, [join(import.meta.dirname, '../../bin/grid-run.js'), 'run', '--sites', list, '--nodes', '1', '--slots', '1', '--no-screenshots'], {
        cwd: dir,
        env: { PATH: process.env.PATH, CI: 'true', TMPDIR: temp },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let output = '';
      child.stdout.on('data', (d) => (output += d));
      child.stderr.on('data', (d) => (output += d));
      const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
      while (pages.served() - before < 5) await new Promise((r) => setTimeout(r, 100));
      const stateDir = join(temp, (await readdir(temp)).find((f) => f.startsWith('grid-run-'))!);
      const state = JSON.parse(await readFile(join(stateDir, 'grid.json'), 'utf8')) as { processes: { pid: number }[] };
      child.kill(signal);
      const code = await exited;
      assert.equal(code, signal === 'SIGINT' ? 130 : 143, output.slice(-2000));
      const junit = await readJUnit(join(dir, 'junit.xml'));
      assert.equal(junit.cases.length, 60, 'every site in the partial JUnit');
      assert.equal(new Set(junit.cases.map((c) => c.name)).size, 60);
      const skipped = junit.cases.filter((c) => c.status === 'skipped');
      assert.ok(skipped.length > 0 && skipped.length < 60, `${skipped.length} skipped`);
      assert.ok(junit.cases.some((c) => c.status === 'passed'));
      const { results } = await readResults(join(dir, 'results.json'));
      assert.equal(results.length, 60);
      assert.deepEqual(processesInGroups(state.processes.map((p) => p.pid)), [], 'no grid process left');
    });
  }
});
