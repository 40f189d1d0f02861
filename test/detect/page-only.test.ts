// src/detect/ is the code that runs in the page (bundled for executeScript and for
// `grid-run/detect`): it must not import Node or selenium-webdriver, which a page has not.
import assert from 'node:assert/strict';
import { readdir, readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';

const dir = fileURLToPath(new URL('../../src/detect/', import.meta.url));

describe('src/detect/ holds only in-page code', () => {
  it('imports nothing but its own modules and src/types.ts', async () => {
    const files = (await readdir(dir)).filter((f) => f.endsWith('.ts'));
    assert.ok(files.includes('entry.ts') && files.includes('public.ts'));
    for (const file of files) {
      const text = await readFile(dir + file, 'utf8');
      const imports = [...text.matchAll(/^\s*(?:import|export)\b[^'"]*?from\s+'([^']+)'/gm)].map((m) => m[1]!);
      for (const spec of imports) assert.match(spec, /^(\.\/[\w-]+\.ts|\.\.\/types\.ts)$/, `${file} imports ${spec}`);
    }
  });
});
