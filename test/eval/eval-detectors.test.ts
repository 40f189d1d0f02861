// `eval --detector A --detector B` on the example's labelled list, in real headless Chromium:
// both detectors on the same page loads, with counts known from how each page is made.
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Disagreement } from '../../src/eval/compare.ts';
import type { EvalReport, PageRecord } from '../../src/eval/metrics.ts';
import type { DetectorIdentity } from '../../src/types.ts';
import { runCli } from '../helpers/cli.ts';
import { tempDir } from '../helpers/temp.ts';

const repo = fileURLToPath(new URL('../..', import.meta.url));

type Written = { detectors: (EvalReport & { label: string; detector: DetectorIdentity; pages: PageRecord[] })[]; disagreements: Disagreement[] };

describe('grid-run eval with two detectors', function () {
  this.timeout(300_000);
  let dir: string;
  before(async () => (dir = await tempDir('grid-run-eval-pair-')));

  /** eval of the example list with these detectors: what it printed, and its --json. */
  async function evalPair(name: string, ...detectors: string[]) {
    const json = path.join(dir, `${name}.json`);
    const args = detectors.flatMap((d) => ['--detector', d]);
    const outputs = ['--report', path.join(dir, `${name}-report`), '--results', path.join(dir, `${name}-results.json`)];
    const run = await runCli(['eval', ...args, '--sites', 'examples/detector/sites.jsonl', '--json', json, '--concurrency', '1', ...outputs], { cwd: repo });
    assert.equal(run.code, 0, run.stderr);
    return { run, written: JSON.parse(await readFile(json, 'utf8')) as Written };
  }

  it('reports each detector and the pages where they disagree, as the README runs it', async () => {
    const { run, written } = await evalPair('pair', 'examples/detector/detector.ts', 'builtin');
    assert.deepEqual(written.detectors.map((d) => d.label), ['detector.ts', 'builtin']);
    const [example, builtin] = written.detectors as [Written['detectors'][0], Written['detectors'][0]];
    const counts = (b: EvalReport['overall']) => ({ pages: b.pages, tp: b.tp, fp: b.fp, fn: b.fn, tn: b.tn });
    // The example: the login page right; the sign-up form taken for a login; the shadow-root
    // login and the username-first step missed; the article right.
    assert.deepEqual(counts(example.overall), { pages: 5, tp: 1, fp: 1, fn: 2, tn: 1 });
    assert.equal(example.overall.precision, 1 / 2);
    assert.equal(example.overall.recall, 1 / 3);
    assert.equal(example.overall.f1, 0.4);
    assert.deepEqual(example.overall.fields.username, { correct: 1, total: 3, accuracy: 1 / 3 });
    assert.deepEqual(example.overall.fields.password, { correct: 1, total: 2, accuracy: 1 / 2 });
    assert.deepEqual(example.overall.fields.submit, { correct: 1, total: 1, accuracy: 1 });
    assert.deepEqual(counts(builtin.overall), { pages: 5, tp: 3, fp: 0, fn: 0, tn: 2 });
    assert.deepEqual(builtin.overall.fields.username, { correct: 3, total: 3, accuracy: 1 });
    assert.deepEqual(counts(example.byTag['shadow-dom']!), { pages: 1, tp: 0, fp: 0, fn: 1, tn: 0 });
    assert.deepEqual(counts(builtin.byTag['shadow-dom']!), { pages: 1, tp: 1, fp: 0, fn: 0, tn: 0 });
    assert.deepEqual(counts(example.byLocale.en!), { pages: 3, tp: 1, fp: 1, fn: 1, tn: 0 });
    assert.deepEqual(counts(builtin.byLocale.fr!), { pages: 1, tp: 1, fp: 0, fn: 0, tn: 0 });
    assert.equal(example.detector.kind, 'file');
    assert.deepEqual(builtin.detector, { name: 'builtin', kind: 'builtin', version: JSON.parse(await readFile(path.join(repo, 'package.json'), 'utf8')).version });
    assert.deepEqual(written.disagreements.map((d) => d.id), ['example/signup', 'example/shadow-login', 'example/username-first']);
    assert.deepEqual(written.disagreements[0]!.answers, [
      { detector: 'detector.ts', login: true, fields: {} },
      { detector: 'builtin', login: false, fields: {} },
    ]);
    assert.match(run.stdout, /^== detector detector\.ts: detector\.ts \(file, examples\/detector\/detector\.ts, sha256 [0-9a-f]{12}\)$/m);
    assert.match(run.stdout, /^== detector builtin: builtin \(version \d+\.\d+\.\d+\)$/m);
    assert.match(run.stdout, /^detector\.ts +5 +1 +1 +2 +1 +50\.0% +33\.3% +40\.0%/m);
    assert.match(run.stdout, /^builtin +5 +3 +0 +0 +2 +100\.0% +100\.0% +100\.0%/m);
    assert.match(run.stdout, /^pages where the detectors disagree \(3\):$/m);
    assert.match(run.stdout, /^  example\/username-first \(labelled login\): detector\.ts: no login, username wrong; builtin: login, username right$/m);
  });

  it('a detector that fails on a page counts as finding nothing there, and says why', async () => {
    const { run, written } = await evalPair('failing', 'test/fixtures/detectors/throws-on-boom.ts', 'test/fixtures/detectors/wrong-shape.ts');
    const wrong = written.detectors[1]!;
    assert.deepEqual({ tp: wrong.overall.tp, fp: wrong.overall.fp, fn: wrong.overall.fn, tn: wrong.overall.tn }, { tp: 0, fp: 0, fn: 3, tn: 2 });
    assert.equal(wrong.errors.length, 0, 'a detector failure is not an infrastructure error');
    for (const page of wrong.pages) assert.equal(page.failure, 'detect() answered something that is not a Detection: login is "yes", expected true or false');
    assert.match(run.stdout, /example\/login: missed-login: expected login form; detected none \(the detector failed: detect\(\) answered something that is not a Detection/);
  });

  it('exits 2 when the same detector is given twice', async () => {
    const run = await runCli(['eval', '--detector', 'builtin', '--detector', 'builtin', '--sites', 'examples/detector/sites.jsonl'], { cwd: repo });
    assert.equal(run.code, 2);
    assert.match(run.stderr, /the same detector is given twice \(builtin, builtin\)/);
  });
});
