// grid-run's own static server: serves the pages of site lists whose urls are relative,
// at an address the grid's nodes can reach. Only files below registered roots are served.
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { createReadStream, promises as fs, realpathSync, type Stats } from 'node:fs';
import { isIP } from 'node:net';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import { InfrastructureError, UsageError } from '../errors.ts';
import type { Site } from '../types.ts';

export type StaticServerOptions = {
  /** Interface to listen on. Default 127.0.0.1; another address lets remote nodes reach it. */
  host?: string;
  /** Default 0: an ephemeral port. */
  port?: number;
  /**
   * The host name put into page URLs, when it differs from `host`: required when listening
   * on all interfaces (0.0.0.0 or ::), since nodes cannot browse to those.
   */
  publicHost?: string;
  /** Folders whose files may be served. More are added by `resolve()` from the sites' `root`. */
  roots?: string[];
};

export type StaticServer = {
  /** Base URL, with a trailing slash: `http://127.0.0.1:40123/`. */
  readonly url: string;
  /** The http URL of a file below a registered root; throws for any other path. */
  urlFor(localPath: string): string;
  /** Copies of the sites with absolute http URLs for those with a `localPath`. */
  resolve(sites: Site[]): Site[];
  /** Registers a folder to serve (idempotent) and returns its mount path, like `/sites/`. */
  addRoot(dir: string): string;
  /** Stops listening and drops keep-alive connections; safe to call more than once. */
  close(): Promise<void>;
};

type Root = { dir: string; real: string; mount: string };

const TEXT = '; charset=utf-8';
const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html' + TEXT,
  '.htm': 'text/html' + TEXT,
  '.xhtml': 'application/xhtml+xml' + TEXT,
  '.css': 'text/css' + TEXT,
  '.js': 'text/javascript' + TEXT,
  '.mjs': 'text/javascript' + TEXT,
  '.json': 'application/json' + TEXT,
  '.jsonl': 'application/jsonl' + TEXT,
  '.map': 'application/json' + TEXT,
  '.txt': 'text/plain' + TEXT,
  '.csv': 'text/csv' + TEXT,
  '.xml': 'application/xml' + TEXT,
  '.svg': 'image/svg+xml' + TEXT,
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.gif': 'image/gif',
  '.webp': 'image/webp',
  '.avif': 'image/avif',
  '.ico': 'image/x-icon',
  '.woff': 'font/woff',
  '.woff2': 'font/woff2',
  '.ttf': 'font/ttf',
  '.otf': 'font/otf',
  '.wasm': 'application/wasm',
  '.pdf': 'application/pdf',
};

export function contentTypeFor(file: string): string {
  return CONTENT_TYPES[path.extname(file).toLowerCase()] ?? 'application/octet-stream';
}

