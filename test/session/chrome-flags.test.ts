// grid/node.toml (local nodes, and the node image's entrypoint renders the same file; EC2 nodes
// run that image) against the flags grid-run starts local Chromium with.
import assert from 'node:assert/strict';
import { renderNodeConfig } from '../../src/grid/local-grid.ts';
import { chromeArgs, chromeArgsFor, extensionsCapability, noExtensionArgs } from '../../src/session/chrome-flags.ts';
import { gridCapabilities } from '../../src/session/grid-sessions.ts';

async function stereotype(): Promise<Record<string, unknown>> {
  const toml = await renderNodeConfig(2);
  const json = /stereotype = '''\n([\s\S]*?)\n'''/.exec(toml)?.[1];
  assert.ok(json, 'node.toml has a stereotype');
  return JSON.parse(json) as Record<string, unknown>;
}

describe('Chromium flags and the node stereotype', () => {
  it('the stereotype carries the same flags as local Chromium, without --disable-extensions, and the extensions capability', async () => {
    const s = await stereotype();
    assert.deepEqual((s['goog:chromeOptions'] as { args: string[] }).args, [...chromeArgs]);
    assert.ok(!chromeArgs.includes('--disable-extensions'));
    assert.equal(s[extensionsCapability], true);
  });

  it('a run without extensions asks for --disable-extensions; a run with them asks for the capability and sends the CRX', () => {
    assert.deepEqual(chromeArgsFor(false), [...chromeArgs, ...noExtensionArgs]);
    const plain = gridCapabilities();
    assert.ok((plain.get('goog:chromeOptions') as { args: string[] }).args.includes('--disable-extensions'));
    assert.equal(plain.has(extensionsCapability), false);
    const ext = gridCapabilities([], ['Q3IyNA==']);
    const options = ext.get('goog:chromeOptions') as { args: string[]; extensions: string[] };
    assert.ok(!options.args.includes('--disable-extensions'));
    assert.deepEqual(options.extensions, ['Q3IyNA==']);
    assert.equal(ext.get(extensionsCapability), true);
  });
});
