// The example extension on Docker nodes: the CRX travels in the session request, so the
// containers need nothing but the node image (whose stereotype allows extensions).
// Needs `bash grid/docker-setup.sh` first (`npm run test:docker` does it); GRID_RUN_NODE_IMAGE
// names another build of the image (as docker-setup.sh takes it).
import assert from 'node:assert/strict';
import { join, resolve } from 'node:path';
import { DockerodeEngine } from '../../src/nodes/docker/engine.ts';
import { defaultNodeImage } from '../../src/nodes/create.ts';
import { runCli } from '../helpers/cli.ts';
import { readResults } from '../helpers/run-outputs.ts';
import { tempDir } from '../helpers/temp.ts';

describe('run --extension on Docker nodes (real engine)', function () {
  this.timeout(600_000);
  const engine = new DockerodeEngine(process.env);
  const image = process.env.GRID_RUN_NODE_IMAGE || defaultNodeImage;
  const pool = `ext${process.pid}`;
  const repo = resolve(import.meta.dirname, '../..');
  let dir: string;

  before(async () => {
    await engine.ping();
    assert.ok(await engine.hasImage(image), `${image} is missing: run \`bash grid/docker-setup.sh\``);
    dir = await tempDir('grid-run-ext-docker-');
  });
  after(async () => {
    for (const c of await engine.list({ 'grid-run.pool': pool })) await engine.remove(c.id, 0);
  });

  it('every site of the example list passes with the example extension loaded in the containers', async () => {
    const r = await runCli(
      ['run', '--provider', 'docker', '--image', image, '--nodes', '1', '--slots', '2', '--pool', pool, '--extension', 'examples/extension', '--sites', 'examples/sites.jsonl',
        '--results', join(dir, 'results.json'), '--junit', join(dir, 'junit.xml'), '--report', join(dir, 'report'), '--screenshots', 'none'],
      { cwd: repo, env: { PATH: process.env.PATH, CI: 'true' } },
    );
    assert.equal(r.code, 0, `${r.stderr}\n${r.stdout.slice(-2000)}`);
    const { results } = await readResults(join(dir, 'results.json'));
    assert.deepEqual(results.map((x) => [x.id, x.status]).sort((a, b) => a[0]!.localeCompare(b[0]!)), [['example/late-login', 'passed'], ['example/login', 'passed'], ['example/signup', 'passed']]);
    assert.ok(results.every((x) => x.detector?.kind === 'extension' && x.detector.name === 'Example sign-in'));
    assert.deepEqual(await engine.list({ 'grid-run.pool': pool }), [], 'the run removed its container');
  });
});
