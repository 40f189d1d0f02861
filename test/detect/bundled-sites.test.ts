// The detector against every bundled site in sites/, in real headless Chromium: each
// expectation is checked by judge(), the same verdict `run` gives. Detection time is a benchmark
// figure (`npm run eval` prints its median and p95), not an assertion on a shared machine.
import assert from 'node:assert/strict';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { OFFLINE_ARGS } from '../../src/eval/browsers.ts';
import { detectInPage } from '../../src/session/detect-in-page.ts';
import { startLocalChrome, type LocalChrome } from '../../src/session/local-chrome.ts';
import { runSteps } from '../../src/session/steps.ts';
import { judge } from '../../src/session/verdict.ts';
import { loadSiteLists } from '../../src/sites/load.ts';
import { startStaticServer, type StaticServer } from '../../src/sites/static-server.ts';

const repo = fileURLToPath(new URL('../..', import.meta.url));
const sites = await loadSiteLists([path.join(repo, 'sites')], { cwd: repo });

describe('detector on the bundled sites', function () {
  this.timeout(60_000);
  let chrome: LocalChrome;
  let server: StaticServer;

  before(async () => {
    server = await startStaticServer();
    chrome = await startLocalChrome({ args: OFFLINE_ARGS });
    await chrome.driver.manage().setTimeouts({ pageLoad: 20_000, script: 10_000 });
  });
  after(async () => {
    await chrome?.stop();
    await server?.close();
  });

  it('has bundled sites, each with expectations', () => {
    assert.ok(sites.length >= 60, `only ${sites.length} bundled sites`);
    assert.deepEqual(sites.filter((s) => !s.expect).map((s) => s.id), []);
  });

  for (const site of sites) {
    it(`${site.id}${site.expect?.login === false ? ' (not a login page)' : ''}`, async () => {
      const [resolved] = server.resolve([site]);
      const { driver } = chrome;
      await driver.get(resolved!.url);
      await runSteps(driver, site.steps, { timeoutMs: site.timeoutMs ?? 5_000 });
      const { detection } = await detectInPage(driver);
      const verdict = await judge(driver, site.expect, detection);
      if (verdict.status !== 'passed') assert.fail(`${verdict.message}\n      signals: ${detection.signals.join(', ')}`);
      // A login step with an account field and no password yet is the first of two steps.
      const e = site.expect!;
      if (e.login && typeof e.username === 'string' && e.password === null) assert.equal(detection.step, 'username-first');
    });
  }
});
