// `sweep --provider docker` on a real engine: only containers of runs whose process is gone
// go; a live run's and a scale-nodes pool's stay. `scale-nodes` says when it sees leftovers.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { DockerodeEngine } from '../../src/nodes/docker/engine.ts';
import { labels } from '../../src/nodes/provider.ts';
import { defaultNodeImage } from '../../src/nodes/image.ts';
import { currentOwner } from '../../src/reaper/owner.ts';
import { runCli } from '../helpers/cli.ts';

describe('sweep --provider docker (real engine)', function () {
  this.timeout(300_000);
  const engine = new DockerodeEngine(process.env);
  const pool = `sweep${process.pid}`;
  const inPool = () => engine.list({ [labels.pool]: pool });

  /** A container that exits at once: only its labels matter. */
  const container = (name: string, extra: Record<string, string>) =>
    engine.createAndStart({
      name: `grid-run-${pool}-${name}`,
      image: defaultNodeImage, // with no event bus given its entrypoint exits at once
      env: {},
      labels: { [labels.managedBy]: 'grid-run', [labels.pool]: pool, [labels.runId]: `run-${name}`, ...extra },
      shmSizeBytes: 64 * 1024 ** 2,
      networkMode: 'host',
    });

  after(async () => {
    for (const c of await inPool()) await engine.remove(c.id, 0);
  });

  it('removes the containers of a run whose process is gone, and nothing else', async () => {
    await engine.ping();
    const child = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 60000)']);
    await new Promise((r) => child.once('spawn', r));
    const deadOwner = currentOwner(child.pid);
    child.kill('SIGKILL');
    await new Promise((r) => child.once('exit', r));
    const dead = await container('dead', { [labels.owner]: deadOwner });
    const live = await container('live', { [labels.owner]: currentOwner() });
    const scaled = await container('scaled', {});

    const notice = await runCli(['scale-nodes', '0', '--provider', 'docker', '--hub', 'http://127.0.0.1:9', '--pool', `${pool}-empty`]);
    assert.equal(notice.code, 0, notice.stderr);
    assert.match(notice.stderr, /docker node\(s\) of \d+ earlier run\(s\) whose process is gone \(.*run-dead.*\) are still there; `grid-run sweep --provider docker` removes them/);

    const r = await runCli(['sweep', '--provider', 'docker', '--pool', pool]);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /sweep docker: removed 1 node\(s\) of runs whose process is gone/);
    assert.match(r.stdout, new RegExp(`removed docker node ${dead.slice(0, 12)}.* \\(pool ${pool}, run run-dead, pid ${child.pid} on `));
    assert.deepEqual((await inPool()).map((c) => c.id).sort(), [live, scaled].sort());
  });

  it('refuses a bad --older-than and a missing --provider with exit 2', async () => {
    const bad = await runCli(['sweep', '--provider', 'docker', '--older-than', '2 weeks']);
    assert.equal(bad.code, 2);
    assert.match(bad.stderr, /--older-than "2 weeks": expected a whole number and a unit/);
    const none = await runCli(['sweep']);
    assert.equal(none.code, 2);
    assert.match(none.stderr, /sweep needs --provider docker or --provider ec2/);
  });
});
