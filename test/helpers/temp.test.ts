import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { promisify } from 'node:util';
import { tempDir, tempDirEach } from './temp.ts';

describe('tempDir', () => {
  let ofSuite: string;
  let ofFirstTest: string;
  const each = tempDirEach('grid-run-temp-each-');
  const seenEach: string[] = [];
  before(async () => {
    ofSuite = await tempDir('grid-run-temp-suite-');
  });

  it('makes an empty folder, named by its prefix', async () => {
    ofFirstTest = await tempDir('grid-run-temp-test-');
    assert.match(ofFirstTest, /grid-run-temp-test-[^/]+$/);
    assert.ok(existsSync(ofFirstTest));
    seenEach.push(each.path);
  });

  it("removes a test's folder after that test, and keeps the suite's for the run", () => {
    assert.ok(!existsSync(ofFirstTest), `${ofFirstTest} is gone`);
    assert.ok(existsSync(ofSuite), `${ofSuite} is still there`);
    seenEach.push(each.path);
  });

  it('gives each test a fresh tempDirEach folder and removes the last one', () => {
    assert.equal(seenEach.length, 2);
    assert.notEqual(seenEach[0], seenEach[1]);
    assert.ok(!existsSync(seenEach[0]!) && !existsSync(seenEach[1]!), 'both earlier folders are gone');
    assert.ok(existsSync(each.path));
  });
});

describe('tempDir, at the end of a mocha run', () => {
  it("has removed the suite's folders as well as the test's", async () => {
    const { stdout } = await promisify(execFile)(process.execPath, ['node_modules/mocha/bin/mocha.js', 'test/fixtures/temp/suite-folders.spec.ts']);
    const made = [...stdout.matchAll(/^made (.+)$/gm)].map((m) => m[1]!);
    assert.equal(made.length, 2, stdout);
    for (const dir of made) assert.ok(!existsSync(dir), `${dir} is gone`);
  });
});
