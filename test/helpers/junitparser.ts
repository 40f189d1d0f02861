// Reads a JUnit file with a real JUnit consumer, Debian's python3-junitparser (the library
// CI tools and scripts use to read JUnit), not with the project's own parser.
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';

export type ParsedCase = {
  name: string;
  classname: string;
  time: string;
  /** The result elements: `failure`, `error`, `skipped`; none for a pass. */
  results: { tag: string; message: string | null; type: string | null }[];
  systemOut: string | null;
};
export type ParsedSuite = { name: string; tests: number; failures: number; errors: number; skipped: number; time: string; properties: Record<string, string>; cases: ParsedCase[] };

const script = `
import json, sys
from junitparser import JUnitXml, TestSuite
xml = JUnitXml.fromfile(sys.argv[1])
suites = [xml] if isinstance(xml, TestSuite) else list(xml)
out = []
for s in suites:
    cases = []
    for c in s:
        cases.append({'name': c.name, 'classname': c.classname, 'time': c._elem.get('time'),
                      'results': [{'tag': r._tag, 'message': r.message, 'type': r.type} for r in c.result],
                      'systemOut': c.system_out})
    out.append({'name': s.name, 'tests': s.tests, 'failures': s.failures, 'errors': s.errors, 'skipped': s.skipped,
                'time': s._elem.get('time'), 'properties': {p.name: p.value for p in s.properties()}, 'cases': cases})
print(json.dumps(out))
`;

/** Debian's Python, where apt-get installs python3-junitparser (a pyenv python3 may come first on PATH). */
const python = '/usr/bin/python3';

export async function parseWithJunitparser(file: string): Promise<ParsedSuite[]> {
  const { stdout } = await promisify(execFile)(python, ['-c', script, file], { maxBuffer: 256 * 1024 * 1024 });
  return JSON.parse(stdout) as ParsedSuite[];
}
