// A user's detector in a real headless Chromium through chromedriver (dry-run): the example
// detector finds the form, and each way a detector can go wrong on a page fails that site
// (exit 1, the message says what was wrong), never an infrastructure error (exit 3).
import assert from 'node:assert/strict';

import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { runCli } from '../helpers/cli.ts';
import { tempDir } from '../helpers/temp.ts';

const repo = fileURLToPath(new URL('../..', import.meta.url));

describe('--detector FILE in the page (dry-run, real Chromium)', function () {
  this.timeout(180_000);
  let shots: string;
  before(async () => (shots = await tempDir('grid-run-detector-shots-')));
  const dryRun = (...args: string[]) => runCli(['dry-run', ...args, '--screenshot', shots], { cwd: repo });

  it('the example detector, as the README runs it: finds the fields named as site lists name them', async () => {
    const r = await dryRun('examples/detector/pages/login.html', '--detector', 'examples/detector/detector.ts', '--json');
    assert.equal(r.code, 0, r.stderr);
    const out = JSON.parse(r.stdout);
    assert.equal(out.status, 'passed');
    assert.deepEqual(out.detection, {
      login: true,
      step: 'full',
      username: 'input[name="email"]',
      password: 'input[name="pw"]',
      submit: '#login > button',
      confidence: 0.8,
      signals: ['visible password field', 'in a form'],
    });
    assert.equal(out.detector.name, 'detector.ts');
    assert.equal(out.detector.kind, 'file');
    assert.equal(out.detector.file, 'examples/detector/detector.ts');
    assert.match(out.detector.sha256, /^[0-9a-f]{64}$/);
  });

  it('judges a user detector against the site\'s expectations as it judges the built-in one', async () => {
    const r = await dryRun('bundled/forms/simple', '--detector', 'examples/detector/detector.ts');
    assert.equal(r.code, 0, r.stderr + r.stdout);
    assert.match(r.stdout, /^detector +detector\.ts \(file, examples\/detector\/detector\.ts, sha256 [0-9a-f]{12}\)$/m);
    assert.match(r.stdout, /^verdict +passed: every expectation met$/m);
  });

  it('grid-run/detect names a field inside an open shadow root with a selector path that enters it', async () => {
    const r = await dryRun('examples/detector/pages/shadow-login.html', '--detector', 'test/fixtures/detectors/shadow-walker.ts', '--json');
    assert.equal(r.code, 0, r.stderr);
    const out = JSON.parse(r.stdout);
    assert.equal(out.detection.username, '#box >>> input[name="user"]');
    assert.equal(out.detection.password, '#box >>> input[name="pass"]');
  });

  it('runs in each cross-origin frame the driver enters, as the built-in detector does', async () => {
    const r = await dryRun('bundled/frames/cross-origin', '--detector', 'examples/detector/detector.ts');
    assert.equal(r.code, 0, r.stderr + r.stdout);
    assert.match(r.stdout, /^password +#idp >>> #id-password$/m);
    assert.match(r.stdout, /^signals +in cross-origin frame #idp, visible password field, in a form$/m);
    assert.match(r.stdout, /^verdict +passed: every expectation met$/m);
  });

  it('an answer that is not a Detection fails the site, naming the wrong field', async () => {
    const r = await dryRun('sites/forms/simple.html', '--detector', 'test/fixtures/detectors/wrong-shape.ts');
    assert.equal(r.code, 1, r.stderr + r.stdout);
    assert.match(r.stdout, /^verdict +failed: detector wrong-shape\.ts: detect\(\) answered something that is not a Detection: login is "yes", expected true or false$/m);
  });

  it('a detect() that never settles fails the site at the script timeout', async () => {
    const r = await dryRun('sites/forms/simple.html', '--detector', 'test/fixtures/detectors/never-answers.js', '--script-timeout', '1500');
    assert.equal(r.code, 1, r.stderr + r.stdout);
    assert.match(r.stdout, /^verdict +failed: detector never-answers\.js: detect\(\) did not answer within the script timeout \(1500 ms\)$/m);
  });

  it('a module whose top level throws in the page fails the site with the page\'s error', async () => {
    const r = await dryRun('sites/forms/simple.html', '--detector', 'test/fixtures/detectors/top-level-throws.js');
    assert.equal(r.code, 1, r.stderr + r.stdout);
    assert.match(r.stdout, /^verdict +failed: detector top-level-throws\.js: the detector module failed in the page: javascript error: Cannot read properties of null \(reading 'elements'\)$/m);
  });

  it('the built-in detector is named with grid-run\'s version', async () => {
    const r = await dryRun('sites/forms/simple.html', '--json');
    assert.equal(r.code, 0, r.stderr);
    const pkg = JSON.parse(await (await import('node:fs/promises')).readFile(join(repo, 'package.json'), 'utf8'));
    assert.deepEqual(JSON.parse(r.stdout).detector, { name: 'builtin', kind: 'builtin', version: pkg.version });
  });
});
