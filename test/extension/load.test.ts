// Packing an extension folder: the same files give the same .crx, byte for byte, whatever the
// checkout's mtimes, modes and directory order; a changed file gives another.
import assert from 'node:assert/strict';
import { chmod, cp, mkdir, readFile, readdir, utimes, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import JSZip from 'jszip';
import { loadExtensions } from '../../src/extension/load.ts';
import { tempDir } from '../helpers/temp.ts';

const example = resolve(import.meta.dirname, '../../examples/extension');

describe('packing an extension folder', function () {
  this.timeout(60_000);
  let dir: string;
  before(async () => {
    dir = await tempDir('grid-run-pack-');
    // Copy one: the example as it is. Copy two: its files written in reverse order, a day older, other modes.
    await cp(example, join(dir, 'one'), { recursive: true });
    await mkdir(join(dir, 'two'));
    const names = (await readdir(example)).sort().reverse();
    for (const name of names) {
      const file = join(dir, 'two', name);
      await writeFile(file, await readFile(join(example, name)));
      await chmod(file, 0o600);
      await utimes(file, new Date(Date.now() - 86_400_000), new Date(Date.now() - 86_400_000));
    }
    await cp(example, join(dir, 'changed'), { recursive: true });
    await writeFile(join(dir, 'changed', 'content.js'), `${await readFile(join(example, 'content.js'), 'utf8')}\n`);
  });

  it('packs the same files twice into byte-identical .crx files with one sha256', async () => {
    const [a, b, c] = await loadExtensions(['one', 'one', 'two'], dir);
    assert.equal(a!.crx, b!.crx, 'the same folder packed twice');
    assert.equal(a!.crx, c!.crx, 'a copy with other mtimes, modes and write order');
    assert.equal(a!.identity.sha256, c!.identity.sha256);
  });

  it('gives a folder with one changed file another sha256', async () => {
    const [a, changed] = await loadExtensions(['one', 'changed'], dir);
    assert.notEqual(a!.identity.sha256, changed!.identity.sha256);
  });

  it('holds every file once, sorted, under the zip format’s first date', async () => {
    const [a] = await loadExtensions(['one'], dir);
    const crx = Buffer.from(a!.crx, 'base64');
    const zip = await JSZip.loadAsync(crx.subarray(12 + crx.readUInt32LE(8)));
    const entries = Object.values(zip.files);
    assert.deepEqual(entries.map((f) => f.name), (await readdir(example)).sort());
    for (const f of entries) assert.equal(f.date.toISOString(), '1980-01-01T00:00:00.000Z', f.name);
  });
});
