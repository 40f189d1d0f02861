// Temporary folders of the tests, each removed by mocha's root hooks: one made during a test
// (its beforeEach and afterEach hooks included) after that test, pass or fail; one made in a
// suite's before hook after the whole run, once every suite's after hook has stopped what wrote there.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

let inTest = false;
const ofTest: string[] = [];
const ofRun: string[] = [];

/** A new empty folder under the system's temporary folder, named `prefix` and a random suffix. */
export async function tempDir(prefix: string): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), prefix));
  (inTest ? ofTest : ofRun).push(dir);
  return dir;
}

/** A fresh folder for each test of the calling `describe`, made before it and removed after it. */
export function tempDirEach(prefix: string): { readonly path: string } {
  const holder = { path: '' };
  beforeEach(async () => {
    holder.path = await tempDir(prefix);
  });
  return holder;
}

async function removeAll(dirs: string[]): Promise<void> {
  // A browser or server stopped a moment ago may still be closing a file in there: rm retries.
  await Promise.all(dirs.splice(0).map((dir) => rm(dir, { recursive: true, force: true, maxRetries: 5 })));
}

// Imported while mocha loads the spec files, so these are hooks of the root suite: the root's
// beforeEach runs before any suite's and its afterEach after every suite's.
beforeEach(() => {
  inTest = true;
});
afterEach(async () => {
  inTest = false;
  await removeAll(ofTest);
});
after(() => removeAll(ofRun));
