// dry-run against pages served on 127.0.0.1, in a real headless Chromium through chromedriver.
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';

import { join } from 'node:path';
import { runCli } from '../helpers/cli.ts';
import { pagesForSuite } from '../helpers/pages.ts';
import { tempDir } from '../helpers/temp.ts';

describe('grid-run dry-run', function () {
  this.timeout(120_000);
  const pages = pagesForSuite({ '/blank': '<!doctype html><title>About us</title><p>We make things.</p>' });
  let cwd: string;
  before(async () => (cwd = await tempDir('grid-run-dry-')));

  it('finds the fields of a bundled login page, meets its expectations and writes a screenshot', async () => {
    const r = await runCli(['dry-run', 'bundled/forms/simple', '--screenshot', join(cwd, 'shots')], { cwd: process.cwd() });
    assert.equal(r.code, 0, r.stderr + r.stdout);
    assert.match(r.stdout, /^detected +login form, step full/m);
    assert.match(r.stdout, /^username +#username$/m);
    assert.match(r.stdout, /^password +#password$/m);
    assert.match(r.stdout, /^verdict +passed/m);
    assert.match(r.stdout, /^timings +load \d+ ms, steps \d+ ms, detection \d+ ms/m);
    const shot = /^screenshot +(.+)$/m.exec(r.stdout)?.[1];
    assert.ok(shot && existsSync(shot.startsWith('/') ? shot : join(process.cwd(), shot)), `screenshot ${shot}`);
  });

  it('prints JSON with --json', async () => {
    const r = await runCli(['dry-run', 'sites/forms/simple.html', '--json', '--screenshot', join(cwd, 'shots')], { cwd: process.cwd() });
    assert.equal(r.code, 0, r.stderr);
    const out = JSON.parse(r.stdout);
    assert.equal(out.detection.login, true);
    assert.equal(out.detection.password, '#password');
  });

  it('exits 1 on a page without a login form', async () => {
    const r = await runCli(['dry-run', `${pages().url}/blank`, '--screenshot', join(cwd, 'shots')], { cwd });
    assert.equal(r.code, 1, r.stderr);
    assert.match(r.stdout, /^detected +no login form/m);
  });

  for (const url of ['file:///etc/passwd', 'javascript:alert(1)', 'data:text/html,<input type=password>', 'chrome://version']) {
    it(`refuses ${url.split(':')[0]}: with exit 2 and no stack trace`, async () => {
      const r = await runCli(['dry-run', url], { cwd });
      assert.equal(r.code, 2);
      assert.match(r.stderr, /only http: and https: URLs can be tested/);
      assert.doesNotMatch(r.stderr, /\n\s+at /);
    });
  }

  it('exits 2 for an unknown site id', async () => {
    const r = await runCli(['dry-run', 'no/such-site'], { cwd: process.cwd() });
    assert.equal(r.code, 2);
    assert.match(r.stderr, /not an http\(s\) URL, an \.html file or the id of a site/);
  });

  it('exits 3 with the reason when chromedriver cannot start Chromium', async () => {
    const r = await runCli(['dry-run', `${pages().url}/blank`], { cwd, env: { PATH: process.env.PATH, GRID_RUN_CHROMIUM: '/nonexistent/chromium' } });
    assert.equal(r.code, 3);
    assert.match(r.stderr, /Chromium is not installed at \/nonexistent\/chromium/);
  });
});
