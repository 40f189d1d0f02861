// `grid-run/detect` as a user's project sees it: installed as a package, the example detector
// type-checks under an ordinary tsconfig (no TypeScript-source imports allowed), through the
// package's `exports` and its declared types.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { copyFile, mkdir, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { tempDir } from '../helpers/temp.ts';

const repo = fileURLToPath(new URL('../..', import.meta.url));
const tsc = join(repo, 'node_modules/typescript/bin/tsc');

describe('the grid-run/detect package entry', function () {
  this.timeout(120_000);
  let dir: string;
  before(async () => {
    dir = await tempDir('grid-run-user-project-');
    await mkdir(join(dir, 'node_modules'));
    await symlink(repo, join(dir, 'node_modules/grid-run'));
  });

  const check = async (source: string) => {
    await copyFile(source, join(dir, 'mine.ts'));
    const compilerOptions = { target: 'es2022', module: 'esnext', moduleResolution: 'bundler', strict: true, noEmit: true, lib: ['es2022', 'dom', 'dom.iterable'], types: [] };
    await writeFile(join(dir, 'tsconfig.json'), JSON.stringify({ compilerOptions, files: ['mine.ts'] }));
    return promisify(execFile)(process.execPath, [tsc, '-p', dir]).then(
      () => '',
      (err: { stdout: string }) => err.stdout,
    );
  };

  it('type-checks the example detector in a user project', async () => {
    assert.equal(await check(join(repo, 'examples/detector/detector.ts')), '');
  });

  it('and refuses a detector that answers the wrong type', async () => {
    const wrong = join(dir, 'wrong-source.ts');
    await writeFile(wrong, "import type { Detection } from 'grid-run/detect';\nexport function detect(): Detection {\n  return { login: 'yes', step: 'full', username: null, password: null, submit: null, confidence: 1, signals: [] };\n}\n");
    assert.match(await check(wrong), /mine\.ts\(3,12\): error TS2322: Type 'string' is not assignable to type 'boolean'/);
  });
});
