// Known failures: sites marked with a reason (a ticket), in the site list (`"known"`) or in a
// --known-failures file. A known failure that still fails does not fail the run; one that
// passes is reported as fixed, so the mark does not outlive the bug.
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { InputError, errorMessage, type InputProblem } from '../errors.ts';
import type { KnownOutcome, Site, SiteStatus } from '../types.ts';

/**
 * Reads a known-failures file: one `SITE-ID REASON` a line (the id ends at the first space or
 * tab), blank lines and `#` comments ignored. Every problem is reported at once, with file:line.
 */
export async function readKnownFailures(file: string, cwd: string, sites: readonly Site[]): Promise<Map<string, string>> {
  const shown = path.relative(cwd, file) || file;
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (err) {
    throw new InputError([{ file: shown, line: 0, field: 'file', expected: `a readable known-failures file (${(err as NodeJS.ErrnoException).code ?? errorMessage(err)})` }]);
  }
  const ids = new Set(sites.map((s) => s.id));
  const known = new Map<string, string>();
  const lineOf = new Map<string, number>();
  const problems: InputProblem[] = [];
  text.split('\n').forEach((raw, index) => {
    const line = index + 1;
    const entry = raw.replace(/^\uFEFF/, '').trim();
    if (entry === '' || entry.startsWith('#')) return;
    const [, id = '', reason = ''] = /^(\S+)\s*(.*)$/.exec(entry) ?? [];
    if (reason === '') {
      problems.push({ file: shown, line, field: 'reason', expected: `a reason after the site id, like "${id} TICKET-123: why it fails"` });
    } else if (!ids.has(id)) {
      problems.push({ file: shown, line, field: 'id', expected: `the id of a site in the lists given, got "${id}"` });
    } else if (lineOf.has(id)) {
      problems.push({ file: shown, line, field: 'id', expected: `each site once, but "${id}" is also at line ${lineOf.get(id)}` });
    } else {
      known.set(id, reason);
      lineOf.set(id, line);
    }
  });
  if (problems.length) throw new InputError(problems);
  return known;
}

/** The sites with the file's marks added; the file's reason wins over the list's. */
export function markKnown(sites: readonly Site[], known: ReadonlyMap<string, string>): Site[] {
  return sites.map((s) => (known.has(s.id) ? { ...s, known: known.get(s.id)! } : s));
}

/** What became of a known failure; nothing for an unmarked site or one that did not reach a verdict. */
export function knownOutcome(reason: string | undefined, status: SiteStatus): KnownOutcome | undefined {
  if (reason === undefined) return undefined;
  if (status === 'failed') return { reason, state: 'failing' };
  if (status === 'passed') return { reason, state: 'fixed' };
  return undefined;
}
