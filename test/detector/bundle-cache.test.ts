import assert from 'node:assert/strict';
import { readFile, readdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { runInNewContext } from 'node:vm';
import { cachedBuild, type Built } from '../../src/detector/bundle-cache.ts';
import { detectorBundle } from '../../src/detector/bundle.ts';
import { tempDirEach } from '../helpers/temp.ts';

describe('detector bundle: the cache between runs', () => {
  const tmp = tempDirEach('bundle-cache-');

  /** A build of one input file that counts its calls. */
  function counted(input: string): { build: () => Promise<Built>; calls: () => number } {
    let calls = 0;
    return {
      build: async () => {
        calls++;
        return { text: `built from ${await readFile(input, 'utf8')}`, inputs: [input] };
      },
      calls: () => calls,
    };
  }

  it('builds once for the same sources and options, again when a source or the options change', async () => {
    const input = join(tmp.path, 'a.ts');
    const dir = join(tmp.path, 'cache');
    await writeFile(input, 'one');
    const b = counted(input);
    assert.equal(await cachedBuild('salt', b.build, dir), 'built from one');
    assert.equal(await cachedBuild('salt', b.build, dir), 'built from one');
    assert.equal(b.calls(), 1);
    await writeFile(input, 'two');
    assert.equal(await cachedBuild('salt', b.build, dir), 'built from two');
    assert.equal(b.calls(), 2);
    assert.equal(await cachedBuild('other options', b.build, dir), 'built from two');
    assert.equal(b.calls(), 3);
  });

  it('builds when the cache cannot be written, and when an entry is damaged', async () => {
    const input = join(tmp.path, 'a.ts');
    await writeFile(input, 'one');
    const notADir = join(tmp.path, 'file');
    await writeFile(notADir, '');
    const b = counted(input);
    assert.equal(await cachedBuild('salt', b.build, notADir), 'built from one');
    assert.equal(await cachedBuild('salt', b.build, notADir), 'built from one');
    assert.equal(b.calls(), 2);
    const dir = join(tmp.path, 'cache');
    await cachedBuild('salt', b.build, dir);
    const [entry] = await readdir(dir);
    await writeFile(join(dir, entry!), '{"key":');
    assert.equal(await cachedBuild('salt', b.build, dir), 'built from one');
    assert.equal(b.calls(), 4);
  });

  it("the detector's bundle is the detector's entry built (its functions on the global)", async () => {
    const source = await detectorBundle();
    assert.match(source, /__gridRunDetector/);
    const detector = runInNewContext(`${source}; __gridRunDetector`) as { detect?: unknown };
    assert.equal(typeof detector.detect, 'function');
  });
});
