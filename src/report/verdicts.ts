// The words for a site's verdict, from the comparisons the verdict made (SiteResult.verdicts).
// The session builds its failure message with these and every reporter prints them: one judge.
import type { FieldVerdict, SiteResult } from '../types.ts';

/** `password: expected #pw (input#pw), detected #pw2 (input#pw2)`, `login: expected a login form, detected none (...)`. */
export function describeVerdict(v: FieldVerdict): string {
  if (v.against === 'baseline') return `${v.field}: baseline ${JSON.stringify(v.expected)}, now ${JSON.stringify(v.detected)}`;
  if (v.field === 'present' || v.field === 'absent') {
    if (v.match) return `expect.${v.field}: ${String(v.expected)}, as expected`;
    return v.field === 'present' ? `expect.present: ${String(v.expected)} matches nothing` : `expect.absent: ${String(v.expected)} matches an element`;
  }
  if (v.field === 'login') {
    const detail = v.detectedElement ? ` (${v.detectedElement})` : '';
    if (v.match) return `login: ${v.expected ? 'a login form' : 'no login form'}, as expected`;
    return v.expected ? `login: expected a login form, detected none${detail}` : `login: expected no login form, detected one${detail}`;
  }
  const side = (value: FieldVerdict['expected'], element: string | undefined) => {
    if (value === null || typeof value !== 'string') return 'none';
    return element === undefined || value === element ? value : `${shorten(value)} (${element})`;
  };
  return `${v.field}: expected ${side(v.expected, v.expectedElement)}, detected ${side(v.detected, v.detectedElement)}`;
}

/** The comparisons that failed, in words; empty for a pass, an error, or a result from before verdicts. */
export function problems(r: Pick<SiteResult, 'verdicts'>): string[] {
  return (r.verdicts ?? []).filter((v) => !v.match).map(describeVerdict);
}

/** The message of a failed verdict: its problems in one line, the baseline's introduced as such. */
export function verdictMessage(verdicts: readonly FieldVerdict[]): string | undefined {
  const failed = verdicts.filter((v) => !v.match);
  if (failed.length === 0) return undefined;
  const text = failed.map(describeVerdict).join('; ');
  return failed.every((v) => v.against === 'baseline') ? `differs from the baseline: ${text}` : text;
}

/** Corpus labels are long `html > body > ...` paths; their tail is what a person reads. */
function shorten(path: string): string {
  if (path.length <= 60) return path;
  const parts = path.split(' > ');
  return `... > ${parts.slice(-2).join(' > ')}`;
}
