import assert from 'node:assert/strict';
import { UsageError } from '../../src/errors.ts';
import { filterSites, siteTitle } from '../../src/sites/filter.ts';
import type { Site } from '../../src/types.ts';

const site = (id: string, tags: string[], locale?: string): Site => ({ id, url: `${id}.html`, tags, steps: [], source: 'x:1', ...(locale ? { locale } : {}) });
const sites = [
  site('shop/login', ['form'], 'en'),
  site('shop/signup', ['negative', 'signup'], 'en-GB'),
  site('bank/login-pt', ['form', 'i18n'], 'pt-BR'),
  site('bank/frame', ['iframe']),
];
const ids = (list: Site[]) => list.map((s) => s.id);

describe('site filter', () => {
  it('titles a site by its id and @tags', () => {
    assert.equal(siteTitle(sites[1]!), 'shop/signup @negative @signup');
  });

  it('keeps everything without options', () => {
    assert.deepEqual(ids(filterSites(sites, {})), ids(sites));
  });

  it('--grep matches ids and @tags; --grep-invert drops', () => {
    assert.deepEqual(ids(filterSites(sites, { grep: '^shop/' })), ['shop/login', 'shop/signup']);
    assert.deepEqual(ids(filterSites(sites, { grep: '@form\\b' })), ['shop/login', 'bank/login-pt']);
    assert.deepEqual(ids(filterSites(sites, { grep: 'login', grepInvert: '@i18n' })), ['shop/login']);
  });

  it('--tag keeps sites with any of the tags, with or without @', () => {
    assert.deepEqual(ids(filterSites(sites, { tags: ['iframe', '@signup'] })), ['shop/signup', 'bank/frame']);
  });

  it('--locale keeps the language and its regional variants', () => {
    assert.deepEqual(ids(filterSites(sites, { locale: 'en' })), ['shop/login', 'shop/signup']);
    assert.deepEqual(ids(filterSites(sites, { locale: 'pt-br' })), ['bank/login-pt']);
  });

  it('refuses an invalid pattern as a usage error naming the option', () => {
    assert.throws(() => filterSites(sites, { grepInvert: '(' }), (err: unknown) => err instanceof UsageError && err.message.startsWith('--grep-invert: '));
  });
});
