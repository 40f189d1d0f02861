// Known failures and the run's detector in the HTML report, as a person sees them in headless
// Chromium from file://: the known-failure and fixed chips, their counts, their status filter
// (kept in the URL hash), the reason in a site's details, and the detector in the header.
import assert from 'node:assert/strict';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { By, until } from 'selenium-webdriver';
import { HtmlReporter } from '../../src/report/html.ts';
import { computeSummary } from '../../src/report/summary.ts';
import type { DetectorIdentity, SiteResult } from '../../src/types.ts';
import { sampleResults, sampleRunInfo } from './fixtures.ts';
import { tempDirEach } from '../helpers/temp.ts';
import { reportBrowserAll } from './report-browser.ts';

const detector: DetectorIdentity = { name: 'mine.ts', kind: 'file', file: 'mine.ts', sha256: '0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef' };

function knownResults(): SiteResult[] {
  const results = sampleResults().map((r) => ({ ...r, detector }));
  const signup = results.find((r) => r.id === 'shop/signup')!;
  // Still failing, and marked: a known failure, not a failure of the run.
  results.push({ ...signup, id: 'legacy/captcha', url: 'https://legacy.example/', known: { reason: 'TICKET-7: a captcha first', state: 'failing' } });
  // Marked, and passing now: fixed, to be removed from the known failures.
  results.find((r) => r.id === 'acme/login-fr')!.known = { reason: 'TICKET-9: the French form', state: 'fixed' };
  return results;
}

describe('html report in a browser: known failures and the detector', function () {
  this.timeout(120_000);
  const tmp = tempDirEach('html-known-');
  const browser = reportBrowserAll();
  const { shown, rowIds } = browser;
  const choose = (value: string) => browser.choose('status', value);
  let url: string;

  beforeEach(async () => {
    const results = knownResults();
    // The reporter as a run drives it: the detector comes with the run's start.
    const reporter = new HtmlReporter({ dir: 'report', cwd: tmp.path });
    reporter.onBegin({ ...sampleRunInfo(), detector });
    await reporter.onEnd(results, computeSummary(results, { wallMs: 60_000, concurrency: 2, sessionsCreated: 3 }));
    url = pathToFileURL(path.join(tmp.path, 'report', 'index.html')).href;
  });

  const chip = async (id: string) =>
    browser.driver.executeScript<[string, string, string]>(
      'var row = [...document.querySelectorAll("#rows .row")].find(r => r.querySelector(".id").title === arguments[0]); var b = row.querySelector(".badge"); return [b.textContent, getComputedStyle(b).backgroundColor, b.title]',
      id,
    );

  it('names the detector in the header', async () => {
    await browser.driver.get(url);
    assert.equal(await browser.driver.findElement(By.css('header .detector')).getText(), 'detector mine.ts (file, sha256 0123456789ab)');
  });

  it('shows a known failure and a fixed one with chips of their own colours, and counts them apart from the failures', async () => {
    await browser.driver.get(url);
    const counts = await browser.driver.findElement(By.css('header .counts')).getText();
    assert.match(counts, /\b1 failed\b/, 'the known failure is not counted as failed');
    assert.match(counts, /\b1 known failures\b/);
    assert.match(counts, /\b1 fixed known failures\b/);
    const [knownText, knownColour, knownTitle] = await chip('legacy/captcha');
    const [fixedText, fixedColour, fixedTitle] = await chip('acme/login-fr');
    const [failedText, failedColour] = await chip('shop/signup');
    assert.equal(knownText, 'known failure');
    assert.equal(knownTitle, 'known failure: TICKET-7: a captcha first');
    assert.equal(fixedText, 'fixed');
    assert.equal(fixedTitle, 'fixed: passes now, remove it from the known failures (TICKET-9: the French form)');
    assert.equal(failedText, 'failed');
    assert.equal(new Set([knownColour, fixedColour, failedColour]).size, 3, `three colours: ${knownColour}, ${fixedColour}, ${failedColour}`);
    // Real failures and errors first, then the known failures with the changed sites.
    assert.deepEqual((await rowIds()).slice(0, 3), ['shop/signup', 'slow/never-loads', 'acme/login-fr']);
  });

  it('filters by known failure and by fixed, keeps it in the URL hash, and opens a known failure with its reason', async () => {
    await browser.driver.get(url);
    await choose('known');
    assert.equal(await shown(), '1 of 6 shown');
    assert.deepEqual(await rowIds(), ['legacy/captcha']);
    assert.match(await browser.driver.getCurrentUrl(), /#status=known$/);
    await choose('failed');
    assert.deepEqual(await rowIds(), ['shop/signup'], 'failed is what fails the run, as the counts say');
    await choose('known-fixed');
    assert.deepEqual(await rowIds(), ['acme/login-fr']);
    assert.match(await browser.driver.getCurrentUrl(), /#status=known-fixed$/);

    await browser.driver.get(`${url}#status=known`);
    assert.equal(await browser.driver.findElement(By.css('select[name=status]')).getAttribute('value'), 'known');
    assert.deepEqual(await rowIds(), ['legacy/captcha']);
    await browser.driver.findElement(By.css('#rows .row')).click();
    const detail = browser.driver.findElement(By.id('detail'));
    await browser.driver.wait(until.elementIsVisible(detail), 5000);
    assert.match(await detail.findElement(By.css('h2')).getText(), /^known failure legacy\/captcha$/);
    assert.equal(await detail.findElement(By.css('p.known')).getText(), 'known failure: TICKET-7: a captcha first');
    assert.match(await browser.driver.getCurrentUrl(), /#status=known&site=legacy%2Fcaptcha$/);
  });
});
