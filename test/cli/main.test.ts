import assert from 'node:assert/strict';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { runCli } from '../helpers/cli.ts';
import { tempDir } from '../helpers/temp.ts';

describe('the CLI', () => {
  it('prints help listing every command, exit 0', async () => {
    const { code, stdout } = await runCli(['--help']);
    assert.equal(code, 0);
    for (const command of ['dry-run', 'grid']) assert.match(stdout, new RegExp(`^  ${command}\\b`, 'm'));
  });

  it("prints package.json's version for --version, exit 0", async () => {
    const pkg = JSON.parse(await readFile(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string };
    const { code, stdout } = await runCli(['--version']);
    assert.equal(code, 0);
    assert.equal(stdout, `${pkg.version}\n`);
  });

  it('prints help for a nested command', async () => {
    const { code, stdout } = await runCli(['grid', 'up', '--help']);
    assert.equal(code, 0);
    assert.match(stdout, /--nodes <n>/);
    assert.match(stdout, /Example:/);
  });

  it('refuses an unknown command with exit 2 and says which', async () => {
    const { code, stderr } = await runCli(['frobnicate']);
    assert.equal(code, 2);
    assert.match(stderr, /unknown command 'frobnicate'/);
    assert.doesNotMatch(stderr, /\n\s+at /, 'no stack trace');
  });

  it('refuses an unknown option with exit 2', async () => {
    const { code, stderr } = await runCli(['grid', 'up', '--bogus']);
    assert.equal(code, 2);
    assert.match(stderr, /unknown option '--bogus'/);
  });

  it('refuses an out-of-range number with exit 2 and says what was expected', async () => {
    const { code, stderr } = await runCli(['grid', 'up', '--nodes', 'many']);
    assert.equal(code, 2);
    assert.match(stderr, /--nodes.*expected a whole number from 0 to 500/);
  });

  it('reports a bad config file with file:line and exit 2, before starting anything', async () => {
    const dir = await tempDir('grid-run-config-');
    await writeFile(join(dir, 'grid-run.config.json'), '{\n  "nodes": 2,\n  "slots": "four"\n}\n');
    const { code, stderr } = await runCli(['grid', 'up'], { cwd: dir });
    assert.equal(code, 2);
    assert.match(stderr, /grid-run\.config\.json:3: slots: a whole number from 1 to 32/);
    assert.doesNotMatch(stderr, /\n\s+at /);
  });

  it('reports an unknown config key with its line', async () => {
    const dir = await tempDir('grid-run-config-');
    await writeFile(join(dir, 'grid-run.config.json'), '{\n  "nodez": 2\n}\n');
    const { code, stderr } = await runCli(['grid', 'down'], { cwd: dir });
    assert.equal(code, 2);
    assert.match(stderr, /grid-run\.config\.json:2: nodez: a known option/);
  });
});
