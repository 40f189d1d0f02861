// `--detector FILE` refused before anything starts: a module that does not build, or has no
// detect(), is bad input (exit 2) for run, dry-run and eval alike.
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { cp, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { detectionProblem } from '../../src/detect/check-detection.ts';
import { bundleDetectorFile } from '../../src/detector/user-detector.ts';
import { runCli } from '../helpers/cli.ts';
import { tempDir } from '../helpers/temp.ts';

const repo = fileURLToPath(new URL('../..', import.meta.url));
const fixtures = 'test/fixtures/detectors';

describe('--detector FILE: bundling and bad modules', function () {
  this.timeout(60_000);

  for (const command of [['run', '--sites', 'sites/login.json'], ['dry-run', 'sites/forms/simple.html'], ['eval', '--sites', 'sites/login.json']]) {
    it(`${command[0]}: a file that does not build exits 2 with esbuild's file:line:column, before any browser or grid`, async () => {
      const r = await runCli([...command, '--detector', `${fixtures}/does-not-build.js`], { cwd: repo });
      assert.equal(r.code, 2, r.stderr);
      assert.match(r.stderr, /--detector test\/fixtures\/detectors\/does-not-build\.js: does not build:\ntest\/fixtures\/detectors\/does-not-build\.js:3:38: Expected "}" but found "username"/);
      assert.doesNotMatch(r.stderr, /\n\s+at /);
      assert.doesNotMatch(r.stderr, /starting a local grid/);
    });

    it(`${command[0]}: a module without detect() exits 2 naming what it exports`, async () => {
      const r = await runCli([...command, '--detector', `${fixtures}/no-detect.ts`], { cwd: repo });
      assert.equal(r.code, 2, r.stderr);
      assert.match(r.stderr, /no-detect\.ts: exports no detect\(\) \(named or default\); it exports find, version/);
    });
  }

  it('a file that is not there exits 2', async () => {
    const r = await runCli(['dry-run', 'sites/forms/simple.html', '--detector', 'no/such/detector.ts'], { cwd: repo });
    assert.equal(r.code, 2);
    assert.match(r.stderr, /--detector no\/such\/detector\.ts: cannot read it \(ENOENT\)/);
  });

  it('a module importing Node built-ins does not build for the page', async () => {
    await assert.rejects(bundleDetectorFile('test/fixtures/detectors/imports-node.ts', repo), /imports-node\.ts:2:\d+: Could not resolve "node:fs"/);
  });

  it('the config key detector is read by run like --detector', async () => {
    const dir = await tempDir('grid-run-detector-config-');
    await cp(`${repo}/${fixtures}/no-detect.ts`, join(dir, 'mine.ts'));
    await writeFile(join(dir, 'grid-run.config.json'), JSON.stringify({ detector: 'mine.ts', sites: [`${repo}/sites/login.json`] }));
    const r = await runCli(['run'], { cwd: dir });
    assert.equal(r.code, 2, r.stderr);
    assert.match(r.stderr, /--detector mine\.ts: exports no detect\(\)/);
  });

  it('bundles the example detector with grid-run/detect and names it by file and content hash', async () => {
    const file = 'examples/detector/detector.ts';
    const bundle = await bundleDetectorFile(file, repo);
    const sha256 = createHash('sha256').update(await readFile(`${repo}/${file}`)).digest('hex');
    assert.deepEqual(bundle.identity, { name: 'detector.ts', kind: 'file', file, sha256 });
    assert.equal(bundle.exportName, 'detect');
    // grid-run/detect came from grid-run's own source: its selectorPath is in the bundle.
    assert.match(bundle.source, /selectorPath: <\$\{el\.localName\}> is not in a document/);
  });

  it('takes a default export when there is no named detect', async () => {
    assert.equal((await bundleDetectorFile(`${fixtures}/throws-on-boom.ts`, repo)).exportName, 'default');
  });
});

describe('detectionProblem: which field of an answer is not a Detection', () => {
  const good = { login: true, step: 'full', username: '#u', password: '#p', submit: null, confidence: 0.5, signals: ['x'] };
  it('accepts a Detection', () => assert.equal(detectionProblem(good), null));
  const cycle: Record<string, unknown> = {};
  cycle.self = cycle;
  for (const [answer, problem] of [
    [undefined, 'expected an object, got undefined'],
    [null, 'expected an object, got null'],
    [[good], 'expected an object, got an array'],
    [{ ...good, login: 'yes' }, 'login is "yes", expected true or false'],
    [{ ...good, step: 'form' }, 'step is "form", expected one of full, username-first, password-only, none'],
    [{ ...good, username: 3 }, 'username is 3, expected a selector path or null'],
    [{ ...good, password: '' }, 'password is "", expected a selector path or null'],
    [{ ...good, submit: undefined }, 'submit is missing, expected a selector path or null'],
    [{ ...good, confidence: Number.NaN }, 'confidence is NaN, expected a number'],
    [{ ...good, signals: 'x' }, 'signals is "x", expected an array of strings'],
    // Values JSON has no text for are named all the same.
    [{ ...good, login: () => true }, 'login is a function, expected true or false'],
    [{ ...good, step: Symbol('full') }, 'step is Symbol(full), expected one of full, username-first, password-only, none'],
    [{ ...good, confidence: 1n }, 'confidence is 1, expected a number'],
    [{ ...good, signals: cycle }, 'signals is an object, expected an array of strings'],
  ] as const) {
    it(problem, () => assert.equal(detectionProblem(answer), problem));
  }
});
