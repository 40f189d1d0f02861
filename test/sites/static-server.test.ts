import assert from 'node:assert/strict';
import { Agent, request } from 'node:http';
import { mkdir, symlink, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { UsageError } from '../../src/errors.ts';
import { startStaticServer, type StaticServer } from '../../src/sites/static-server.ts';
import type { Site } from '../../src/types.ts';
import { tempDir } from '../helpers/temp.ts';

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

type Reply = { status: number; headers: Record<string, string | string[] | undefined>; body: string };

/** A request with the path sent exactly as written (fetch would normalise `..` away). */
function raw(server: StaticServer, rawPath: string, method = 'GET', agent?: Agent): Promise<Reply & { socket: unknown }> {
  const base = new URL(server.url);
  return new Promise((resolve, reject) => {
    const req = request({ host: base.hostname, port: base.port, path: rawPath, method, agent }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString('utf8'), socket: req.socket }));
    });
    req.on('error', reject);
    req.end();
  });
}

describe('static server', () => {
  let dir: string;
  let outside: string;
  let server: StaticServer;

  before(async () => {
    dir = await tempDir('grid-run-static-');
    outside = await tempDir('grid-run-outside-');
    const site = path.join(dir, 'site');
    await mkdir(path.join(site, 'pages/sub'), { recursive: true });
    await writeFile(path.join(site, 'pages/login.html'), '<!doctype html><meta charset="utf-8"><title>Вход</title><p>ログイン</p>');
    await writeFile(path.join(site, 'pages/style.css'), 'body { color: red }');
    await writeFile(path.join(site, 'pages/app.js'), 'console.log(1)');
    await writeFile(path.join(site, 'pages/data.bin'), Buffer.from([0, 1, 2]));
    await writeFile(path.join(site, 'pages/sub/index.html'), '<p>index</p>');
    await writeFile(path.join(site, 'pages/a b#c.html'), '<p>odd name</p>');
    await writeFile(path.join(dir, 'secret.txt'), 'secret beside the root');
    await writeFile(path.join(outside, 'secret.txt'), 'secret elsewhere');
    await symlink(path.join(outside, 'secret.txt'), path.join(site, 'pages/link.txt'));
    server = await startStaticServer({ roots: [site] });
  });

  after(async () => server.close());

  it('listens on 127.0.0.1 and an ephemeral port by default', () => {
    assert.match(server.url, /^http:\/\/127\.0\.0\.1:\d+\/$/);
    assert.notEqual(new URL(server.url).port, '0');
  });

  it('serves a page in UTF-8 with its content type and length', async () => {
    const res = await fetch(server.urlFor(path.join(dir, 'site/pages/login.html')));
    assert.equal(res.status, 200);
    assert.equal(res.headers.get('content-type'), 'text/html; charset=utf-8');
    const body = await res.text();
    assert.equal(body, '<!doctype html><meta charset="utf-8"><title>Вход</title><p>ログイン</p>');
    assert.equal(Number(res.headers.get('content-length')), Buffer.byteLength(body));
  });

  it('gives the content type by extension', async () => {
    const type = async (name: string) => (await fetch(server.urlFor(path.join(dir, 'site/pages', name)))).headers.get('content-type');
    assert.equal(await type('style.css'), 'text/css; charset=utf-8');
    assert.equal(await type('app.js'), 'text/javascript; charset=utf-8');
    assert.equal(await type('data.bin'), 'application/octet-stream');
  });

  it('encodes odd file names in urlFor, and serves them', async () => {
    const url = server.urlFor(path.join(dir, 'site/pages/a b#c.html'));
    assert.ok(url.endsWith('/site/pages/a%20b%23c.html'), url);
    assert.equal(await (await fetch(url)).text(), '<p>odd name</p>');
  });

  it('answers HEAD with the headers and no body', async () => {
    const res = await raw(server, '/site/pages/login.html', 'HEAD');
    assert.equal(res.status, 200);
    assert.equal(res.headers['content-type'], 'text/html; charset=utf-8');
    assert.ok(Number(res.headers['content-length']) > 0);
    assert.equal(res.body, '');
  });

  it('refuses other methods with 405 and Allow', async () => {
    const res = await raw(server, '/site/pages/login.html', 'POST');
    assert.equal(res.status, 405);
    assert.equal(res.headers.allow, 'GET, HEAD');
  });

  it('answers 404 for missing files and paths outside every root', async () => {
    assert.equal((await raw(server, '/site/pages/nope.html')).status, 404);
    assert.equal((await raw(server, '/elsewhere/login.html')).status, 404);
    assert.equal((await raw(server, '/')).status, 404);
  });

  it('refuses directory traversal, plain and encoded', async () => {
    for (const p of [
      '/../../etc/passwd',
      '/site/../secret.txt',
      '/site/pages/../../secret.txt',
      '/site/%2e%2e/secret.txt',
      '/site/%2E%2E/%2E%2E/etc/passwd',
      '/site/..%2fsecret.txt',
      '/site/..%2Fsecret.txt',
      '/site/..%5csecret.txt',
      '/site/%252e%252e/secret.txt',
      '/site/pages/%00login.html',
      '/site/pages/%zz.html',
      '//etc/passwd',
      '/site/pages/./../../secret.txt',
      '/site/pages/%2e/login.html',
      'site/pages/login.html',
    ]) {
      const res = await raw(server, p);
      // Node's own parser answers 400 to a request target without a leading slash.
      assert.ok(res.status === 404 || (res.status === 400 && !p.startsWith('/')), `${p} answered ${res.status}`);
      assert.ok(!res.body.includes('secret'), p);
    }
  });

  it('ignores the query string', async () => {
    assert.equal((await raw(server, '/site/pages/login.html?next=%2F..%2F..')).status, 200);
  });

  it('does not follow a symlink out of the root', async () => {
    assert.equal((await raw(server, '/site/pages/link.txt')).status, 404);
  });

  it('serves a folder index under a trailing slash, and redirects to it', async () => {
    const index = await raw(server, '/site/pages/sub/');
    assert.equal(index.status, 200);
    assert.equal(index.body, '<p>index</p>');
    const redirect = await raw(server, '/site/pages/sub');
    assert.equal(redirect.status, 301);
    assert.equal(redirect.headers.location, '/site/pages/sub/');
    assert.equal((await raw(server, '/site/pages/')).status, 404);
  });

  it('keeps connections alive between requests', async () => {
    const agent = new Agent({ keepAlive: true, maxSockets: 1 });
    try {
      const a = await raw(server, '/site/pages/login.html', 'GET', agent);
      const b = await raw(server, '/site/pages/style.css', 'GET', agent);
      assert.equal(a.headers.connection, 'keep-alive');
      assert.equal(a.socket, b.socket);
    } finally {
      agent.destroy();
    }
  });

  it('urlFor refuses files outside every root', () => {
    assert.throws(() => server.urlFor(path.join(dir, 'secret.txt')), UsageError);
  });

  it('resolve() returns copies with http URLs, registering list folders as needed', async () => {
    const fixtures = path.join(repo, 'test/fixtures/sites/valid');
    const sites: Site[] = [
      { id: 'a', url: 'pages/caf%C3%A9.html?lang=fr#top', localPath: path.join(fixtures, 'pages/café.html'), root: fixtures, tags: [], steps: [], source: 'x:1' },
      { id: 'b', url: 'https://example.com/', tags: [], steps: [], source: 'x:2' },
    ];
    const resolved = server.resolve(sites);
    assert.notEqual(resolved[0], sites[0]);
    assert.equal(sites[0]?.url, 'pages/caf%C3%A9.html?lang=fr#top');
    assert.equal(resolved[0]?.url, `${server.url}valid/pages/caf%C3%A9.html?lang=fr#top`);
    assert.equal(resolved[1]?.url, 'https://example.com/');
    const res = await fetch(resolved[0]?.url ?? '');
    assert.equal(res.status, 200);
    assert.match(await res.text(), /Café/);
  });

  it('gives two roots with the same folder name distinct mounts', () => {
    const a = server.addRoot(path.join(dir, 'x/pages'));
    const b = server.addRoot(path.join(dir, 'y/pages'));
    assert.equal(a, '/pages/');
    assert.equal(b, '/pages-2/');
    assert.equal(server.addRoot(path.join(dir, 'x/pages')), '/pages/');
  });

  it('close() is idempotent and frees the port', async () => {
    const s = await startStaticServer({});
    const port = Number(new URL(s.url).port);
    await Promise.all([s.close(), s.close()]);
    await s.close();
    const again = await startStaticServer({ port });
    await again.close();
  });

  it('close() does not wait for idle keep-alive connections', async () => {
    const s = await startStaticServer({ roots: [path.join(dir, 'site')] });
    const agent = new Agent({ keepAlive: true });
    try {
      await raw(s, '/site/pages/login.html', 'GET', agent);
      const started = Date.now();
      await s.close();
      assert.ok(Date.now() - started < 1000, 'close waited for the keep-alive timeout');
    } finally {
      agent.destroy();
    }
  });

  it('reports a port in use as a usage error', async () => {
    const port = Number(new URL(server.url).port);
    await assert.rejects(startStaticServer({ port }), (err: unknown) => err instanceof UsageError && /EADDRINUSE/.test(err.message));
  });

  it('needs a public host when listening on all interfaces', async () => {
    await assert.rejects(startStaticServer({ host: '0.0.0.0' }), UsageError);
  });

  it('listens on IPv6 loopback with a bracketed URL', async () => {
    const s = await startStaticServer({ host: '::1', roots: [path.join(dir, 'site')] }).catch(() => undefined);
    if (!s) return; // a machine without IPv6 loopback: nothing to check
    try {
      assert.match(s.url, /^http:\/\/\[::1\]:\d+\/$/);
      assert.equal((await fetch(`${s.url}site/pages/login.html`)).status, 200);
    } finally {
      await s.close();
    }
  });
});
