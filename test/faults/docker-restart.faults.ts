// The Docker engine restarted under a `run --provider docker`: the node container dies with
// it (no restart policy), the sites it was running go back to the queue, no node is left to
// run the rest, so the run ends with exit 3, every site reported once (the unfinished ones as
// errors), and no container of the run is left once the engine is back.
//
// This case stops the shared Docker engine: it runs only when asked to
// (GRID_RUN_FAULTS_DOCKER_RESTART=1), only on an engine that grid/docker-setup.sh started
// (its pid file), and it always starts that engine again, with the same command line.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { closeSync, existsSync, openSync, readFileSync, writeFileSync } from 'node:fs';

import { join } from 'node:path';
import { isAlive } from '../../src/grid/processes.ts';
import { DockerodeEngine } from '../../src/nodes/docker/engine.ts';
import { defaultNodeImage } from '../../src/nodes/create.ts';
import { serveLoginPages, type CountingServer } from '../helpers/pages.ts';
import { spawnGridRun } from '../helpers/processes.ts';
import { writeList } from '../helpers/run-outputs.ts';
import { checkRun } from './check.ts';
import { sleep, waitForProgress } from './grid.ts';
import { tempDir } from '../helpers/temp.ts';

const stateDir = process.env.GRID_RUN_DOCKER_STATE ?? '/var/tmp/grid-run-docker';
const pidFile = join(stateDir, 'dockerd.pid');

/** The dockerd that grid/docker-setup.sh started: its pid and command line. */
function setupEngine(): { pid: number; argv: string[] } {
  assert.ok(existsSync(pidFile), `${pidFile} is missing: this case restarts only an engine grid/docker-setup.sh started`);
  const pid = Number(readFileSync(pidFile, 'utf8').trim());
  const argv = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').filter(Boolean);
  assert.match(argv[0] ?? '', /dockerd$/, `pid ${pid} of ${pidFile} is not a running dockerd`);
  return { pid, argv };
}

async function until(what: string, check: () => Promise<boolean> | boolean, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    assert.ok(Date.now() < deadline, `${what} within ${timeoutMs / 1000} s`);
    await sleep(500);
  }
}

const engine = new DockerodeEngine(process.env);
const answers = () => engine.ping().then(() => true, () => false);

/** Starts the engine again as docker-setup.sh did, and records its new pid where that script does. */
async function startEngine(argv: string[]): Promise<void> {
  if (await answers()) return;
  const fd = openSync(join(stateDir, 'dockerd.log'), 'a');
  const child = spawn(argv[0]!, argv.slice(1), { detached: true, stdio: ['ignore', fd, fd] });
  closeSync(fd);
  child.unref();
  writeFileSync(pidFile, `${child.pid}\n`);
  await until('the Docker engine answers again', answers, 120_000);
}

describe('faults: the Docker engine restarted under run --provider docker', function () {
  this.timeout(900_000);
  let pages: CountingServer;
  let argv: string[] = [];
  before(async function () {
    if (process.env.GRID_RUN_FAULTS_DOCKER_RESTART !== '1') {
      console.log('    (skipped: it stops the shared Docker engine; set GRID_RUN_FAULTS_DOCKER_RESTART=1 to run it)');
      this.skip();
    }
    argv = setupEngine().argv;
    assert.ok(await engine.hasImage(defaultNodeImage), `${defaultNodeImage} is missing: run \`bash grid/docker-setup.sh\``);
    pages = await serveLoginPages({ delayMs: 300 });
  });
  after(async () => {
    if (argv.length > 0) await startEngine(argv);
    await pages?.close();
  });

  it('engine restarted mid-run: exit 3, every site once, no container of the run left', async () => {
    const dir = await tempDir('grid-run-faults-engine-');
    const temp = await tempDir('grid-run-faults-engine-tmp-');
    const pool = `engine${process.pid}`;
    const ids = Array.from({ length: 30 }, (_, i) => `engine/${i}`);
    const list = await writeList(dir, ids.map((id) => ({ id, url: `${pages.url}/login?${id}`, expect: { login: true } })));
    const from = pages.served();
    const run = spawnGridRun(['run', '--provider', 'docker', '--nodes', '1', '--slots', '1', '--pool', pool, '--sites', list, '--screenshots', 'none'], { cwd: dir, tmpdir: temp });
    await waitForProgress(pages.served, from, 3);
    const { pid } = setupEngine();
    process.kill(pid, 'SIGTERM');
    await until('the Docker engine stops', () => !isAlive(pid), 120_000);
    await startEngine(argv);
    const code = await run.exited;
    const { results } = await checkRun('Docker engine restarted mid-run', { dir, ids, code, expectedCodes: [3], output: run.output() });
    assert.ok(results.some((r) => r.status === 'passed'), 'what ran before the restart is reported');
    for (const r of results.filter((x) => x.status !== 'passed')) assert.equal(r.status, 'error', `${r.id}: ${r.message}`);
    await until('no container of the run is left', async () => (await engine.list({ 'grid-run.pool': pool })).length === 0, 30_000);
  });
});
