// The README's CI section: the grid-run commands of its GitHub Actions workflow and GitLab CI job
// run as written (with the CI's variables filled in) and are accepted. A grid-run.config.json
// narrows the sites to one, so the shard the command takes is empty and no grid is needed.
import assert from 'node:assert/strict';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { runCli } from '../helpers/cli.ts';
import { readResults, writeList } from '../helpers/run-outputs.ts';
import { tempDir } from '../helpers/temp.ts';

const readme = await readFile(new URL('../../README.md', import.meta.url), 'utf8');
const ci = readme.slice(readme.indexOf('\n## CI\n'), readme.indexOf('\n## ', readme.indexOf('\n## CI\n') + 1));
const blocks = [...ci.matchAll(/```yaml\n([\s\S]*?)```/g)].map((m) => m[1]!);

/** `- run: npx grid-run run --a b` -> ['run', '--a', 'b'], with the CI's variables substituted. */
function commands(yaml: string, vars: Record<string, string>): string[][] {
  return yaml
    .split('\n')
    .map((line) => /npx grid-run (.*)$/.exec(line)?.[1])
    .filter((rest): rest is string => rest !== undefined)
    .map((rest) => rest.replace(/\$\{\{ *([\w.]+) *\}\}|\$(\w+)/g, (_, a: string | undefined, b: string | undefined) => {
      const name = (a ?? b)!;
      assert.ok(name in vars, `unknown variable ${name} in ${rest}`);
      return vars[name]!;
    }))
    .map((rest) => rest.trim().split(/\s+/));
}

describe('README CI section', () => {
  it('has a GitHub Actions workflow and a GitLab CI job', () => {
    assert.equal(blocks.length, 2);
    assert.match(blocks[0]!, /^ {6}matrix:\n {8}shard: \[1\/3, 2\/3, 3\/3\]$/m);
    assert.match(blocks[1]!, /^ {2}parallel: 3$/m);
  });

  for (const [name, index, vars, env] of [
    ['GitHub Actions workflow', 0, { 'matrix.shard': '3/3' }, { GITHUB_ACTIONS: 'true' }],
    ['GitLab CI job', 1, { CI_NODE_INDEX: '3', CI_NODE_TOTAL: '3' }, { GITLAB_CI: 'true' }],
  ] as const) {
    it(`the ${name}'s grid-run commands are accepted and write the shard's reports`, async () => {
      const dir = await tempDir('grid-run-readme-ci-');
      await writeList(dir, [{ id: 'one/site', url: 'http://127.0.0.1:9/' }], 'one.json');
      await writeFile(join(dir, 'grid-run.config.json'), JSON.stringify({ sites: ['one.json'] }));
      await writeFile(join(dir, 'known-failures.txt'), 'one/site TICKET-1: an example\n');
      const list = commands(blocks[index]!, vars);
      assert.ok(list.length > 0, 'the block runs grid-run');
      for (const argv of list) {
        const r = await runCli(argv, { cwd: dir, env: { PATH: process.env.PATH, CI: 'true', GITHUB_STEP_SUMMARY: join(dir, 'summary.md'), ...env } });
        assert.equal(r.code, 0, `grid-run ${argv.join(' ')}: ${r.stderr}`);
        assert.match(r.stderr, /shard 3\/3: 0 of 1 site\(s\)/);
        const data = (await readResults(join(dir, 'results.json'))) as { shard?: unknown };
        assert.deepEqual(data.shard, { current: 3, total: 3 });
      }
    });
  }
});
