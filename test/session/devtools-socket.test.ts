// DevToolsSocket against a real headless Chromium's DevTools endpoint: answers, error answers,
// a command that never answers, and a connection that cannot be made.
import assert from 'node:assert/strict';
import { OFFLINE_ARGS } from '../../src/eval/browsers.ts';
import { DevToolsError, DevToolsSocket, EncodedParams } from '../../src/session/devtools-socket.ts';
import { startLocalChrome, type LocalChrome } from '../../src/session/local-chrome.ts';

describe('DevToolsSocket', function () {
  this.timeout(60_000);
  let chrome: LocalChrome;
  let browserUrl: string;

  before(async () => {
    chrome = await startLocalChrome({ args: OFFLINE_ARGS });
    // A loaded page of our own: the start page can still navigate (and destroy the context a
    // test evaluates in) after the session is open.
    await chrome.driver.get('data:text/html,<title>devtools-socket</title>');
    const { debuggerAddress } = (await chrome.driver.getCapabilities()).get('goog:chromeOptions') as { debuggerAddress: string };
    const version = (await (await fetch(`http://${debuggerAddress}/json/version`)).json()) as { webSocketDebuggerUrl: string };
    browserUrl = version.webSocketDebuggerUrl;
  });
  after(async () => chrome?.stop());

  it('sends commands to the browser and to a page, and gives their answers', async () => {
    const socket = await DevToolsSocket.connect(browserUrl);
    try {
      const { product } = await socket.send<{ product: string }>('Browser.getVersion');
      assert.match(product, /Chrom/);
      const targetId = await chrome.driver.getWindowHandle();
      const { sessionId } = await socket.send<{ sessionId: string }>('Target.attachToTarget', { targetId, flatten: true });
      const { result } = await socket.send<{ result: { value: number } }>('Runtime.evaluate', { expression: '6 * 7', returnByValue: true }, { sessionId });
      assert.equal(result.value, 42);
      // Parameters encoded once, for many sockets, mean the same to the browser.
      const encoded = new EncodedParams({ expression: '"a\\"b" + 1', returnByValue: true });
      const again = await socket.send<{ result: { value: string } }>('Runtime.evaluate', encoded, { sessionId });
      assert.equal(again.result.value, 'a"b1');
    } finally {
      socket.close();
    }
  });

  it("rejects with the browser's error, and the connection stays usable", async () => {
    const socket = await DevToolsSocket.connect(browserUrl);
    try {
      await assert.rejects(socket.send('No.suchMethod'), (err: unknown) => err instanceof DevToolsError && err.failure === 'error' && /wasn't found/.test(err.message));
      assert.equal(socket.closed, false);
      await socket.send('Browser.getVersion');
    } finally {
      socket.close();
    }
  });

  it('gives up on a command that never answers, and on the connection with it', async () => {
    const socket = await DevToolsSocket.connect(browserUrl);
    const { sessionId } = await socket.send<{ sessionId: string }>('Target.attachToTarget', { targetId: await chrome.driver.getWindowHandle(), flatten: true });
    const never = socket.send('Runtime.evaluate', { expression: 'new Promise(() => {})', awaitPromise: true }, { sessionId, timeoutMs: 300 });
    await assert.rejects(never, (err: unknown) => err instanceof DevToolsError && err.failure === 'timeout');
    assert.equal(socket.closed, true);
    await assert.rejects(socket.send('Browser.getVersion'), (err: unknown) => err instanceof DevToolsError && err.failure === 'timeout');
  });

  it('uses no per-message compression, and gets answers of every frame length whole', async () => {
    const socket = await DevToolsSocket.connect(browserUrl);
    try {
      assert.equal(socket.extensions, '');
      const { sessionId } = await socket.send<{ sessionId: string }>('Target.attachToTarget', { targetId: await chrome.driver.getWindowHandle(), flatten: true });
      // Under 126 bytes, a 16-bit length, a 64-bit length (and Chromium's fragments, if any).
      for (const size of [10, 5000, 300_000]) {
        const { result } = await socket.send<{ result: { value: string } }>('Runtime.evaluate', { expression: `'é'.repeat(${size})`, returnByValue: true }, { sessionId });
        assert.equal(result.value, 'é'.repeat(size));
      }
    } finally {
      socket.close();
    }
    assert.equal(socket.closed, true);
  });

  it('rejects a connection nothing answers', async () => {
    const dead = browserUrl.replace(/:\d+\//, ':1/');
    await assert.rejects(DevToolsSocket.connect(dead, 2000), DevToolsError);
  });
});
