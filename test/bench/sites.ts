// The bench's one site list, used by every arm: the given lists (the bundled sites/ by default)
// served by grid-run's own static server, repeated with unique ids up to a minimum count, and
// written out with absolute URLs so that the CLI arm reads exactly the sites the loops read.
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { loadSiteLists } from '../../src/sites/load.ts';
import { startStaticServer, type StaticServer } from '../../src/sites/static-server.ts';
import type { Site } from '../../src/types.ts';

export type BenchSites = { sites: Site[]; listFile: string; server: StaticServer; distinct: number };

export async function benchSites(options: { lists: string[]; cwd: string; minSites: number; maxSites?: number; dir: string }): Promise<BenchSites> {
  const loaded = await loadSiteLists(options.lists, { cwd: options.cwd });
  const server = await startStaticServer({ host: '127.0.0.1' });
  const resolved = server.resolve(loaded);
  const sites: Site[] = [];
  for (let copy = 0; sites.length < Math.max(options.minSites, 1) || copy === 0; copy++) {
    for (const site of resolved) {
      if (options.maxSites !== undefined && sites.length >= options.maxSites) break;
      // A copy gets its own id (the JUnit name must be unique) and its own URL, so that no arm
      // serves a repeated page from the HTTP cache while another loads it afresh.
      sites.push(copy === 0 ? site : { ...site, id: `${site.id}~${copy}`, url: withQuery(site.url, `bench-copy=${copy}`) });
    }
    if (options.maxSites !== undefined && sites.length >= options.maxSites) break;
  }
  const listFile = join(options.dir, 'bench-sites.json');
  const entries = sites.map((s) => ({ id: s.id, url: s.url, locale: s.locale, tags: s.tags, expect: s.expect, steps: s.steps.length ? s.steps : undefined, timeoutMs: s.timeoutMs }));
  await writeFile(listFile, JSON.stringify(entries, null, 1) + '\n');
  return { sites, listFile, server, distinct: resolved.length };
}

export function withQuery(url: string, query: string): string {
  const u = new URL(url);
  u.search = u.search ? `${u.search}&${query}` : `?${query}`;
  return u.toString();
}
