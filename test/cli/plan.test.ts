// `grid-run plan` and the site filters it shares with `run`, in-process.
import assert from 'node:assert/strict';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { runCli } from '../helpers/cli.ts';
import { tempDir } from '../helpers/temp.ts';

type PlanJson = { sites: number; withHistory: number; slots: number; lowerBoundMs: number; chunks: { index: number; siteIds: string[]; estimatedMs: number }[] };

describe('grid-run plan', () => {
  let dir: string;
  before(async () => {
    dir = await tempDir('grid-run-plan-');
    const sites = [
      { id: 'shop/login', url: 'https://shop.example/login', tags: ['form'], locale: 'en' },
      { id: 'shop/signup', url: 'https://shop.example/signup', tags: ['signup'], locale: 'en' },
      { id: 'bank/login-pt', url: 'https://bank.example/entrar', tags: ['form', 'i18n'], locale: 'pt-BR' },
      { id: 'bank/slow', url: 'https://bank.example/slow', tags: ['i18n'], locale: 'de' },
      { id: 'news/home', url: 'https://news.example/', tags: [] },
    ];
    await writeFile(join(dir, 'sites.json'), JSON.stringify(sites, null, 1));
    const history = { format: 'grid-run/results@1', results: [], history: { 'bank/slow': 9000, 'shop/login': 3000, 'shop/signup': 1000 } };
    await writeFile(join(dir, 'history.json'), JSON.stringify(history));
  });

  const plan = async (...args: string[]) => {
    const r = await runCli(['plan', '--sites', 'sites.json', '--json', ...args], { cwd: dir });
    assert.equal(r.code, 0, r.stderr);
    return JSON.parse(r.stdout) as PlanJson;
  };

  it('balances by recorded duration, longest first, and is the same every time', async () => {
    const first = await plan('--history', 'history.json', '--chunks', '2');
    assert.equal(first.withHistory, 3);
    // 9 s alone; 3 + 2 (unseen, default) + 2 + 1 on the other chunk.
    assert.deepEqual(first.chunks.map((c) => c.siteIds), [['bank/slow'], ['shop/login', 'bank/login-pt', 'news/home', 'shop/signup']]);
    assert.deepEqual(first.chunks.map((c) => c.estimatedMs), [9000, 8000]);
    assert.deepEqual(await plan('--history', 'history.json', '--chunks', '2'), first);
  });

  it('splits by count without history, and by --chunk-size', async () => {
    assert.deepEqual((await plan('--chunks', '2')).chunks.map((c) => c.siteIds.length), [3, 2]);
    assert.deepEqual((await plan('--chunk-size', '2')).chunks.map((c) => c.siteIds.length), [2, 2, 1]);
  });

  it('narrows the sites by --grep, --grep-invert, --tag and --locale', async () => {
    const ids = (p: PlanJson) => p.chunks.flatMap((c) => c.siteIds).sort();
    assert.deepEqual(ids(await plan('--grep', '^shop/')), ['shop/login', 'shop/signup']);
    assert.deepEqual(ids(await plan('--grep', '@form', '--grep-invert', '@i18n')), ['shop/login']);
    assert.deepEqual(ids(await plan('--tag', 'i18n', 'signup')), ['bank/login-pt', 'bank/slow', 'shop/signup']);
    assert.deepEqual(ids(await plan('--locale', 'pt')), ['bank/login-pt']);
  });

  it('prints the chunks for a person', async () => {
    const r = await runCli(['plan', '--sites', 'sites.json', '--history', 'history.json', '--concurrency', '2'], { cwd: dir });
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /^5 sites in 2 chunks for 2 slots, balanced by recorded duration \(3 of 5 sites; others count 2 s\)$/m);
    assert.match(r.stdout, /^ {2}chunk 1: 1 sites, ~9\.0 s: bank\/slow$/m);
    assert.match(r.stdout, /no schedule on 2 slots can take less than ~9\.0 s/);
  });

  for (const command of ['plan', 'run']) {
    it(`${command}: a filter that keeps no site is bad input (exit 2) and nothing starts`, async () => {
      const r = await runCli([command, '--sites', 'sites.json', '--tag', 'nope', '--locale', 'fr'], { cwd: dir });
      assert.equal(r.code, 2);
      assert.match(r.stderr, /none of the 5 sites in sites\.json matches --tag nope, --locale fr/);
      assert.doesNotMatch(r.stderr + r.stdout, /starting a local grid|\n\s+at /);
    });
  }

  it('refuses a --grep that is not a regular expression', async () => {
    const r = await runCli(['run', '--sites', 'sites.json', '--grep', '('], { cwd: dir });
    assert.equal(r.code, 2);
    assert.match(r.stderr, /--grep: not a valid regular expression/);
  });
});
