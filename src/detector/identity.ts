// Who produced a Detection, for results.json, JUnit and dry-run.
import { version } from '../version.ts';
import type { DetectorIdentity } from '../types.ts';

export const builtinIdentity: DetectorIdentity = Object.freeze({ name: 'builtin', kind: 'builtin', version });

/** `name (file, sha256 …)` in one line, for the console. */
export function describeIdentity(d: DetectorIdentity): string {
  const details = [d.kind === 'builtin' ? undefined : d.kind, d.file && d.file !== d.name ? d.file : undefined, d.version && `version ${d.version}`, d.sha256 && `sha256 ${d.sha256.slice(0, 12)}`];
  const shown = details.filter(Boolean);
  return shown.length ? `${d.name} (${shown.join(', ')})` : d.name;
}

/** The identity as JUnit testsuite properties: `grid-run.detector`, `grid-run.detector.kind`, ... */
export function identityProperties(d: DetectorIdentity): [string, string][] {
  const props: [string, string | undefined][] = [
    ['grid-run.detector', d.name],
    ['grid-run.detector.kind', d.kind],
    ['grid-run.detector.file', d.file],
    ['grid-run.detector.sha256', d.sha256],
    ['grid-run.detector.version', d.version],
  ];
  return props.filter((p): p is [string, string] => p[1] !== undefined);
}
