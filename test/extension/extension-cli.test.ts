// --extension through the CLI: bad input (exit 2), the example extension in dry-run (local
// chromedriver) and in run (embedded grid), and a --grid hub whose nodes are of both kinds.
import assert from 'node:assert/strict';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { renderNodeConfig, startLocalGrid, type LocalGrid } from '../../src/grid/local-grid.ts';
import { HttpHubClient } from '../../src/grid/hub-client.ts';
import { waitFor } from '../../src/wait.ts';
import { runCli } from '../helpers/cli.ts';
import { readJUnit } from '../helpers/junit.ts';
import { readResults } from '../helpers/run-outputs.ts';
import { tempDir } from '../helpers/temp.ts';

const repo = resolve(import.meta.dirname, '../..');
const example = 'examples/extension';
const silent = 'test/fixtures/extensions/silent';

describe('--extension: bad input', () => {
  let dir: string;
  before(async () => {
    dir = await tempDir('grid-run-ext-input-');
    await mkdir(join(dir, 'empty'));
    await mkdir(join(dir, 'broken'));
    await writeFile(join(dir, 'broken', 'manifest.json'), '{"name": "x", "version": ');
    await mkdir(join(dir, 'nameless'));
    await writeFile(join(dir, 'nameless', 'manifest.json'), '{"manifest_version": 3, "version": "1"}');
    await writeFile(join(dir, 'fake.crx'), 'PK not a crx');
  });

  const cases: [string, RegExp][] = [
    ['missing', /^grid-run: --extension missing: no such file or folder \(expected an unpacked extension folder or a \.crx file\)$/m],
    ['empty', /^grid-run: --extension empty: empty\/manifest\.json is missing \(expected an unpacked extension folder with a manifest\.json\)$/m],
    ['broken', /^grid-run: --extension: broken\/manifest\.json is not valid JSON \(/m],
    ['nameless', /^grid-run: --extension: nameless\/manifest\.json: expected "name", a non-empty string \(an extension manifest\)$/m],
    ['fake.crx', /^grid-run: --extension fake\.crx: not a CRX3 file \(expected "Cr24", version 3, as Chromium packs extensions\)$/m],
  ];
  for (const [path, message] of cases) {
    it(`${path}: exit 2 naming the file and what was expected, before any browser starts`, async () => {
      const r = await runCli(['run', '--sites', join(repo, 'examples/sites.jsonl'), '--extension', path], { cwd: dir });
      assert.equal(r.code, 2, r.stderr);
      assert.match(r.stderr, message);
      assert.doesNotMatch(r.stderr, /starting a local grid|at .*\.ts:\d+/);
    });
  }
});

describe('--extension with real browsers', function () {
  this.timeout(600_000);
  let dir: string;
  before(async () => {
    dir = await tempDir('grid-run-ext-');
  });

  it('dry-run: the example extension is the detector through a local chromedriver (README)', async () => {
    const r = await runCli(['dry-run', 'examples/sites/login.html', '--extension', example, '--screenshot', join(dir, 'shots')], { cwd: repo });
    assert.equal(r.code, 0, r.stderr + r.stdout);
    assert.match(r.stdout, /^detected +login form, step full \(confidence 0\.90\)$/m);
    assert.match(r.stdout, /^username +#email$/m);
    assert.match(r.stdout, /^signals +visible password field, username before it$/m);
    assert.match(r.stdout, /^detector +Example sign-in \(extension, examples\/extension, version 1\.0\.0, sha256 [0-9a-f]{12}\)$/m);
  });

  it('dry-run: a site of the example list, its expect.present met by the injected button', async () => {
    const r = await runCli(['dry-run', 'example/late-login', '--sites', 'examples/sites.jsonl', '--extension', example, '--screenshot', join(dir, 'shots')], { cwd: repo });
    assert.equal(r.code, 0, r.stderr + r.stdout);
    assert.match(r.stdout, /^verdict +passed: every expectation met$/m);
  });

  it('run on the embedded grid: every site of the example list passes, each result names the extension (README)', async () => {
    const out = join(dir, 'embedded');
    const r = await runCli(
      ['run', '--extension', example, '--sites', 'examples/sites.jsonl', '--nodes', '1', '--slots', '2', '--results', join(out, 'results.json'), '--junit', join(out, 'junit.xml'), '--report', join(out, 'report')],
      { cwd: repo },
    );
    assert.equal(r.code, 0, r.stderr + r.stdout.slice(-2000));
    const { results } = await readResults(join(out, 'results.json'));
    assert.deepEqual(results.map((x) => [x.id, x.status]).sort((a, b) => a[0]!.localeCompare(b[0]!)), [['example/late-login', 'passed'], ['example/login', 'passed'], ['example/signup', 'passed']]);
    for (const x of results) {
      assert.equal(x.detector?.kind, 'extension');
      assert.equal(x.detector?.name, 'Example sign-in');
      assert.equal(x.detector?.version, '1.0.0');
      assert.match(x.detector?.sha256 ?? '', /^[0-9a-f]{64}$/);
    }
    assert.equal((await readJUnit(join(out, 'junit.xml'))).cases.length, 3);
  });

  it('eval --extension judges the answers: the example finds every login, a silent extension none (README)', async () => {
    const counts = async (extension: string) => {
      const json = join(dir, `eval-${extension.replaceAll('/', '_')}.json`);
      const r = await runCli(['eval', '--sites', 'examples/sites.jsonl', '--extension', extension, '--extension-timeout', '3000', '--json', json, '--concurrency', '1'], { cwd: repo });
      assert.equal(r.code, 0, r.stderr + r.stdout);
      const { overall } = JSON.parse(await readFile(json, 'utf8')) as { overall: Record<string, number> };
      return [overall.tp, overall.fp, overall.fn, overall.tn];
    };
    assert.deepEqual(await counts(example), [2, 0, 0, 1]);
    assert.deepEqual(await counts(silent), [0, 0, 2, 1]);
  });

  it('eval --extension --detector builtin: both judged on the same page loads, the extension first (docs)', async () => {
    const json = join(dir, 'eval-both.json');
    const r = await runCli(['eval', '--extension', example, '--detector', 'builtin', '--sites', 'examples/sites.jsonl', '--json', json, '--concurrency', '1'], { cwd: repo });
    assert.equal(r.code, 0, r.stderr + r.stdout);
    const { detectors } = JSON.parse(await readFile(json, 'utf8')) as { detectors: { detector: { name: string; kind: string }; overall: Record<string, number> }[] };
    assert.deepEqual(detectors.map((d) => [d.detector.kind, d.detector.name]), [['extension', 'Example sign-in'], ['builtin', 'builtin']]);
    assert.deepEqual(detectors.map((d) => d.overall.pages), [3, 3]);
    assert.deepEqual([detectors[0]!.overall.tp, detectors[0]!.overall.tn], [2, 1]);
  });

  describe('a --grid hub with nodes that cannot run extensions', () => {
    let grid: LocalGrid;
    let hub: HttpHubClient;
    let oldNode: string;
    // A node as other images and older grid-run nodes are: extensions disabled, no capability.
    const withoutExtensions = async (slots: number) =>
      (await renderNodeConfig(slots)).replace('  "grid-run:extensions": true,\n', '').replace('"--disable-default-apps",', '"--disable-default-apps",\n      "--disable-extensions",');
    const nodesUp = (count: number) =>
      waitFor(async () => ((await hub.status()).nodes.filter((n) => n.availability === 'UP').length >= count ? true : undefined), { what: `${count} node(s)`, timeoutMs: 90_000, intervalMs: 300 });
    const run = (name: string, extension: string, extra: string[] = []) => {
      const out = join(dir, name);
      return runCli(
        ['run', '--grid', grid.hubUrl, '--extension', extension, '--sites', 'examples/sites.jsonl', '--results', join(out, 'results.json'), '--junit', join(out, 'junit.xml'), '--report', join(out, 'report'), ...extra],
        { cwd: repo },
      ).then(async (r) => ({ ...r, results: r.code === 3 ? [] : (await readResults(join(out, 'results.json'))).results }));
    };

    before(async () => {
      grid = await startLocalGrid({ nodes: 0, slots: 1, port: 0, stateDir: join(dir, 'grid') });
      hub = new HttpHubClient(grid.hubUrl);
      const config = await withoutExtensions(2);
      assert.ok(!config.includes('"grid-run:extensions"') && config.includes('"--disable-extensions"'));
      oldNode = `http://127.0.0.1:${(await grid.addNode(2, config)).port}`;
      await nodesUp(1);
    });
    after(async () => grid?.stop());

    it('with no node that can, the run stops before any site (exit 3), naming the capability', async () => {
      const r = await run('none', example);
      assert.equal(r.code, 3, r.stderr);
      assert.match(r.stderr, /no node of the grid at http:\/\/127\.0\.0\.1:\d+ can run extensions: none has grid-run:extensions: true in its stereotype/);
    });

    const evalCounts = async (name: string) => {
      const json = join(dir, `eval-${name}.json`);
      const r = await runCli(['eval', '--grid', grid.hubUrl, '--extension', example, '--sites', 'examples/sites.jsonl', '--json', json, '--concurrency', '2', '--report', join(dir, `eval-${name}`), '--results', join(dir, `eval-${name}.results.json`)], { cwd: repo });
      if (r.code !== 0) return { ...r, counts: [] };
      const { overall } = JSON.parse(await readFile(json, 'utf8')) as { overall: Record<string, number> };
      return { ...r, counts: [overall.tp, overall.fp, overall.fn, overall.tn] };
    };

    it('eval --grid with no node that can: exit 3 before any page, naming the capability', async () => {
      const r = await evalCounts('none');
      assert.equal(r.code, 3, r.stderr);
      assert.match(r.stderr, /^grid-run: no node of the grid at http:\/\/127\.0\.0\.1:\d+ can run extensions: none has grid-run:extensions: true in its stereotype/m);
      assert.equal((await hub.status()).nodes.flatMap((n) => n.sessionIds).length, 0, 'no session was opened');
    });

    it('with both kinds, every site runs on the node that can (the others are refused)', async () => {
      const newNode = `http://127.0.0.1:${(await grid.addNode(1)).port}`;
      await nodesUp(2);
      const r = await run('mixed', example, ['--concurrency', '2']);
      assert.equal(r.code, 0, r.stderr + r.stdout.slice(-2000));
      assert.equal(r.results.length, 3);
      assert.deepEqual([...new Set(r.results.map((x) => x.node))], [newNode], `not on ${oldNode}`);
    });

    it('eval --grid with both kinds: every page is answered by the extension (sessions on the other node are refused)', async () => {
      const r = await evalCounts('mixed');
      assert.equal(r.code, 0, r.stderr + r.stdout);
      assert.deepEqual(r.counts, [2, 0, 0, 1]);
    });

    it('an extension that never answers fails its sites with the contract and the timeout named', async () => {
      const r = await run('silent', silent, ['--extension-timeout', '500', '--grep', 'example/login']);
      assert.equal(r.code, 1, r.stderr);
      assert.equal(r.results.length, 1);
      assert.equal(r.results[0]!.status, 'failed');
      assert.match(r.results[0]!.message ?? '', /^detector Silent: no answer from the extension within --extension-timeout 500 ms: the grid-run extension contract/);
      assert.equal(r.results[0]!.detector?.name, 'Silent');
    });
  });
});
