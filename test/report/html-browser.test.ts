// The HTML report as a person uses it, in headless Chromium from file://: filters, search, a
// failed site's details with its screenshot, a link to one site, the timeline's lanes.
import assert from 'node:assert/strict';
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { By, until } from 'selenium-webdriver';
import { writeHtml } from '../../src/report/html.ts';
import { computeSummary } from '../../src/report/summary.ts';
import { sampleResults } from './fixtures.ts';
import { tempDirEach } from '../helpers/temp.ts';
import { reportBrowserAll } from './report-browser.ts';

// A 1x1 PNG: the page only has to load it.
const PNG = 'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==';

describe('html report in a browser', function () {
  this.timeout(120_000);
  const tmp = tempDirEach('html-browser-');
  const browser = reportBrowserAll();
  const { shown, rowIds, choose } = browser;
  let url: string;

  beforeEach(async () => {
    const results = sampleResults();
    const shot = path.join('report', 'screenshots', 'shop-signup.png');
    await mkdir(path.join(tmp.path, 'report', 'screenshots'), { recursive: true });
    await writeFile(path.join(tmp.path, shot), PNG, 'base64');
    results.find((r) => r.id === 'shop/signup')!.screenshot = shot;
    // acme/login-fr names a screenshot that is not there: nothing may fetch it until it is opened.
    const summary = computeSummary(results, { wallMs: 60_000, concurrency: 2, sessionsCreated: 3 });
    const file = await writeHtml(results, summary, { dir: 'report', cwd: tmp.path });
    url = pathToFileURL(file).href;
  });


  it('lists every site, filters by status and keeps the filter in the URL hash', async () => {
    await browser.driver.get(url);
    assert.equal(await shown(), '5 of 5 shown');
    assert.deepEqual(await rowIds(), ['shop/signup', 'slow/never-loads', 'flaky/modal', '<script>alert(1)</script>', 'acme/login-fr']);
    await choose('status', 'failed');
    assert.equal(await shown(), '1 of 5 shown');
    assert.deepEqual(await rowIds(), ['shop/signup']);
    assert.match(await browser.driver.getCurrentUrl(), /#status=failed$/);
    await choose('status', 'flaky');
    assert.deepEqual(await rowIds(), ['flaky/modal']);
    // The hostile id is shown as text, never run.
    assert.equal(await browser.driver.executeScript('return window.alerted === undefined && !document.querySelector("#rows script, #rows img")'), true);
  });

  it('searches ids and urls', async () => {
    await browser.driver.get(url);
    await browser.driver.findElement(By.css('input[name=q]')).sendKeys('ACME.example');
    assert.equal(await shown(), '1 of 5 shown');
    assert.deepEqual(await rowIds(), ['acme/login-fr']);
    assert.match(await browser.driver.getCurrentUrl(), /#q=ACME.example$/);
  });

  it('opens a failed site: its verdict, and its screenshot loaded only then', async () => {
    await browser.driver.get(url);
    assert.equal(await browser.driver.executeScript('return document.images.length'), 0, 'no screenshot before a site is opened');
    await browser.driver.findElement(By.css('#rows .row.failed')).click();
    const detail = browser.driver.findElement(By.id('detail'));
    await browser.driver.wait(until.elementIsVisible(detail), 5000);
    const text = await detail.getText();
    assert.match(text, /shop\/signup/);
    assert.match(text, /login: expected no login form, detected one \(step full, password #pass\)/);
    assert.doesNotMatch(text, /password: expected/, 'only the comparison the verdict made is a problem');
    const img = await detail.findElement(By.css('img.shot'));
    await browser.driver.wait(async () => (await browser.driver.executeScript('return arguments[0].complete && arguments[0].naturalWidth', img)) === 1, 5000, 'the screenshot loads');
    assert.match(await browser.driver.getCurrentUrl(), /#site=shop%2Fsignup$/);
  });

  it('follows a link with a hash to one site, and to a filtered view', async () => {
    await browser.driver.get(`${url}#site=${encodeURIComponent('acme/login-fr')}`);
    const detail = browser.driver.findElement(By.id('detail'));
    await browser.driver.wait(until.elementIsVisible(detail), 5000);
    assert.match(await detail.findElement(By.css('h2')).getText(), /^passed acme\/login-fr$/);
    // The verdict table: each comparison as made, the elements each selector named in the page.
    const verdict = await detail.findElement(By.css('table')).getText();
    assert.match(verdict, /login\s+yes\s+yes\s+yes/);
    assert.match(verdict, /password\s+#pw \(input#pw\)\s+#pw \(input#pw\)\s+yes/);
    await browser.driver.get(`${url.replace(/#.*/, '')}#status=passed&locale=fr`);
    assert.equal(await shown(), '1 of 5 shown');
    assert.equal(await browser.driver.findElement(By.css('select[name=locale]')).getAttribute('value'), 'fr');
    assert.equal(await detail.isDisplayed(), false);
  });

  it('draws one timeline lane per session of the run', async () => {
    await browser.driver.get(url);
    const lanes = await browser.driver.executeScript<string[]>('return [...document.querySelectorAll("#timeline g.lane")].map(g => g.dataset.session)');
    const sessions = new Set(sampleResults().flatMap((r) => r.attempts.map((a) => a.sessionId ?? '')));
    assert.deepEqual(new Set(lanes), sessions);
    assert.equal(lanes.length, sessions.size);
  });
});
