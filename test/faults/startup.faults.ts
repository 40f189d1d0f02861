// Faults found before any site runs: a hub that does not answer, a report location that
// cannot be written. Each ends with exit 3 and one clear line naming what failed, no stack
// trace, and no site run (a report that cannot be written is found before hours of sites).
import assert from 'node:assert/strict';
import { stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { freePort } from '../../src/grid/ports.ts';
import { runCli } from '../helpers/cli.ts';
import { serveLoginPages } from '../helpers/pages.ts';
import { forSuite } from '../helpers/suite.ts';
import { writeList } from '../helpers/run-outputs.ts';
import { record } from './table.ts';
import { tempDir } from '../helpers/temp.ts';

describe('faults: at start-up', function () {
  this.timeout(120_000);
  const pages = forSuite(() => serveLoginPages(), (p) => p.close());

  const sitesIn = async (dir: string, n: number) => {
    const ids = Array.from({ length: n }, (_, i) => `startup/${i}`);
    return { ids, list: await writeList(dir, ids.map((id) => ({ id, url: `${pages().url}/login?${id}`, expect: { login: true } }))) };
  };

  it('a hub that does not answer: exit 3, the message names its URL, no site is run', async () => {
    const dir = await tempDir('grid-run-faults-nohub-');
    const { ids, list } = await sitesIn(dir, 5);
    const hub = `http://127.0.0.1:${await freePort()}`;
    const from = pages().served();
    const r = await runCli(['run', '--grid', hub, '--sites', list], { cwd: dir });
    record({ case: 'hub unreachable at start', sites: ids.length, lost: '-', duplicated: '-', exitCode: String(r.code) });
    assert.equal(r.code, 3, r.stderr);
    assert.match(r.stderr, new RegExp(`^grid-run: hub ${hub.replace(/\./g, '\\.')} did not answer`, 'm'));
    assert.doesNotMatch(r.stderr, /\n\s+at /, 'no stack trace');
    assert.equal(pages().served() - from, 0, 'no site was loaded');
  });

  it('a report directory that cannot be written: exit 3 before any site, a clear message', async () => {
    const dir = await tempDir('grid-run-faults-nowrite-');
    const { ids, list } = await sitesIn(dir, 5);
    // Not writable whoever runs the tests (root included): its parent is a file.
    await writeFile(join(dir, 'blocked'), 'a file, not a directory');
    const from = pages().served();
    // The hub is never asked: the outputs are checked first.
    const r = await runCli(['run', '--grid', 'http://127.0.0.1:9', '--sites', list, '--report', 'blocked/report'], { cwd: dir });
    record({ case: 'report directory not writable', sites: ids.length, lost: '-', duplicated: '-', exitCode: String(r.code) });
    assert.equal(r.code, 3, r.stderr);
    assert.match(r.stderr, new RegExp(`^grid-run: cannot write the HTML report to ${join(dir, 'blocked/report').replace(/\./g, '\\.')}: `, 'm'));
    assert.doesNotMatch(r.stderr, /\n\s+at /, 'no stack trace');
    assert.equal(pages().served() - from, 0, 'no site was loaded');
    await assert.rejects(stat(join(dir, 'junit.xml')), 'nothing half-written');
  });
});
