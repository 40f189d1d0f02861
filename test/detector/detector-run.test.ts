// `run --detector FILE` on the embedded grid (a real hub and node, headless Chromium): the
// detector runs in every session, its failures fail their own sites only, and every result
// says which detector produced it, in results.json and in the JUnit suite's properties.
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { XMLParser } from 'fast-xml-parser';
import { runCli } from '../helpers/cli.ts';
import { readJUnit } from '../helpers/junit.ts';
import { loginPage, servePages, type PageServer } from '../helpers/pages.ts';
import { readResults, writeList } from '../helpers/run-outputs.ts';
import { tempDir } from '../helpers/temp.ts';

const repo = fileURLToPath(new URL('../..', import.meta.url));

async function suiteProperties(file: string): Promise<Record<string, string>> {
  const doc = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: '' }).parse(await readFile(file, 'utf8'));
  const props = doc.testsuites.testsuite.properties.property as { name: string; value: string }[];
  return Object.fromEntries(props.map((p) => [p.name, p.value]));
}

describe('run --detector FILE (embedded grid)', function () {
  this.timeout(600_000);
  let pages: PageServer;
  before(async () => {
    pages = await servePages({ '/a': loginPage, '/b': loginPage, '/c': loginPage, '/d': loginPage, '/boom': loginPage });
  });
  after(async () => pages.close());

  it('runs the example detector on its site list, as the README does: the sites it gets wrong fail, and the results name it', async () => {
    const dir = await tempDir('grid-run-detector-run-');
    const outputs = ['--junit', join(dir, 'junit.xml'), '--results', join(dir, 'results.json'), '--report', join(dir, 'report')];
    const r = await runCli(['run', '--detector', 'examples/detector/detector.ts', '--sites', 'examples/detector/sites.jsonl', '--nodes', '1', '--slots', '2', ...outputs], {
      cwd: repo,
      env: { PATH: process.env.PATH, CI: 'true' },
    });
    assert.equal(r.code, 1, `${r.stderr}\n${r.stdout.slice(-2000)}`);
    const { results } = await readResults(join(dir, 'results.json'));
    const status = Object.fromEntries(results.map((x) => [x.id, x.status]));
    // The example looks for a visible password field in the document: it takes a sign-up form
    // for a login, and sees neither a login in a shadow root nor a username-first step.
    assert.deepEqual(status, {
      'example/login': 'passed',
      'example/signup': 'failed',
      'example/shadow-login': 'failed',
      'example/username-first': 'failed',
      'example/article': 'passed',
    });
    const sha256 = createHash('sha256').update(await readFile(join(repo, 'examples/detector/detector.ts'))).digest('hex');
    for (const x of results) assert.deepEqual(x.detector, { name: 'detector.ts', kind: 'file', file: 'examples/detector/detector.ts', sha256 }, x.id);
    assert.match(r.stderr, /grid-run: detector detector\.ts \(file, examples\/detector\/detector\.ts, sha256 [0-9a-f]{12}\)/);
    const props = await suiteProperties(join(dir, 'junit.xml'));
    assert.equal(props['grid-run.detector'], 'detector.ts');
    assert.equal(props['grid-run.detector.kind'], 'file');
    assert.equal(props['grid-run.detector.file'], 'examples/detector/detector.ts');
    assert.equal(props['grid-run.detector.sha256'], sha256);
    assert.equal(props['grid-run.detector.version'], undefined);
  });

  it('a detector that throws on one page of five fails that site; the other four pass and nothing is an error', async () => {
    const dir = await tempDir('grid-run-detector-boom-');
    const list = await writeList(
      dir,
      ['a', 'b', 'boom', 'c', 'd'].map((p) => ({ id: `boom/${p}`, url: `${pages.url}/${p}`, expect: { login: true, username: 'input[name=user]', password: 'input[name=pw]' } })),
    );
    const detector = join(repo, 'test/fixtures/detectors/throws-on-boom.ts');
    const r = await runCli(['run', '--detector', detector, '--sites', list, '--nodes', '1', '--slots', '2', '--screenshots', 'none'], {
      cwd: dir,
      env: { PATH: process.env.PATH, CI: 'true' },
    });
    assert.equal(r.code, 1, `${r.stderr}\n${r.stdout.slice(-2000)}`);
    const { results } = await readResults(join(dir, 'results.json'));
    const byId = Object.fromEntries(results.map((x) => [x.id, x]));
    assert.deepEqual(Object.keys(byId).sort(), ['boom/a', 'boom/b', 'boom/boom', 'boom/c', 'boom/d']);
    for (const id of ['boom/a', 'boom/b', 'boom/c', 'boom/d']) assert.equal(byId[id]!.status, 'passed', `${id}: ${byId[id]!.message}`);
    assert.equal(byId['boom/boom']!.status, 'failed');
    assert.equal(byId['boom/boom']!.message, 'detector throws-on-boom.ts: detect() threw: Error: boom on purpose');
    assert.equal(byId['boom/boom']!.attempts.length, 1, 'a test failure is not requeued');
    const junit = await readJUnit(join(dir, 'junit.xml'));
    assert.deepEqual(junit.counts, { tests: 5, failures: 1, errors: 0, skipped: 0 });
    assert.equal(junit.cases.find((c) => c.name === 'boom/boom')?.message, 'detector throws-on-boom.ts: detect() threw: Error: boom on purpose');
  });
});
