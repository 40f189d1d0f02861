// One judge: a site that fails on its password alone, judged in a real page, shows that one
// problem in every reporter: console, JUnit, HTML and results.json. Its username, named by
// another selector than the detector's, is the same element and no problem anywhere.
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { Writable } from 'node:stream';
import { createReporters } from '../../src/report/index.ts';
import { computeSummary } from '../../src/report/summary.ts';
import { runSite } from '../../src/session/run-site.ts';
import { startLocalChrome, type LocalChrome } from '../../src/session/local-chrome.ts';
import type { Site, SiteResult } from '../../src/types.ts';
import { readJUnit } from '../helpers/junit.ts';
import { servePages, type PageServer } from '../helpers/pages.ts';
import { reportDetails, sampleRunInfo } from './fixtures.ts';
import { tempDirEach } from '../helpers/temp.ts';

const PAGE = '<!doctype html><title>Sign in</title><form><input id="email" name="email" autocomplete="username"><input id="pin" name="pin"><input id="pw" type="password" name="pw"><button>Sign in</button></form>';

describe('one verdict in every reporter', function () {
  this.timeout(120_000);
  const tmp = tempDirEach('one-verdict-');
  let chrome: LocalChrome;
  let pages: PageServer;
  before(async () => {
    pages = await servePages({ '/': PAGE });
    chrome = await startLocalChrome();
  });
  after(async () => {
    await chrome?.stop();
    await pages?.close();
  });

  it('shows only the password as a problem', async () => {
    const site: Site = { id: 'one/password', url: `${pages.url}/`, tags: [], steps: [], source: 'test', expect: { login: true, username: 'form > input[name=email]', password: 'input[name=pin]' } };
    const outcome = await runSite(chrome.driver, site, { pageLoadTimeoutMs: 10_000, scriptTimeoutMs: 10_000, siteTimeoutMs: 30_000 });
    assert.equal(outcome.status, 'failed', outcome.message);
    const problem = `password: expected input[name=pin] (input#pin), detected ${outcome.detection!.password} (input#pw)`;
    assert.equal(outcome.message, problem);
    const result: SiteResult = {
      id: site.id, url: site.url, status: outcome.status, flaky: false,
      attempts: [{ attempt: 1, status: 'failed', message: outcome.message, startedAt: new Date().toISOString(), durationMs: outcome.timings.totalMs, sessionId: 's', node: 'n' }],
      timings: outcome.timings, detection: outcome.detection, expect: site.expect, verdicts: outcome.verdicts, message: outcome.message, tags: [],
    };
    assert.deepEqual(result.verdicts!.map((v) => [v.field, v.match]), [['login', true], ['username', true], ['password', false]]);

    let printed = '';
    const stream = new Writable({ write(chunk, _e, done) { printed += String(chunk); done(); } });
    const reporters = createReporters({
      junit: path.join(tmp.path, 'junit.xml'), report: path.join(tmp.path, 'report'), results: path.join(tmp.path, 'results.json'), cwd: tmp.path,
      console: { stream, ci: true },
    });
    await reporters.onBegin(sampleRunInfo([site]));
    reporters.onSiteEnd(result);
    await reporters.onEnd([result], computeSummary([result], { wallMs: 1000, concurrency: 1, sessionsCreated: 1 }));

    // console: the failure line and the summary
    assert.equal(printed.split('\n').filter((l) => l.includes('one/password')).length, 2);
    for (const line of printed.split('\n').filter((l) => l.includes('one/password'))) assert.ok(line.endsWith(`one/password: ${problem}`), line);
    assert.doesNotMatch(printed, /username: expected/);
    // JUnit
    const xml = await readFile(path.join(tmp.path, 'junit.xml'), 'utf8');
    assert.equal((await readJUnit(path.join(tmp.path, 'junit.xml'))).cases[0]!.message, problem);
    assert.doesNotMatch(xml, /username: expected/);
    // results.json holds the comparisons themselves
    const json = JSON.parse(await readFile(path.join(tmp.path, 'results.json'), 'utf8'));
    assert.deepEqual(json.results[0].verdicts, result.verdicts);
    // HTML: the problems the page shows are the verdict's words
    const html = await readFile(path.join(tmp.path, 'report', 'index.html'), 'utf8');
    const data = reportDetails(html);
    const shown = (data.sites[0]![7] as number[][]).filter((v) => v[1] === 0).map((v) => data.strings[v[7]!]);
    assert.deepEqual(shown, [problem]);
    assert.doesNotMatch(html, /username: expected/);
  });
});
