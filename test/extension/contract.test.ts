// The extension contract read in a real headless Chromium. The pages answer by themselves:
// the reader cannot tell who set a DOM attribute, so no extension is needed to check it.
import assert from 'node:assert/strict';
import { startLocalChrome, type LocalChrome } from '../../src/session/local-chrome.ts';
import { afterExtension, ExtensionAnswerFailure, extensionDetector, readExtensionAnswer } from '../../src/extension/answer.ts';
import { builtinDetector } from '../../src/detector/detector.ts';
import { runSite } from '../../src/session/run-site.ts';
import type { DetectorIdentity, Site } from '../../src/types.ts';
import { servePages, type PageServer } from '../helpers/pages.ts';

const form = '<form id=f><input id=u name=u data-grid-run-field=username><input id=p type=password data-grid-run-field=password><button id=s data-grid-run-field=submit>Go</button></form>';
const answer = (json: string) => `<script>document.documentElement.setAttribute('data-grid-run-detection', ${JSON.stringify(json)})</script>`;

const pages = {
  '/marked': `<!doctype html>${form}<button class=injected>Sign in with Example</button>${answer('{"login": true, "signals": ["mine"]}')}`,
  '/late': `<!doctype html>${form}<script>document.documentElement.setAttribute('data-grid-run-detection', '{"pending": true}');
    setTimeout(() => document.documentElement.setAttribute('data-grid-run-detection', '{"login": true, "step": "full", "confidence": 0.7}'), 600)</script>`,
  '/pending-forever': `<!doctype html>${form}${answer('{"pending": true}')}`,
  '/silent': `<!doctype html>${form}`,
  '/not-json': `<!doctype html>${form}${answer('{login: yes}')}`,
  '/no-login': `<!doctype html>${form}${answer('{"step": "full"}')}`,
  '/two-marks': `<!doctype html>${form}<input data-grid-run-field=password type=password>${answer('{"login": true}')}`,
  // A field inside a closed shadow root cannot be marked visibly from outside: the answer names it.
  '/closed-shadow': `<!doctype html><login-box></login-box><script>
    const root = document.querySelector('login-box').attachShadow({ mode: 'closed' });
    root.innerHTML = '<input id=pw type=password>';
    document.documentElement.setAttribute('data-grid-run-detection', JSON.stringify({ login: true, password: 'login-box >>> #pw' }));</script>`,
  '/open-shadow': `<!doctype html><login-box></login-box><script>
    const root = document.querySelector('login-box').attachShadow({ mode: 'open' });
    root.innerHTML = '<input id=pw type=password data-grid-run-field=password>';
    document.documentElement.setAttribute('data-grid-run-detection', '{"login": true}');</script>`,
};

const identity: DetectorIdentity = { name: 'Example sign-in', kind: 'extension', version: '1.0.0', sha256: 'ab'.repeat(32) };

