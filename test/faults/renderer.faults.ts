// A page that exhausts its memory crashes its renderer: that site is an error that says so,
// its session is replaced, and the rest of the chunk runs on the new one.
import assert from 'node:assert/strict';
import { cp, mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startLocalGrid, type LocalGrid } from '../../src/grid/local-grid.ts';
import { runCli } from '../helpers/cli.ts';
import { writeList } from '../helpers/run-outputs.ts';
import { checkRun } from './check.ts';

const pages = new URL('./pages/', import.meta.url).pathname;
const forms = new URL('../../sites/forms/', import.meta.url).pathname;

describe('faults: a renderer that crashes', function () {
  this.timeout(900_000);
  let grid: LocalGrid | undefined;
  after(async () => grid?.stop());

  it('out of memory on one page: that site is an error, a new session runs the rest of the chunk', async () => {
    grid = await startLocalGrid({ nodes: 1, slots: 1, port: 0, stateDir: await mkdtemp(join(tmpdir(), 'grid-run-faults-oom-grid-')) });
    const dir = await mkdtemp(join(tmpdir(), 'grid-run-faults-oom-'));
    await cp(pages, join(dir, 'hostile'), { recursive: true });
    await cp(forms, join(dir, 'forms'), { recursive: true });
    const good = (i: number) => ({ id: `oom/good-${i}`, url: `forms/simple.html?${i}`, expect: { login: true, username: '#username', password: '#password' } });
    const entries = [good(1), good(2), { id: 'oom/crash', url: 'hostile/out-of-memory.html', expect: { login: true } }, good(3), good(4)];
    const ids = entries.map((e) => e.id);
    const list = await writeList(dir, entries);
    // One chunk on one slot, and bounds long enough for the heap to fill before they end it.
    const r = await runCli(
      ['run', '--grid', grid.hubUrl, '--sites', list, '--chunks', '1', '--page-load-timeout', '300000', '--site-timeout', '360000', '--screenshots', 'none'],
      { cwd: dir, env: { PATH: process.env.PATH, CI: 'true' } },
    );
    const { byId } = await checkRun('renderer out of memory', { dir, ids, code: r.code, expectedCodes: [3], output: r.stderr + r.stdout });
    const crashed = byId.get('oom/crash')!;
    assert.equal(crashed.status, 'error');
    assert.match(crashed.message ?? '', /crash/i, 'the error says the renderer crashed');
    for (const id of ids.filter((x) => x !== 'oom/crash')) assert.equal(byId.get(id)!.status, 'passed', `${id}: ${byId.get(id)!.message}`);
    const before = byId.get('oom/good-2')!.sessionId;
    const after = byId.get('oom/good-3')!.sessionId;
    assert.ok(before && after && before !== after, `the crashed session was replaced (${before} -> ${after})`);
  });
});
