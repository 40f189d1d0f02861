// grid-run in CI, end to end on a real local Selenium Grid with headless Chromium: GitHub
// annotations and job summary, JUnit as Jenkins and GitLab read it (checked with
// python3-junitparser), known failures, --last-failed and shards.
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { readFile, stat, writeFile } from 'node:fs/promises';
import { isAbsolute, join } from 'node:path';
import { startLocalGrid, type LocalGrid } from '../../src/grid/local-grid.ts';
import { HttpHubClient } from '../../src/grid/hub-client.ts';
import { waitFor } from '../../src/wait.ts';
import { SUMMARY_LIMIT_BYTES } from '../../src/report/github.ts';
import { runCli } from '../helpers/cli.ts';
import { parseWithJunitparser } from '../helpers/junitparser.ts';
import { serveLoginPages, type CountingServer } from '../helpers/pages.ts';
import { readResults, tally, writeList } from '../helpers/run-outputs.ts';
import { tempDir } from '../helpers/temp.ts';

const env = (extra: NodeJS.ProcessEnv = {}) => ({ PATH: process.env.PATH, CI: 'true', ...extra });

describe('grid-run run in CI (real grid)', function () {
  this.timeout(600_000);
  let pages: CountingServer;
  let grid: LocalGrid;
  let githubDir: string;
  before(async () => {
    pages = await serveLoginPages({ delayMs: 10 });
    grid = await startLocalGrid({ nodes: 1, slots: 2, port: 0, stateDir: await tempDir('grid-run-ci-grid-') });
    // The GitHub case's folder, which the --last-failed case reads after it.
    githubDir = await tempDir('grid-run-ci-github-');
  });
  after(async () => {
    await grid?.stop();
    await pages?.close();
  });
  // Each case is a CI job of its own: it starts on an idle grid, not one whose node has yet to
  // report the previous run's sessions as closed (grid-run then refuses a grid with no free slot).
  beforeEach(async () => {
    const hub = new HttpHubClient(grid.hubUrl, { timeoutMs: 2000 });
    await waitFor(async () => ((await hub.summary()).freeSlots === 2 ? true : undefined), { what: 'both slots of the test grid free', timeoutMs: 60_000, intervalMs: 200 });
  });

  // Every page is a login form: `login: false` fails, `login: true` passes.
  const failing = () => Array.from({ length: 15 }, (_, i) => ({ id: `ci/fail-${String(i).padStart(2, '0')}`, url: `${pages.url}/login?f${i}`, expect: { login: false } }));
  const passing = () => Array.from({ length: 5 }, (_, i) => ({ id: `ci/pass-${i}`, url: `${pages.url}/login?p${i}`, expect: { login: true }, locale: i % 2 ? 'fr' : 'de' }));
  it('on GitHub Actions: 10 error annotations and one notice for 15 failures, a job summary under 1 MiB, JUnit that junitparser reads', async () => {
    const list = await writeList(githubDir, [
      ...failing(),
      ...passing(),
      { id: 'ci/known-failing', url: `${pages.url}/login?k1`, expect: { login: false }, known: 'TICKET-1: the detector takes a sign-up for a login' },
      { id: 'ci/known-fixed', url: `${pages.url}/login?k2`, expect: { login: true }, known: 'TICKET-2: was missed' },
    ]);
    const summaryFile = join(githubDir, 'step-summary.md');
    await writeFile(summaryFile, '# an earlier step\n');
    const r = await runCli(['run', '--grid', grid.hubUrl, '--sites', list, '--concurrency', '2'], {
      cwd: githubDir,
      env: env({ GITHUB_ACTIONS: 'true', GITHUB_STEP_SUMMARY: summaryFile }),
    });
    assert.equal(r.code, 1, `${r.stderr}\n${r.stdout.slice(-3000)}`);

    const lines = r.stdout.split('\n');
    const errors = lines.filter((l) => l.startsWith('::error '));
    assert.equal(errors.length, 10, errors.join('\n'));
    const listText = await readFile(list, 'utf8');
    for (const line of errors) {
      const m = /^::error file=sites\.json,line=(\d+),title=(ci\/fail-\d\d)::failed: login: expected no login form, detected one/.exec(line);
      assert.ok(m, line);
      // The annotation points at the line of the list that declares the site.
      assert.match(listText.split('\n')[Number(m[1]) - 1]!, /^ ?\{/, line);
      assert.ok(listText.split('\n').slice(Number(m[1]) - 1, Number(m[1]) + 2).join('\n').includes(`"${m[2]}"`), line);
    }
    assert.equal(new Set(errors.map((l) => /title=([^:]+)::/.exec(l)![1])).size, 10, 'ten different sites');
    const notices = lines.filter((l) => l.startsWith('::notice '));
    assert.deepEqual(notices, [
      '::notice title=grid-run::5 more site(s) fail the run and are not annotated (GitHub shows 10 per step); all 15 are in junit.xml, report/index.html, results.json and the job summary',
    ]);
    const warnings = lines.filter((l) => l.startsWith('::warning '));
    assert.equal(warnings.length, 1);
    assert.match(warnings[0]!, /^::warning file=sites\.json,line=\d+,title=ci\/known-fixed::fixed: passes now, remove it from the known failures \(TICKET-2: was missed\)$/);

    const markdown = await readFile(summaryFile, 'utf8');
    assert.ok((await stat(summaryFile)).size < SUMMARY_LIMIT_BYTES);
    assert.ok(markdown.startsWith('# an earlier step\n## grid-run: failed\n'), 'appended after what the step wrote before');
    assert.match(markdown, /^\| 22 \| 6 \| 15 \| 0 \| 1 \| 1 \| 0 \| 0 \| [^|]+ \|$/m);
    assert.equal(markdown.match(/^\| `ci\/fail-\d\d` \| failed: login: expected no login form/gm)?.length, 15);
    assert.match(markdown, /^\| `ci\/known-failing` \| still failing \| TICKET-1: the detector takes a sign-up for a login \|$/m);
    assert.match(markdown, /^\| `ci\/known-fixed` \| fixed: remove it from the known failures \| TICKET-2: was missed \|$/m);
    // Labelled sites per locale: 3 de and 2 fr pass; the 17 others have no locale.
    assert.match(markdown, /^\| de \| 3 \| 3 \| 0 \| 0 \| 0 \| 100\.0% \|$/m);
    assert.match(markdown, /^\| fr \| 2 \| 2 \| 0 \| 0 \| 0 \| 100\.0% \|$/m);
    assert.match(markdown, /^\| \(none\) \| 17 \| 1 \| 15 \| 0 \| 1 \| 5\.9% \|$/m);

    const [suite, ...more] = await parseWithJunitparser(join(githubDir, 'junit.xml'));
    assert.equal(more.length, 0);
    assert.deepEqual([suite!.tests, suite!.failures, suite!.errors, suite!.skipped], [22, 15, 0, 1]);
    assert.equal(suite!.properties['known.failing'], '1');
    const byName = new Map(suite!.cases.map((c) => [c.name, c]));
    for (const c of suite!.cases) assert.match(c.time, /^\d+(\.\d{1,3})?$/, `${c.name} time="${c.time}"`);
    assert.match(suite!.time, /^\d+(\.\d{1,3})?$/);
    for (const { id } of failing()) {
      const c = byName.get(id)!;
      assert.deepEqual(c.results.map((x) => [x.tag, x.type]), [['failure', 'DetectionMismatch']], id);
      // The Jenkins junit-attachments / GitLab convention: the screenshot as an absolute path.
      const attachments = [...(c.systemOut ?? '').matchAll(/^\[\[ATTACHMENT\|(.+)\]\]$/gm)].map((m) => m[1]!);
      assert.equal(attachments.length, 1, `${id}: ${c.systemOut}`);
      assert.ok(isAbsolute(attachments[0]!) && existsSync(attachments[0]!), attachments[0]);
    }
    for (const { id } of passing()) assert.deepEqual(byName.get(id)!.results, [], id);
    assert.deepEqual(byName.get('ci/known-failing')!.results, [{ tag: 'skipped', message: 'known failure: TICKET-1: the detector takes a sign-up for a login', type: null }]);
    assert.match(byName.get('ci/known-failing')!.systemOut ?? '', /still failing: login: expected no login form/);
    assert.deepEqual(byName.get('ci/known-fixed')!.results, []);
    assert.match(byName.get('ci/known-fixed')!.systemOut ?? '', /remove it from the known failures/);

    const { results } = await readResults(join(githubDir, 'results.json'));
    assert.deepEqual(results.find((x) => x.id === 'ci/known-failing')!.known, { reason: 'TICKET-1: the detector takes a sign-up for a login', state: 'failing' });
    assert.deepEqual(results.find((x) => x.id === 'ci/known-fixed')!.known, { reason: 'TICKET-2: was missed', state: 'fixed' });
  });

  it('--last-failed runs only the sites that failed there (not its known failures); the dot reporter by default in CI', async () => {
    assert.ok(existsSync(join(githubDir, 'results.json')), 'runs after the GitHub test, on its results.json');
    const r = await runCli(['run', '--grid', grid.hubUrl, '--sites', 'sites.json', '--last-failed', 'results.json', '--results', 'rerun.json', '--junit', 'rerun.xml', '--report', 'rerun'], {
      cwd: githubDir,
      env: env(),
    });
    assert.equal(r.code, 1, `${r.stderr}\n${r.stdout.slice(-3000)}`);
    assert.match(r.stderr, /--last-failed: 15 site\(s\), of the 15 that failed or errored in results\.json/);
    const { results } = await readResults(join(githubDir, 'rerun.json'));
    assert.deepEqual(results.map((x) => x.id).sort(), failing().map((s) => s.id));
    assert.ok(r.stdout.split('\n').includes('F'.repeat(15)), r.stdout);
    assert.ok(!r.stdout.includes('::error'), 'no annotations outside GitHub Actions');
  });

  it('known failures from --known-failures: still failing passes the run, fixed fails it only with --strict-known', async () => {
    const dir = await tempDir('grid-run-ci-known-');
    const list = await writeList(dir, [
      { id: 'known/pass', url: `${pages.url}/login?a`, expect: { login: true } },
      { id: 'known/still-failing', url: `${pages.url}/login?b`, expect: { login: false } },
      { id: 'known/fixed', url: `${pages.url}/login?c`, expect: { login: true } },
    ]);
    await writeFile(join(dir, 'known.txt'), '# site id, then the reason\nknown/still-failing TICKET-7: takes sign-up pages for logins\n\nknown/fixed\tTICKET-8: missed the form\n');
    const args = ['run', '--grid', grid.hubUrl, '--sites', list, '--known-failures', 'known.txt', '--reporter', 'list,junit,json'];
    const lenient = await runCli(args, { cwd: dir, env: env({ GITLAB_CI: 'true', CI_PROJECT_DIR: dir }) });
    assert.equal(lenient.code, 0, `${lenient.stderr}\n${lenient.stdout}`);
    // On GitLab the attachment is a path inside the job's artifacts, relative to $CI_PROJECT_DIR.
    const [gitlab] = await parseWithJunitparser(join(dir, 'junit.xml'));
    const attachment = /^\[\[ATTACHMENT\|(.+)\]\]$/m.exec(gitlab!.cases.find((c) => c.name === 'known/still-failing')!.systemOut ?? '')?.[1];
    assert.match(attachment ?? '', /^report\/screenshots\/[^/]+\.png$/);
    assert.ok(existsSync(join(dir, attachment!)), attachment);
    assert.match(lenient.stdout, /^KNOWN known\/still-failing: known failure \(TICKET-7: takes sign-up pages for logins\), still failing: login: expected no login form/m);
    assert.match(lenient.stdout, /^FIXED known\/fixed: fixed: passes now, remove it from the known failures \(TICKET-8: missed the form\)$/m);
    assert.match(lenient.stdout, /^3 sites: 2 passed, 0 failed, 0 errors, 0 skipped, 0 flaky, 1 known failures, 1 fixed$/m);
    assert.ok(!existsSync(join(dir, 'report', 'index.html')), 'no HTML report: not among --reporter');

    const strict = await runCli([...args, '--strict-known', '--junit', 'strict.xml', '--results', 'strict.json'], { cwd: dir, env: env() });
    assert.equal(strict.code, 1, `${strict.stderr}\n${strict.stdout}`);
    const [suite] = await parseWithJunitparser(join(dir, 'strict.xml'));
    const byName = new Map(suite!.cases.map((c) => [c.name, c]));
    assert.deepEqual(byName.get('known/fixed')!.results.map((x) => [x.tag, x.type, x.message]), [
      ['failure', 'FixedKnownFailure', 'fixed: passes now, remove it from the known failures (TICKET-8: missed the form)'],
    ]);
    assert.deepEqual(byName.get('known/still-failing')!.results.map((x) => x.tag), ['skipped']);
    assert.deepEqual([suite!.failures, suite!.skipped], [1, 1]);
  });

  it('shards 1/3, 2/3 and 3/3 cover the list exactly once, balanced by --history, and say which shard they are', async () => {
    const dir = await tempDir('grid-run-ci-shard-');
    const sites = Array.from({ length: 12 }, (_, i) => ({ id: `shard/${String(i).padStart(2, '0')}`, url: `${pages.url}/login?s${i}`, expect: { login: true } }));
    const list = await writeList(dir, sites);
    // One site recorded as 30 s, the others 1 s: balanced by duration, its shard holds it alone.
    const history = Object.fromEntries(sites.map((s, i) => [s.id, i === 7 ? 30_000 : 1000]));
    await writeFile(join(dir, 'history.json'), JSON.stringify({ history }));
    const shares: string[][] = [];
    for (const current of [1, 2, 3]) {
      const r = await runCli(
        ['run', '--grid', grid.hubUrl, '--sites', list, '--shard', `${current}/3`, '--history', 'history.json', '--results', `results-${current}.json`, '--junit', `junit-${current}.xml`, '--reporter', 'dot,junit,json'],
        { cwd: dir, env: env() },
      );
      assert.equal(r.code, 0, `${r.stderr}\n${r.stdout}`);
      const data = (await readResults(join(dir, `results-${current}.json`))) as Awaited<ReturnType<typeof readResults>> & { shard?: unknown };
      assert.deepEqual(data.shard, { current, total: 3 });
      const [suite] = await parseWithJunitparser(join(dir, `junit-${current}.xml`));
      assert.equal(suite!.properties.shard, `${current}/3`);
      assert.deepEqual(suite!.cases.map((c) => c.name), data.results.map((x) => x.id));
      shares.push(data.results.map((x) => x.id));
    }
    assert.deepEqual(tally(sites.map((s) => s.id), shares.flat()), { lost: [], duplicated: [], unknown: [] });
    assert.deepEqual(shares.find((s) => s.includes('shard/07')), ['shard/07']);
    assert.deepEqual(shares.map((s) => s.length).sort((a, b) => a - b), [1, 5, 6]);
  });
});

describe('grid-run run in CI (before any grid)', () => {
  it('a shard with no share writes the reports of an empty run with its shard, and exits 0', async () => {
    const dir = await tempDir('grid-run-ci-empty-');
    const list = await writeList(dir, [1, 2].map((i) => ({ id: `tiny/${i}`, url: `http://127.0.0.1:9/${i}` })));
    const r = await runCli(['run', '--sites', list, '--shard', '3/3', '--reporter', 'json,junit'], { cwd: dir, env: env() });
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stderr, /shard 3\/3: 0 of 2 site\(s\)/);
    const data = (await readResults(join(dir, 'results.json'))) as Awaited<ReturnType<typeof readResults>> & { shard?: unknown };
    assert.deepEqual(data.shard, { current: 3, total: 3 });
    assert.deepEqual(data.results, []);
    const [suite] = await parseWithJunitparser(join(dir, 'junit.xml'));
    assert.equal(suite!.tests, 0);
  });

  it('refuses a bad known-failures file with file:line, a bad --shard and an unknown reporter, exit 2, before anything starts', async () => {
    const dir = await tempDir('grid-run-ci-bad-');
    const list = await writeList(dir, [{ id: 'a/1', url: 'http://127.0.0.1:9/' }, { id: 'a/2', url: 'http://127.0.0.1:9/', known: '  ' }]);
    const badList = await runCli(['run', '--sites', list], { cwd: dir, env: env() });
    assert.equal(badList.code, 2);
    assert.match(badList.stderr, /sites\.json:\d+: known: a known failure's reason, like "TICKET-123: why it fails", got "  "/);

    await writeList(dir, [{ id: 'a/1', url: 'http://127.0.0.1:9/' }, { id: 'a/2', url: 'http://127.0.0.1:9/' }]);
    await writeFile(join(dir, 'known.txt'), 'a/1 TICKET-1: ok\na/1 TICKET-2: twice\nb/9 TICKET-3: gone\na/2\n');
    const r = await runCli(['run', '--sites', list, '--known-failures', 'known.txt'], { cwd: dir, env: env() });
    assert.equal(r.code, 2);
    assert.equal(
      r.stderr,
      'grid-run: known.txt:2: id: each site once, but "a/1" is also at line 1\n' +
        'known.txt:3: id: the id of a site in the lists given, got "b/9"\n' +
        'known.txt:4: reason: a reason after the site id, like "a/2 TICKET-123: why it fails"\n',
    );
    const shard = await runCli(['run', '--sites', list, '--shard', '4/3'], { cwd: dir, env: env() });
    assert.equal(shard.code, 2);
    assert.match(shard.stderr, /--shard: expected CURRENT\/TOTAL with 1 <= CURRENT <= TOTAL, like 1\/3, got "4\/3"/);
    const reporter = await runCli(['run', '--sites', list, '--reporter', 'dot,teamcity'], { cwd: dir, env: env() });
    assert.equal(reporter.code, 2);
    assert.match(reporter.stderr, /--reporter: unknown reporter "teamcity", expected one or more of list, dot, github, junit, html, json/);
    const lastFailed = await runCli(['run', '--sites', list, '--last-failed', 'missing.json'], { cwd: dir, env: env() });
    assert.equal(lastFailed.code, 2);
    assert.match(lastFailed.stderr, /--last-failed: .*missing\.json/);
    assert.ok(!existsSync(join(dir, 'results.json')), 'nothing written');
  });
});
