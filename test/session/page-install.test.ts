// The detector installed once per session (Page.addScriptToEvaluateOnNewDocument over the
// session's DevTools connection): after the first site, a site's script runs send a short call
// instead of the 46 KB bundle. Seen from outside, by what the CLI sends: the sessions talk to a
// real local grid through a recording HTTP proxy on loopback.
import assert from 'node:assert/strict';
import { mkdtemp } from 'node:fs/promises';
import { createServer, request, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startLocalGrid, type LocalGrid } from '../../src/grid/local-grid.ts';
import { HttpHubClient } from '../../src/grid/hub-client.ts';
import { GridSessionFactory } from '../../src/session/grid-sessions.ts';
import { WebDriverSession } from '../../src/session/webdriver-session.ts';
import { defaultSiteRunOptions, type SiteRunOptions } from '../../src/session/run-site.ts';
import { fileDetector } from '../../src/detector/detector.ts';
import { loginPage, servePages, type PageServer } from '../helpers/pages.ts';
import type { Site } from '../../src/types.ts';

const repo = fileURLToPath(new URL('../..', import.meta.url));

/** Forwards every request to `target` and keeps the size of each script run's request body. */
async function recordingProxy(target: string): Promise<{ url: string; scripts: number[]; close(): Promise<void> }> {
  const scripts: number[] = [];
  const to = new URL(target);
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks);
      if (/\/execute\/(sync|async)$/.test(req.url ?? '')) scripts.push(body.length);
      const out = request({ host: to.hostname, port: to.port, method: req.method, path: req.url, headers: { ...req.headers, host: to.host } }, (answer) => {
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(res);
      });
      out.on('error', () => res.writeHead(502).end());
      out.end(body);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  return {
    url: `http://127.0.0.1:${port}`,
    scripts,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** Defines the bundle's global name and overwrites every symbol-keyed property of window it can. */
const hostilePage = `${loginPage}<script>
  var __gridRunDetector = { inspectPage: () => ({ login: false }) };
  for (const key of Object.getOwnPropertySymbols(window)) {
    try { window[key] = () => ({ inspectPage: () => ({ login: false }) }); } catch {}
    try { Object.defineProperty(window, key, { value: () => null }); } catch {}
  }
</script>`;

describe('the detector installed once per session (real grid)', function () {
  this.timeout(300_000);
  let grid: LocalGrid;
  let pages: PageServer;
  let other: PageServer;
  let proxy: Awaited<ReturnType<typeof recordingProxy>>;
  const opened: WebDriverSession[] = [];

  before(async () => {
    // Another site (localhost, not 127.0.0.1): its frame runs in a renderer of its own, which has no install.
    other = await servePages({ '/login': loginPage });
    const framed = `<!doctype html><title>Shop</title><iframe id="login" src="${other.url.replace('127.0.0.1', 'localhost')}/login"></iframe>`;
    pages = await servePages({ '/framed': framed, '/login': loginPage, '/hostile': hostilePage, '/none': '<!doctype html><title>none</title><p>nothing to log in to' });
    grid = await startLocalGrid({ nodes: 1, slots: 1, port: 0, stateDir: await mkdtemp(join(tmpdir(), 'grid-run-install-')) });
    proxy = await recordingProxy(grid.hubUrl);
  });
  after(async () => {
    for (const s of opened) await s.close();
    await grid?.stop();
    await proxy?.close();
    await pages?.close();
    await other?.close();
  });
  afterEach(async () => {
    for (const s of opened.splice(0)) await s.close();
  });

  const site = (id: string, path: string, expect: Site['expect'] = { login: true }): Site => ({ id, url: `${pages.url}${path}`, tags: [], steps: [], expect, source: 'test' });
  const open = async (run: SiteRunOptions = defaultSiteRunOptions) => {
    const session = await new GridSessionFactory({ hub: new HttpHubClient(proxy.url), run }).open(new AbortController().signal);
    opened.push(session);
    return session;
  };
  /** Runs the sites one after another as dispatch does (run, reset), and the script runs' request sizes of each. */
  const runAll = async (session: WebDriverSession, sites: Site[]) => {
    const sent: number[][] = [];
    for (const s of sites) {
      const from = proxy.scripts.length;
      const outcome = await session.run(s, 1);
      await session.reset();
      assert.equal(outcome.status, 'passed', `${s.id}: ${outcome.message}`);
      sent.push(proxy.scripts.slice(from));
    }
    return sent;
  };
  const bundleBytes = 40_000;

  it('sends the bundle with the first site only; every later site detects through a short call', async () => {
    const session = await open();
    const sent = await runAll(session, [site('first', '/login'), site('second', '/login'), site('third', '/none', { login: false }), site('fourth', '/login')]);
    assert.equal(sent[0]!.length, 1, 'one script run for the first site');
    assert.ok(sent[0]![0]! > bundleBytes, `the first site's page was loading before the install: the full script (${sent[0]![0]} bytes)`);
    for (const later of sent.slice(1)) {
      assert.equal(later.length, 1, 'one script run per site');
      assert.ok(later[0]! < 2000, `a later site sends a call, not the bundle (${later[0]} bytes)`);
    }
  });

  it('detects on a page that defines the bundle\'s global name and overwrites window\'s symbol properties', async () => {
    const session = await open();
    const sent = await runAll(session, [site('first', '/login'), site('hostile', '/hostile'), site('hostile-again', '/hostile')]);
    for (const later of sent.slice(1)) assert.ok(later.length === 1 && later[0]! < 2000, `the installed detector answered (${later.join(', ')} bytes)`);
  });

  it('detects inside a cross-origin frame, which gets the full script, after the top document answered through a call', async () => {
    const session = await open();
    const framedSite = site('framed', '/framed', { login: true, password: '#login >>> input[type=password]' });
    const sent = await runAll(session, [site('first', '/login'), framedSite]);
    const [top, ...inFrame] = sent[1]!;
    assert.ok(top! < 2000, `the top document: a call (${top} bytes)`);
    assert.ok(inFrame.some((bytes) => bytes > bundleBytes), `the frame: the full script (${inFrame.join(', ')} bytes)`);
  });

  it('without a DevTools route to the browser, every site sends the full script, and detects', async () => {
    const first = await open();
    // The same browser session, reached only through WebDriver: no hub `se:cdp`, no debugger address.
    const session = new WebDriverSession(first.driver, { id: first.id }, defaultSiteRunOptions);
    const sent = await runAll(session, [site('first', '/login'), site('second', '/login'), site('third', '/none', { login: false })]);
    for (const s of sent) assert.ok(s.length === 1 && s[0]! > bundleBytes, `the full script (${s.join(', ')} bytes)`);
  });

  it("installs a --detector module with grid-run's bundle, and runs the module's detect() through a short call", async () => {
    const detector = await fileDetector('examples/detector/detector.ts', repo);
    const session = await open({ ...defaultSiteRunOptions, detector });
    const sent = await runAll(session, [site('first', '/login'), site('second', '/login'), site('third', '/login')]);
    for (const later of sent.slice(1)) assert.ok(later.length === 1 && later[0]! < 2000, `a call (${later.join(', ')} bytes)`);
  });
});
