// `run --provider docker` and `eval --provider docker`: nodes provisioned as real containers for
// one run, joined to the run's embedded hub, and removed at the end, also when the run is interrupted.
// Needs `bash grid/docker-setup.sh` first (`npm run test:docker` does it).
import assert from 'node:assert/strict';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { DockerodeEngine } from '../../src/nodes/docker/engine.ts';
import { defaultNodeImage } from '../../src/nodes/create.ts';
import type { EvalReport } from '../../src/eval/metrics.ts';
import type { SiteResult } from '../../src/types.ts';
import { runCli } from '../helpers/cli.ts';
import { readJUnit } from '../helpers/junit.ts';
import { loginPage } from '../helpers/pages.ts';
import { reaperFinished, spawnGridRun } from '../helpers/processes.ts';
import { tempDir } from '../helpers/temp.ts';

describe('run and eval --provider docker (real engine)', function () {
  this.timeout(600_000);
  const engine = new DockerodeEngine(process.env);
  const pool = `run${process.pid}`;
  let dir: string;
  let list: string;
  const containers = () => engine.list({ 'grid-run.pool': pool });

  before(async () => {
    await engine.ping();
    assert.ok(await engine.hasImage(defaultNodeImage), `${defaultNodeImage} is missing: run \`bash grid/docker-setup.sh\``);
    dir = await tempDir('grid-run-provider-run-');
    // Relative pages: the run's own static server on 127.0.0.1 serves them to the containers
    // (host networking).
    await writeFile(join(dir, 'login.html'), loginPage);
    list = join(dir, 'sites.json');
    await writeFile(list, JSON.stringify(Array.from({ length: 6 }, (_, i) => ({ id: `docker/${i}`, url: `login.html?${i}`, expect: { login: true } }))));
  });

  after(async () => {
    for (const c of await containers()) await engine.remove(c.id, 0);
  });

  /** Runs the CLI while watching the pool; resolves with the run and the most containers seen at once. */
  async function watchedRun(argv: string[], signal?: AbortSignal) {
    let running = true;
    let most = 0;
    const watching = (async () => {
      while (running) {
        most = Math.max(most, (await containers()).length);
        await sleep(250);
      }
    })();
    try {
      return { ...(await runCli(argv, { cwd: dir, env: { PATH: process.env.PATH, CI: 'true' }, signal })), most: () => most };
    } finally {
      running = false;
      await watching;
    }
  }

  it('provisions the nodes for the run, runs every site on them, and removes them after', async () => {
    const r = await watchedRun(['run', '--provider', 'docker', '--nodes', '2', '--slots', '1', '--pool', pool, '--sites', list, '--screenshots', 'none']);
    assert.equal(r.code, 0, `${r.stderr}\n${r.stdout.slice(-2000)}`);
    assert.match(r.stderr, new RegExp(`provisioning 2 docker node\\(s\\) x 1 slot\\(s\\) in pool ${pool}`));
    assert.equal(r.most(), 2, 'two containers ran during the run');
    const { results } = JSON.parse(await readFile(join(dir, 'results.json'), 'utf8')) as { results: SiteResult[] };
    assert.equal(results.length, 6);
    assert.ok(results.every((x) => x.status === 'passed'), JSON.stringify(results.map((x) => x.message)));
    // The embedded hub had no node of its own: every site ran in a container.
    assert.ok(results.every((x) => /^http:\/\/127\.0\.0\.1:\d+$/.test(x.node ?? '')), 'each result names its node');
    const junit = await readJUnit(join(dir, 'junit.xml'));
    assert.equal(junit.cases.length, 6);
    assert.deepEqual(await containers(), [], 'the run removed the containers it provisioned');
  });

  it('on SIGINT while the nodes come up, removes every container it started and exits 130', async () => {
    const controller = new AbortController();
    const running = watchedRun(['run', '--provider', 'docker', '--nodes', '2', '--slots', '1', '--pool', pool, '--sites', list, '--screenshots', 'none'], controller.signal);
    while ((await containers()).length === 0) await sleep(100);
    controller.abort('SIGINT');
    const r = await running;
    assert.equal(r.code, 130, `${r.stderr}\n${r.stdout.slice(-2000)}`);
    assert.ok(r.most() >= 1);
    assert.deepEqual(await containers(), [], 'nothing provisioned is left behind');
  });

  it('eval --provider docker: provisions the nodes, evaluates every page on them, and removes them after', async () => {
    const r = await watchedRun(['eval', '--provider', 'docker', '--nodes', '2', '--slots', '1', '--pool', pool, '--sites', list, '--json', 'eval.json']);
    assert.equal(r.code, 0, `${r.stderr}\n${r.stdout.slice(-2000)}`);
    assert.match(r.stderr, new RegExp(`provisioning 2 docker node\\(s\\) x 1 slot\\(s\\) in pool ${pool}`));
    assert.equal(r.most(), 2, 'two containers ran during the eval');
    const { overall } = JSON.parse(await readFile(join(dir, 'eval.json'), 'utf8')) as EvalReport;
    assert.deepEqual({ pages: overall.pages, tp: overall.tp, fn: overall.fn }, { pages: 6, tp: 6, fn: 0 });
    const { results } = JSON.parse(await readFile(join(dir, 'eval/results.json'), 'utf8')) as { results: SiteResult[] };
    assert.equal(results.length, 6);
    assert.ok(results.every((x) => /^http:\/\/127\.0\.0\.1:\d+$/.test(x.node ?? '')), 'each page ran on a node of the pool');
    assert.deepEqual(await containers(), [], 'the eval removed the containers it provisioned');
  });

  it('eval: on SIGINT while the nodes come up, removes every container it started and exits 130', async () => {
    const controller = new AbortController();
    const running = watchedRun(['eval', '--provider', 'docker', '--nodes', '2', '--slots', '1', '--pool', pool, '--sites', list], controller.signal);
    while ((await containers()).length === 0) await sleep(100);
    controller.abort('SIGINT');
    const r = await running;
    assert.equal(r.code, 130, `${r.stderr}\n${r.stdout.slice(-2000)}`);
    assert.match(r.stderr, /interrupted \(SIGINT\) while the docker nodes were being provisioned: no page was evaluated/);
    assert.deepEqual(await containers(), [], 'nothing provisioned is left behind');
  });

  it('SIGKILL of the CLI mid-run: its reaper removes the containers of the run within 30 s', async () => {
    const temp = await tempDir('grid-run-provider-kill-');
    const run = spawnGridRun(['run', '--provider', 'docker', '--nodes', '1', '--slots', '1', '--pool', pool, '--sites', list, '--screenshots', 'none'], { cwd: dir, tmpdir: temp });
    while ((await containers()).length === 0) await sleep(100);
    run.child.kill('SIGKILL');
    await run.exited;
    const deadline = Date.now() + 30_000;
    while ((await containers()).length > 0 && Date.now() < deadline) await sleep(500);
    assert.deepEqual(await containers(), [], `no container of the run 30 s after the kill\n${run.output().slice(-2000)}`);
    assert.equal(await reaperFinished(temp), 'reaped');
  });
});
