// What eval gained by being a run: its pages go through the run's dispatcher (a lost session is
// replaced and its page requeued, every page reported once) and its options through the config
// layer (an "eval" object in grid-run.config.json for its own). Real headless Chromium.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdir, readFile, readdir, writeFile } from 'node:fs/promises';
import { createServer, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { PageRecord } from '../../src/eval/metrics.ts';
import type { SiteResult } from '../../src/types.ts';
import { runCli } from '../helpers/cli.ts';
import { tempDir } from '../helpers/temp.ts';

const repo = fileURLToPath(new URL('../..', import.meta.url));
const loginPage = '<!doctype html><title>Sign in</title><form><input name="user" autocomplete="username"><input type="password" name="pw"><button>Sign in</button></form>';

/** The Chromium browsers (not their renderers) that chromedriver processes started by this process run. */
function ourBrowsers(): number[] {
  const rows = execFileSync('ps', ['-eo', 'pid=,ppid=,comm='], { encoding: 'utf8' })
    .split('\n')
    .map((line) => line.trim().split(/\s+/))
    .filter((r) => r.length >= 3)
    .map(([pid, ppid, comm]) => ({ pid: Number(pid), ppid: Number(ppid), comm: comm! }));
  const ours = new Set([process.pid]);
  for (let grew = true; grew; ) {
    grew = false;
    for (const r of rows) if (ours.has(r.ppid) && !ours.has(r.pid)) grew = Boolean(ours.add(r.pid));
  }
  const drivers = new Set(rows.filter((r) => ours.has(r.pid) && r.comm.startsWith('chromedriver')).map((r) => r.pid));
  return rows.filter((r) => drivers.has(r.ppid) && r.comm.startsWith('chrom')).map((r) => r.pid);
}

describe('grid-run eval as a run', function () {
  this.timeout(180_000);
  let dir: string;
  before(async () => (dir = await tempDir('grid-run-eval-run-')));

  it('a browser killed under a page: the session is replaced, the page requeued and evaluated, no page lost', async () => {
    // The first request for /held is held until its browser has been killed.
    let heldOnce: ServerResponse | undefined;
    let onHeld: () => void = () => undefined;
    const held = new Promise<void>((resolve) => (onHeld = resolve));
    const server = createServer((req, res) => {
      if (req.url === '/held' && !heldOnce) {
        heldOnce = res;
        onHeld();
        return;
      }
      res.setHeader('content-type', 'text/html').end(loginPage);
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
      const list = path.join(dir, 'sites.jsonl');
      const ids = ['run/a', 'run/held', 'run/b'];
      await writeFile(list, ids.map((id) => JSON.stringify({ id, url: `${base}/${id.slice(4)}`, expect: { login: true } })).join('\n') + '\n');
      const results = path.join(dir, 'results.json');
      const running = runCli(['eval', '--sites', list, '--concurrency', '1', '--results', results, '--report', path.join(dir, 'report')], { cwd: dir });
      await held;
      const browsers = ourBrowsers();
      assert.equal(browsers.length, 1, 'one browser at --concurrency 1');
      process.kill(browsers[0]!, 'SIGKILL');
      const run = await running;
      heldOnce?.destroy();
      assert.equal(run.code, 0, run.stderr);
      assert.match(run.stderr, /run\/held: session lost while loading the page: .*; requeued elsewhere/);
      assert.match(run.stdout, /^pages 3: login precision 100\.0%, recall 100\.0%/m);
      const written = JSON.parse(await readFile(results, 'utf8')) as { results: SiteResult[]; summary: { sessionsCreated: number } };
      assert.deepEqual(
        written.results.map((r) => [r.id, r.status]),
        ids.map((id) => [id, 'passed']),
      );
      const attempts = written.results.find((r) => r.id === 'run/held')!.attempts;
      assert.deepEqual(
        attempts.map((a) => [a.attempt, a.status, a.sessionLost === true]),
        [
          [1, 'error', true],
          [2, 'passed', false],
        ],
      );
      assert.notEqual(attempts[0]!.sessionId, attempts[1]!.sessionId);
      assert.equal(written.summary.sessionsCreated, 2);
    } finally {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    }
  });

  it('reads its options from the config file: its own under "eval", the shared ones at the top level', async () => {
    const cwd = path.join(dir, 'config');
    await mkdir(cwd);
    const config = {
      // run's outputs: eval must not write them.
      results: 'run-results.json',
      report: 'run-report',
      concurrency: 1,
      eval: { sites: [path.join(repo, 'test/fixtures/eval/sites.jsonl')], misses: 1, results: 'out/results.json', report: 'out/report' },
    };
    await writeFile(path.join(cwd, 'grid-run.config.json'), JSON.stringify(config, null, 2));
    const run = await runCli(['eval'], { cwd });
    assert.equal(run.code, 0, run.stderr);
    assert.match(run.stdout, /^misses \(3, first 1\):$/m);
    assert.match(run.stdout, /^HTML report out\/report\/index\.html, results out\/results\.json$/m);
    assert.deepEqual(await readdir(cwd), ['grid-run.config.json', 'out']);
    // The command line wins over the file.
    const again = await runCli(['eval', '--misses', '2', '--results', 'again.json', '--report', 'again'], { cwd });
    assert.equal(again.code, 0, again.stderr);
    assert.match(again.stdout, /^misses \(3, first 2\):$/m);
  });

  it('chooses its pages as run does: --grep, --grep-invert, --tag and --locale, on the command line or in the "eval" object', async () => {
    const cwd = path.join(dir, 'filters');
    await mkdir(cwd);
    const list = path.join(repo, 'test/fixtures/eval/sites.jsonl');
    const evaluated = async (argv: string[]) => {
      const json = path.join(cwd, `${argv.length}.json`);
      const run = await runCli(['eval', '--concurrency', '1', '--json', json, ...argv], { cwd });
      assert.equal(run.code, 0, run.stderr);
      return (JSON.parse(await readFile(json, 'utf8')) as { pages: PageRecord[] }).pages.map((p) => p.id).sort();
    };
    assert.deepEqual(await evaluated(['--sites', list, '--tag', 'mislabelled', '--grep', 'login', '--grep-invert', 'honeypot']), ['eval/login-labelled-negative', 'eval/newsletter-labelled-login']);
    // Run's top-level keys choose run's sites, not eval's: only the "eval" object's filters apply.
    const config = { tag: ['registration'], locale: 'fr', eval: { sites: [list], tag: ['plain'], locale: 'en' } };
    await writeFile(path.join(cwd, 'grid-run.config.json'), JSON.stringify(config, null, 2));
    assert.deepEqual(await evaluated([]), ['eval/login']);
    const none = await runCli(['eval', '--tag', 'nope'], { cwd });
    assert.equal(none.code, 2, none.stderr);
    assert.match(none.stderr, /none of the 7 sites in .*sites\.jsonl matches --tag nope, --locale en/);
    assert.doesNotMatch(none.stderr, /\n\s+at /, 'no stack trace');
  });

  it('a bad value in the "eval" object: exit 2 naming the file, line and key', async () => {
    const cwd = path.join(dir, 'bad-config');
    await mkdir(cwd);
    await writeFile(path.join(cwd, 'grid-run.config.json'), '{\n  "eval": {\n    "misses": 0\n  }\n}\n');
    const run = await runCli(['eval', '--sites', path.join(repo, 'test/fixtures/eval/sites.jsonl')], { cwd });
    assert.equal(run.code, 2);
    assert.match(run.stderr, /grid-run\.config\.json:3: eval\.misses: a whole number from 1 to 1000000/);
    assert.doesNotMatch(run.stderr, /\n\s+at /, 'no stack trace');
  });
});
