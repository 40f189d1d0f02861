// The bench's one site list, used by every arm: the given lists (the bundled sites/ by default)
// served by grid-run's own static server, repeated with unique ids up to a minimum count, and
// written out with absolute URLs so that the CLI arm reads exactly the sites the loops read.
import { writeFile } from 'node:fs/promises';
import { createServer, request } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { loadSiteLists } from '../../src/sites/load.ts';
import { startStaticServer, type StaticServer } from '../../src/sites/static-server.ts';
import type { Site } from '../../src/types.ts';

type Server = Pick<StaticServer, 'url' | 'close'> & {
  /** With --page-delay: the requests the pages' server got, by kind (page, favicon, other), since the last call. */
  takeRequests?: () => Record<string, number>;
};

export type BenchSites = { sites: Site[]; listFile: string; server: Server; distinct: number };

export async function benchSites(options: { lists: string[]; cwd: string; minSites: number; maxSites?: number; dir: string; delayMs?: number; name?: string }): Promise<BenchSites> {
  const loaded = await loadSiteLists(options.lists, { cwd: options.cwd });
  const files = await startStaticServer({ host: '127.0.0.1' });
  let resolved = files.resolve(loaded);
  let server: Server = files;
  if (options.delayMs) {
    const delayed = await delayingProxy(files.url, options.delayMs);
    server = { url: delayed.url, close: async () => (await delayed.close(), await files.close()), takeRequests: delayed.takeRequests };
    resolved = resolved.map((site) => ({ ...site, url: site.url.replace(files.url, delayed.url) }));
  }
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
  const listFile = join(options.dir, options.name ?? 'bench-sites.json');
  const entries = sites.map((s) => ({ id: s.id, url: s.url, locale: s.locale, tags: s.tags, expect: s.expect, steps: s.steps.length ? s.steps : undefined, timeoutMs: s.timeoutMs }));
  await writeFile(listFile, JSON.stringify(entries, null, 1) + '\n');
  return { sites, listFile, server, distinct: resolved.length };
}

/**
 * A server in front of `target` that answers every request `delayMs` late, as pages from the
 * internet arrive (the bundled pages come from loopback in a millisecond or two).
 */
async function delayingProxy(target: string, delayMs: number): Promise<Server> {
  const to = new URL(target);
  let requests: Record<string, number> = {};
  const proxy = createServer((req, res) => {
    // What an arm asks of the pages' server per site: where grid-run and the limit differ, the delay shows it.
    const kind = req.url?.includes('favicon') ? 'favicon' : req.url?.split('?')[0]?.endsWith('.html') ? 'page' : 'other';
    requests[kind] = (requests[kind] ?? 0) + 1;
    setTimeout(() => {
      const upstream = request({ host: to.hostname, port: to.port, path: req.url, method: req.method, headers: req.headers }, (answer) => {
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(res);
      });
      upstream.on('error', () => res.destroy());
      req.pipe(upstream);
    }, delayMs);
  });
  await new Promise<void>((resolve) => proxy.listen(0, '127.0.0.1', resolve));
  const { port } = proxy.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/`,
    close: () => new Promise<void>((resolve) => proxy.close(() => resolve())),
    takeRequests: () => {
      const taken = requests;
      requests = {};
      return taken;
    },
  };
}

export function withQuery(url: string, query: string): string {
  const u = new URL(url);
  u.search = u.search ? `${u.search}&${query}` : `?${query}`;
  return u.toString();
}
