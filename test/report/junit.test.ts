import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { buildJUnit, JUnitReporter } from '../../src/report/junit.ts';
import { computeSummary } from '../../src/report/summary.ts';
import type { SiteResult } from '../../src/types.ts';
import { sampleResults, sampleRunInfo, sampleSites } from './fixtures.ts';
import { tempDir } from '../helpers/temp.ts';

type Node = Record<string, any>;

const parser = new XMLParser({
  ignoreAttributes: false,
  attributeNamePrefix: '',
  parseAttributeValue: false,
  textNodeName: '#text',
  isArray: (name) => ['testsuite', 'testcase', 'property', 'flakyFailure', 'flakyError'].includes(name),
});

function parse(xml: string): Node[] {
  assert.equal(XMLValidator.validate(xml), true, 'JUnit output is well-formed XML');
  const doc = parser.parse(xml);
  return doc.testsuites.testsuite[0].testcase as Node[];
}

function props(tc: Node): Record<string, string> {
  return Object.fromEntries((tc.properties?.property ?? []).map((p: Node) => [p.name, p.value]));
}

const summary = (results: SiteResult[]) => computeSummary(results, { wallMs: 30_000, concurrency: 2, sessionsCreated: 3 });

describe('junit reporter', () => {
  const results = sampleResults();
  const xml = buildJUnit(results, summary(results), { sites: sampleSites(results), runId: 'run-1', cwd: '/ws' });
  const cases = parse(xml);
  const byName = new Map(cases.map((c) => [c.name as string, c]));

  it('writes one testcase per site, named by site id', () => {
    assert.equal(cases.length, results.length);
    assert.deepEqual(cases.map((c) => c.name), results.map((r) => r.id));
  });

  it('keeps counts in the testsuite attributes equal to the results', () => {
    const doc = parser.parse(xml);
    const suite = doc.testsuites.testsuite[0];
    assert.equal(suite.name, 'grid-run');
    assert.equal(suite.tests, '5');
    assert.equal(suite.failures, '1');
    assert.equal(suite.errors, '1');
    assert.equal(suite.skipped, '1');
    assert.equal(doc.testsuites.tests, '5');
  });

  it('uses <failure> for a detection mismatch with the verdict\'s problems, and no other', () => {
    const tc = byName.get('shop/signup')!;
    assert.ok(tc.failure, 'has failure');
    assert.equal(tc.error, undefined);
    assert.equal(tc.failure.type, 'DetectionMismatch');
    assert.equal(tc.failure.message, 'login: expected no login form, detected one (step full, password #pass)');
    assert.match(tc.failure['#text'], /\nlogin: expected no login form, detected one \(step full, password #pass\)\n/);
    // The verdict never compared the password (the login answer was already wrong): no password problem.
    assert.doesNotMatch(tc.failure['#text'], /password: expected/);
  });

  it('uses <error> for an infrastructure error, never <failure>', () => {
    const tc = byName.get('slow/never-loads')!;
    assert.ok(tc.error);
    assert.equal(tc.failure, undefined);
    assert.equal(tc.error.type, 'InfrastructureError');
    assert.match(tc.error.message, /page load timed out after 20000ms on node-a/);
  });

  it('marks a skipped site with its reason', () => {
    const tc = byName.get('<script>alert(1)</script>')!;
    assert.equal(tc.skipped.message, 'not run: interrupted by SIGINT');
    assert.equal(tc.failure, undefined);
    assert.equal(tc.error, undefined);
  });

  it('adds per-testcase properties', () => {
    const p = props(byName.get('acme/login-fr')!);
    assert.equal(p.url, 'https://acme.example/fr/connexion');
    assert.equal(p.node, 'node-a');
    assert.equal(p.session, 's1');
    assert.equal(p.attempt, '1');
    assert.equal(p['browser.version'], '131.0');
    assert.equal(p.locale, 'fr');
    assert.equal(p.tags, 'multi-step,fr');
  });

  it('sets time from the final attempt and classname from the list file', () => {
    const tc = byName.get('flaky/modal')!;
    assert.equal(tc.time, '0.65');
    assert.equal(tc.classname, 'grid-run.list-1');
    assert.equal(byName.get('acme/login-fr')!.classname, 'grid-run.list-0');
    assert.equal(byName.get('acme/login-fr')!.file, 'sites/list-0.json');
  });

  it('reports a pass after retries as flaky, one entry per earlier bad attempt', () => {
    const tc = byName.get('flaky/modal')!;
    assert.equal(tc.failure, undefined);
    assert.equal(tc.error, undefined);
    assert.equal(tc.flakyFailure.length, 1);
    assert.match(tc.flakyFailure[0].message, /attempt 1 failed: username: expected "#u", detected none/);
    assert.equal(tc.flakyError.length, 1);
    assert.match(tc.flakyError[0].message, /attempt 2 errored: node lost/);
    assert.equal(props(tc).flaky, 'true');
    assert.equal(byName.get('acme/login-fr')!.flakyFailure, undefined);
  });

  it('links screenshots as attachments in system-out', () => {
    assert.match(byName.get('acme/login-fr')!['system-out'], /\[\[ATTACHMENT\|\/ws\/report\/screenshots\/acme-login-fr\.png\]\]/);
    assert.doesNotMatch(String(byName.get('slow/never-loads')!['system-out']), /ATTACHMENT/);
  });

  it('survives hostile text: CDATA terminators and control characters', () => {
    const [r] = sampleResults();
    const bad: SiteResult = {
      ...r!,
      id: 'x]]>y',
      status: 'failed',
      message: 'a]]>b]]>c\u0001',
      detection: { ...r!.detection!, signals: [']]>', ']]>'] },
    };
    const out = buildJUnit([bad], summary([bad]));
    const [tc] = parse(out);
    assert.equal(tc!.name, 'x]]>y');
    assert.match(tc!.failure.message, /a\]\]>b\]\]>c/);
  });

  it('writes a valid document for an empty or fully skipped run', () => {
    assert.equal(parse(buildJUnit([], summary([]))), undefined);
    const skipped = sampleResults().map((r) => ({ ...r, status: 'skipped' as const, attempts: [], flaky: false }));
    const doc = parser.parse(buildJUnit(skipped, { ...summary(skipped), interrupted: 'SIGTERM' }));
    assert.equal(doc.testsuites.testsuite[0].skipped, '5');
    assert.equal(doc.testsuites.testsuite[0].testcase.length, 5);
  });

  it('as a Reporter, writes the file on onEnd', async () => {
    const dir = await tempDir('junit-');
    const file = path.join(dir, 'out', 'junit.xml');
    const rep = new JUnitReporter(file);
    rep.onBegin(sampleRunInfo());
    await rep.onEnd(results, summary(results));
    const written = await readFile(file, 'utf8');
    assert.equal(parse(written).length, 5);
    assert.match(written, /name="run.id" value="run-1"/);
  });
});
