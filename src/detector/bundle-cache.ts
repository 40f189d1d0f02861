// The detector bundle kept on disk between runs: building it took every run ~35 ms of CPU plus
// esbuild's own process. An entry names the files the build read and the hash of their content
// with the build's options and esbuild's version; any change to them builds anew.
import { createHash } from 'node:crypto';
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** Where the bundles are kept: the project's node_modules/.cache, or $GRID_RUN_CACHE_DIR. */
export function cacheDir(env: NodeJS.ProcessEnv = process.env): string {
  return env.GRID_RUN_CACHE_DIR || fileURLToPath(new URL('../../node_modules/.cache/grid-run/', import.meta.url));
}

type Entry = { key: string; inputs: string[]; text: string };
export type Built = { text: string; inputs: string[] };

async function contentKey(salt: string, inputs: readonly string[]): Promise<string> {
  const hash = createHash('sha256').update(salt);
  for (const file of inputs) hash.update(`\0${file}\0`).update(await readFile(file));
  return hash.digest('hex');
}

/**
 * The cached text for `salt` (what names the build: entry, options, esbuild's version) when the
 * files it was built from are unchanged, else `build()`'s, then kept. A cache that cannot be
 * read or written only costs the build.
 */
export async function cachedBuild(salt: string, build: () => Promise<Built>, dir = cacheDir()): Promise<string> {
  const file = join(dir, `${createHash('sha256').update(salt).digest('hex').slice(0, 16)}.json`);
  try {
    const entry = JSON.parse(await readFile(file, 'utf8')) as Entry;
    if (entry.key === (await contentKey(salt, entry.inputs))) return entry.text;
  } catch {
    // missing, unreadable, or one of its inputs is gone: build
  }
  const built = await build();
  try {
    const entry: Entry = { key: await contentKey(salt, built.inputs), inputs: built.inputs, text: built.text };
    await mkdir(dir, { recursive: true });
    // Whole or not at all: another run may read it at the same time.
    const tmp = `${file}.${process.pid}.tmp`;
    await writeFile(tmp, JSON.stringify(entry));
    await rename(tmp, file);
  } catch {
    // a read-only install: every run builds
  }
  return built.text;
}
