// SIGINT and SIGTERM to a `grid-run run` child mid-run: partial outputs valid with every site
// once (the unfinished ones skipped), exit 130/143, and nothing it started left running: no
// grid process, no static server. A signal while the grid starts writes them too, every site skipped.
import assert from 'node:assert/strict';
import { cp, stat } from 'node:fs/promises';
import { connect } from 'node:net';
import { join } from 'node:path';
import { freePort } from '../../src/grid/ports.ts';
import { serveLoginPages } from '../helpers/pages.ts';
import { forSuite } from '../helpers/suite.ts';
import { embeddedGridGroups, processesInGroups, reaperFinished, spawnGridRun } from '../helpers/processes.ts';
import { writeList } from '../helpers/run-outputs.ts';
import { checkRun } from './check.ts';
import { sleep, waitForProgress } from './grid.ts';
import { tempDir } from '../helpers/temp.ts';

const repo = new URL('../../', import.meta.url).pathname;

/** Whether something accepts connections on 127.0.0.1:port. */
function listening(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

describe('faults: signals mid-run', function () {
  this.timeout(600_000);
  const pages = forSuite(() => serveLoginPages({ delayMs: 150 }), (p) => p.close());

  // How each case delivers its signals: once; twice 50 ms apart (a CI cancel forwarded by a
  // wrapper: one request); a second one 3 s later (a real second request: stop waiting). That
  // one is sent while the session loads a page that never answers: its quit then waits out the
  // 5 s bound before the browser is closed, and finishing up takes over 7 s (measured) unless
  // the second request cuts it short. Without that, a quick finish-up could end the run before
  // the second signal is sent (CI saw it). It goes last: the server keeps holding.
  const cases = [
    { signal: 'SIGINT', name: 'SIGINT', deliver: [0], hold: false },
    { signal: 'SIGTERM', name: 'SIGTERM', deliver: [0], hold: false },
    { signal: 'SIGTERM', name: 'two SIGTERMs 50 ms apart', deliver: [0, 50], hold: false },
    { signal: 'SIGINT', name: 'SIGINT, then SIGINT again 3 s later', deliver: [0, 3000], hold: true },
  ] as const;
  for (const { signal, name, deliver, hold } of cases) {
    const expected = signal === 'SIGINT' ? 130 : 143;
    it(`${name}: partial JUnit, results.json and HTML with every site once, exit ${expected}, nothing left running`, async () => {
      const dir = await tempDir('grid-run-faults-signal-');
      const temp = await tempDir('grid-run-faults-signal-tmp-');
      // Remote pages (counted, to know the run is under way) and relative ones (served by the
      // run's own static server, which must go too).
      await cp(join(repo, 'sites/forms'), join(dir, 'forms'), { recursive: true });
      const entries = Array.from({ length: 40 }, (_, i) =>
        i % 2 === 0
          ? { id: `signal/remote-${i}`, url: `${pages().url}/login?${signal}-${i}`, expect: { login: true } }
          : { id: `signal/local-${i}`, url: 'forms/simple.html', expect: { login: true, username: '#username', password: '#password' } },
      );
      const ids = entries.map((e) => e.id);
      const list = await writeList(dir, entries);
      const servePort = await freePort('127.0.0.1');
      const from = pages().served();
      const run = spawnGridRun(['run', '--sites', list, '--nodes', '1', '--slots', '1', '--serve-port', String(servePort), '--screenshots', 'none'], { cwd: dir, tmpdir: temp });
      await waitForProgress(pages().served, from, 4);
      if (hold) {
        pages().hold();
        await waitForProgress(pages().held, 0, 1);
      }
      const groups = await embeddedGridGroups(temp);
      for (let i = 0; i < deliver.length; i++) {
        await sleep(deliver[i]! - (deliver[i - 1] ?? 0));
        run.child.kill(signal);
      }
      const code = await run.exited;
      const out = run.output();
      if (deliver.length === 2 && deliver[1] < 1000) assert.doesNotMatch(out, new RegExp(`${signal} again`), 'the repeat is the same request');
      if (deliver.length === 2 && deliver[1] >= 1000) assert.match(out, new RegExp(`${signal} again: not waiting`), `the second request is heard; the run said:\n${out}`);
      const { results } = await checkRun(`${name} mid-run`, { dir, ids, code, expectedCodes: [expected], output: run.output() });
      const skipped = results.filter((r) => r.status === 'skipped');
      assert.ok(skipped.length > 0 && skipped.length < ids.length, `${skipped.length} skipped: interrupted mid-run`);
      for (const r of skipped) assert.match(r.message ?? '', new RegExp(`interrupted \\(${signal}\\)`), r.id);
      assert.ok(results.some((r) => r.status === 'passed'), 'what finished is reported as it finished');
      assert.ok(results.every((r) => r.status === 'passed' || r.status === 'skipped'), 'nothing else went wrong');
      assert.ok((await stat(join(dir, 'report', 'index.html'))).isFile(), 'the HTML report is written too');
      assert.deepEqual(processesInGroups(groups), [], 'no grid process left');
      assert.equal(await reaperFinished(temp), 'done', 'the reaper was told the teardown is done');
      assert.equal(await listening(servePort), false, 'the static server is gone');
    });
  }
});

describe('faults: a signal while the grid starts', function () {
  this.timeout(300_000);
  const pages = forSuite(() => serveLoginPages(), (p) => p.close());

  it('SIGINT while the embedded grid starts: JUnit, results.json and HTML with every site skipped saying why, exit 130, nothing left running', async () => {
    const dir = await tempDir('grid-run-faults-startsignal-');
    const temp = await tempDir('grid-run-faults-startsignal-tmp-');
    await cp(join(repo, 'sites/forms'), join(dir, 'forms'), { recursive: true });
    const entries = Array.from({ length: 6 }, (_, i) =>
      i % 2 === 0
        ? { id: `start-signal/remote-${i}`, url: `${pages().url}/login?start-${i}`, expect: { login: true } }
        : { id: `start-signal/local-${i}`, url: 'forms/simple.html', expect: { login: true } },
    );
    const ids = entries.map((e) => e.id);
    const list = await writeList(dir, entries);
    const servePort = await freePort('127.0.0.1');
    const from = pages().served();
    const run = spawnGridRun(['run', '--sites', list, '--nodes', '1', '--slots', '1', '--serve-port', String(servePort), '--screenshots', 'none'], { cwd: dir, tmpdir: temp });
    // The state file is written once the hub and node processes are spawned, before the grid is
    // ready (a Java hub takes seconds): the signal comes while the run waits for it.
    const groups = await embeddedGridGroups(temp);
    run.child.kill('SIGINT');
    const code = await run.exited;
    const out = run.output();
    assert.match(out, /grid-run: interrupted \(SIGINT\) while the local grid was starting: no site was run/);
    const { results } = await checkRun('SIGINT while the grid starts', { dir, ids, code, expectedCodes: [130], output: out });
    for (const r of results) {
      assert.equal(r.status, 'skipped', r.id);
      assert.equal(r.message, 'not run: the run was interrupted (SIGINT) while the local grid was starting', r.id);
    }
    assert.ok((await stat(join(dir, 'report', 'index.html'))).isFile(), 'the HTML report is written too');
    assert.equal(pages().served() - from, 0, 'no page was loaded');
    assert.deepEqual(processesInGroups(groups), [], 'no grid process left');
    assert.equal(await reaperFinished(temp), 'done', 'the reaper was told the teardown is done');
    assert.equal(await listening(servePort), false, 'the static server is gone');
  });
});
