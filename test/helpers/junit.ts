import { readFile } from 'node:fs/promises';
import { XMLParser, XMLValidator } from 'fast-xml-parser';

export type JUnitCase = { name: string; status: 'passed' | 'failed' | 'error' | 'skipped'; message?: string; properties: Record<string, string> };

/** `<properties><property name value/>...` as a map. */
function propertiesOf(el: { properties?: { property?: { name: string; value: string }[] } }): Record<string, string> {
  return Object.fromEntries((el.properties?.property ?? []).map((p) => [p.name, String(p.value)]));
}

/** Parses a JUnit file (throws if it is not well-formed) into its testcases and suite counts. */
export async function readJUnit(file: string): Promise<{ cases: JUnitCase[]; counts: Record<string, number>; properties: Record<string, string> }> {
  const xml = await readFile(file, 'utf8');
  const valid = XMLValidator.validate(xml);
  if (valid !== true) throw new Error(`${file} is not well-formed XML: ${JSON.stringify(valid.err)}`);
  const doc = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: '', isArray: (name) => ['testsuite', 'testcase', 'property'].includes(name) }).parse(xml);
  const suites = doc.testsuites?.testsuite ?? doc.testsuite ?? [];
  const cases: JUnitCase[] = [];
  const counts = { tests: 0, failures: 0, errors: 0, skipped: 0 };
  const properties: Record<string, string> = {};
  for (const suite of suites) {
    Object.assign(properties, propertiesOf(suite));
    for (const key of Object.keys(counts) as (keyof typeof counts)[]) counts[key] += Number(suite[key] ?? 0);
    for (const tc of suite.testcase ?? []) {
      const status = tc.failure !== undefined ? 'failed' : tc.error !== undefined ? 'error' : tc.skipped !== undefined ? 'skipped' : 'passed';
      const detail = tc.failure ?? tc.error ?? tc.skipped;
      cases.push({ name: String(tc.name), status, message: typeof detail === 'object' ? detail.message : undefined, properties: propertiesOf(tc) });
    }
  }
  return { cases, counts, properties };
}