export async function startStaticServer(options: StaticServerOptions = {}): Promise<StaticServer> {
  const host = options.host ?? '127.0.0.1';
  const wildcard = host === '0.0.0.0' || host === '::';
  if (wildcard && !options.publicHost) {
    throw new UsageError(
      `static server: listening on ${host} needs a public host name for page URLs (the address the grid's nodes use to reach this machine)`,
    );
  }
  const roots: Root[] = [];

  const server = createServer((req, res) => {
    handle(req, res, roots).catch((err: unknown) => {
      // Headers may already be out when a read fails mid-stream; then only the socket can say so.
      if (!res.headersSent) send(res, req, 500, 'internal error\n');
      else res.destroy(err instanceof Error ? err : undefined);
    });
  });
  server.keepAliveTimeout = 5_000;

  await new Promise<void>((resolve, reject) => {
    const onError = (err: NodeJS.ErrnoException) => {
      const where = `${host}:${options.port ?? 0}`;
      if (err.code === 'EADDRINUSE' || err.code === 'EADDRNOTAVAIL' || err.code === 'EACCES' || err.code === 'ENOTFOUND') {
        reject(new UsageError(`static server: cannot listen on ${where} (${err.code})`, { cause: err }));
      } else {
        reject(new InfrastructureError(`static server: cannot listen on ${where}: ${err.message}`, { cause: err }));
      }
    };
    server.once('error', onError);
    server.listen(options.port ?? 0, host, () => {
      server.off('error', onError);
      resolve();
    });
  });

  const address = server.address();
  if (address === null || typeof address === 'string') {
    server.close();
    throw new InfrastructureError('static server: no TCP address after listen');
  }
  const urlHost = options.publicHost ?? host;
  const base = `http://${isIP(urlHost) === 6 ? `[${urlHost}]` : urlHost}:${address.port}/`;

  const addRoot = (dir: string): string => {
    const abs = path.resolve(dir);
    const existing = roots.find((r) => r.dir === abs);
    if (existing) return existing.mount;
    const real = realpathOrSelf(abs);
    const mount = `/${uniqueMountName(roots, path.basename(abs))}/`;
    roots.push({ dir: abs, real, mount });
    return mount;
  };
  for (const dir of options.roots ?? []) addRoot(dir);

  const urlFor = (localPath: string): string => {
    const abs = path.resolve(localPath);
    const root = rootOf(roots, abs);
    if (!root) throw new UsageError(`static server: ${localPath} is not below any served folder`);
    const rel = path.relative(root.dir, abs).split(path.sep).map(encodeURIComponent).join('/');
    return new URL(root.mount.slice(1) + rel, base).href;
  };

  let closing: Promise<void> | undefined;
  return {
    url: base,
    urlFor,
    addRoot,
    resolve(sites) {
      return sites.map((site) => {
        if (site.localPath === undefined) return { ...site };
        if (!rootOf(roots, site.localPath)) addRoot(site.root ?? path.dirname(site.localPath));
        // Keep the query and fragment that were written after the file name.
        const suffix = /[?#].*$/s.exec(site.url)?.[0] ?? '';
        return { ...site, url: urlFor(site.localPath) + suffix };
      });
    },
    close() {
      closing ??= new Promise<void>((resolve) => {
        server.close(() => resolve());
        // Browsers keep idle connections open; without this close() waits for their timeout.
        server.closeAllConnections();
      });
      return closing;
    },
  };
}

function realpathOrSelf(p: string): string {
  try {
    return realpathSync(p);
  } catch {
    return p;
  }
}

function uniqueMountName(roots: Root[], base: string): string {
  const slug = base.replace(/[^A-Za-z0-9._-]+/g, '-').replace(/^[.-]+/, '') || 'root';
  let name = slug;
  for (let n = 2; roots.some((r) => r.mount === `/${name}/`); n++) name = `${slug}-${n}`;
  return name;
}

function isInside(dir: string, p: string): boolean {
  const rel = path.relative(dir, p);
  return rel === '' || (!rel.startsWith('..') && !path.isAbsolute(rel));
}

function rootOf(roots: Root[], abs: string): Root | undefined {
  return roots.find((r) => isInside(r.dir, path.resolve(abs)));
}

async function handle(req: IncomingMessage, res: ServerResponse, roots: Root[]): Promise<void> {
  if (req.method !== 'GET' && req.method !== 'HEAD') {
    res.setHeader('Allow', 'GET, HEAD');
    return send(res, req, 405, 'method not allowed\n');
  }
  const target = lookup(req.url ?? '/', roots);
  if (!target) return send(res, req, 404, 'not found\n');

  let file = target.file;
  let stat: Stats;
  try {
    stat = await fs.stat(file);
    if (stat.isDirectory()) {
      // Relative links in an index page only resolve right under a URL that ends with '/'.
      if (!target.pathname.endsWith('/')) {
        res.setHeader('Location', target.pathname + '/');
        return send(res, req, 301, 'moved\n');
      }
      file = path.join(file, 'index.html');
      stat = await fs.stat(file);
    }
    // A symlink may lead out of the root; what counts is where the bytes really are.
    const real = await fs.realpath(file);
    if (!stat.isFile() || !isInside(target.root.real, real)) return send(res, req, 404, 'not found\n');
  } catch {
    return send(res, req, 404, 'not found\n');
  }

  res.statusCode = 200;
  res.setHeader('Content-Type', contentTypeFor(file));
  res.setHeader('Content-Length', stat.size);
  res.setHeader('Last-Modified', stat.mtime.toUTCString());
  // Fixture pages change while they are written and tested; a cached copy would hide that.
  res.setHeader('Cache-Control', 'no-store');
  res.setHeader('X-Content-Type-Options', 'nosniff');
  if (req.method === 'HEAD') {
    res.end();
    return;
  }
  await pipeline(createReadStream(file), res);
}

/** Maps a request path to a file below a root, or undefined for anything else. */
function lookup(rawUrl: string, roots: Root[]): { root: Root; file: string; pathname: string } | undefined {
  // The raw path, not a WHATWG-normalised one: normalising would fold `/a/../..` away and
  // hide the attempt, and it re-encodes characters a client sent as they were.
  const pathname = rawUrl.split(/[?#]/, 1)[0] ?? '';
  if (!pathname.startsWith('/')) return undefined;
  const root = roots.find((r) => pathname.startsWith(r.mount));
  if (!root) return undefined;
  const segments: string[] = [];
  for (const raw of pathname.slice(root.mount.length).split('/')) {
    let seg: string;
    try {
      seg = decodeURIComponent(raw);
    } catch {
      return undefined;
    }
    // Encoded separators and dot segments are how traversal hides; a real page never needs them.
    if (seg === '.' || seg === '..' || /[/\\\0]/.test(seg)) return undefined;
    segments.push(seg);
  }
  const file = path.join(root.dir, ...segments);
  if (!isInside(root.dir, file)) return undefined;
  return { root, file, pathname };
}

function send(res: ServerResponse, req: IncomingMessage, status: number, body: string): void {
  res.statusCode = status;
  res.setHeader('Content-Type', 'text/plain; charset=utf-8');
  res.setHeader('Content-Length', Buffer.byteLength(body));
  res.setHeader('Cache-Control', 'no-store');
  res.end(req.method === 'HEAD' ? undefined : body);
}