describe('extension contract (real Chromium)', function () {
  this.timeout(120_000);
  let chrome: LocalChrome;
  let server: PageServer;
  before(async () => {
    server = await servePages(pages);
    chrome = await startLocalChrome();
  });
  after(async () => {
    await chrome?.stop();
    await server?.close();
  });

  const read = async (path: string, timeoutMs = 2000) => {
    await chrome.driver.get(`${server.url}${path}`);
    return readExtensionAnswer(chrome.driver, { timeoutMs });
  };
  const failure = async (path: string, timeoutMs = 800) => {
    try {
      await read(path, timeoutMs);
    } catch (err) {
      assert.ok(err instanceof ExtensionAnswerFailure, String(err));
      return err.message;
    }
    assert.fail(`${path}: answered`);
  };

  it('turns the marks into selector paths and the answer into a Detection', async () => {
    const { detection } = await read('/marked');
    assert.deepEqual(detection, { login: true, step: 'full', username: '#u', password: '#p', submit: '#s', confidence: 1, signals: ['mine'] });
  });

  it('waits while the answer is pending, and takes the settled one', async () => {
    const { detection } = await read('/late', 4000);
    assert.equal(detection.login, true);
    assert.equal(detection.confidence, 0.7);
    assert.equal(detection.password, '#p');
  });

  it('takes the paths the answer names (a closed shadow root), and marks inside open shadow roots', async () => {
    assert.equal((await read('/closed-shadow')).detection.password, 'login-box >>> #pw');
    const open = (await read('/open-shadow')).detection;
    assert.equal(open.password, 'body > login-box >>> #pw');
    assert.equal(open.step, 'password-only');
  });

  it('an extension that never answers fails with the contract and the timeout named', async () => {
    assert.equal(
      await failure('/silent'),
      'no answer from the extension within --extension-timeout 800 ms: the grid-run extension contract (data-grid-run-detection on document.documentElement, JSON with "login") was not met',
    );
    assert.match(await failure('/pending-forever'), /^the extension's answer was still "pending": true after --extension-timeout 800 ms/);
  });

  it('an answer the contract does not allow fails at once, saying what is wrong', async () => {
    assert.match(await failure('/not-json'), /breaks the grid-run extension contract .*: data-grid-run-detection is not JSON: \{login: yes\}$/);
    assert.match(await failure('/no-login'), /: data-grid-run-detection has no boolean "login": \{"step": "full"\}$/);
    assert.match(await failure('/two-marks'), /: 2 elements are marked data-grid-run-field="password" \(#p, .*\): mark one$/);
  });

  describe('a site judged on the answer (runSite)', () => {
    const answer = { timeoutMs: 800, identity };
    const options = { pageLoadTimeoutMs: 10_000, scriptTimeoutMs: 10_000, siteTimeoutMs: 30_000, detector: extensionDetector(answer) };
    const site = (path: string, expect: Site['expect']): Site => ({ id: path, url: `${server.url}${path}`, tags: [], steps: [], source: 'test', expect });

    it('passes with the fields, expect.present and expect.absent met, and names the extension as its detector', async () => {
      const o = await runSite(chrome.driver, site('/marked', { login: true, username: 'input[name=u]', password: '#p', present: ['button.injected'], absent: ['#banner'] }), options);
      assert.equal(o.status, 'passed', o.message);
      assert.deepEqual(o.detector, identity);
    });

    it('fails naming each present path that matches nothing and each absent path that matches', async () => {
      const o = await runSite(chrome.driver, site('/marked', { login: true, present: ['button.injected', '#f button.missing'], absent: ['#f'] }), options);
      assert.equal(o.status, 'failed');
      assert.equal(o.message, 'expect.present: #f button.missing matches nothing; expect.absent: #f matches an element');
    });

    it('an extension that never answers fails the site (a <failure>, not an infrastructure error)', async () => {
      const o = await runSite(chrome.driver, site('/silent', { login: true }), options);
      assert.equal(o.status, 'failed');
      assert.match(o.message ?? '', /^detector Example sign-in: no answer from the extension within --extension-timeout 800 ms: the grid-run extension contract/);
      assert.deepEqual(o.detector, identity);
    });

    it('with a detector to follow, the extension only has its time: the built-in detector judges the page', async () => {
      const o = await runSite(chrome.driver, site('/silent', { login: true, password: '#p' }), { ...options, detector: afterExtension(answer, builtinDetector) });
      assert.equal(o.status, 'passed', o.message);
      assert.equal(o.detector?.kind, 'builtin');
    });
  });

  describe('expect.present / expect.absent with the built-in detector', () => {
    const options = { pageLoadTimeoutMs: 10_000, scriptTimeoutMs: 10_000, siteTimeoutMs: 30_000 };
    const site = (expect: Site['expect']): Site => ({ id: 'marked', url: `${server.url}/marked`, tags: [], steps: [], source: 'test', expect });
    it('pass when met, fail naming the path when not', async () => {
      assert.equal((await runSite(chrome.driver, site({ login: true, present: ['button.injected'], absent: ['#nothing'] }), options)).status, 'passed');
      const o = await runSite(chrome.driver, site({ login: true, absent: ['button.injected'] }), options);
      assert.equal(o.status, 'failed');
      assert.equal(o.message, 'expect.absent: button.injected matches an element');
    });
  });
});
