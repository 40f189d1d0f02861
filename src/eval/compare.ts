// Several detectors on the same page loads: where their answers part.
import type { FieldName } from '../types.ts';
import type { PageRecord } from './metrics.ts';

export type DetectorAnswer = { detector: string; login: boolean; fields: Partial<Record<FieldName, boolean>>; failure?: string };
export type Disagreement = { id: string; expectedLogin?: boolean; answers: DetectorAnswer[] };

function answerOf(detector: string, r: PageRecord): DetectorAnswer {
  const fields = Object.fromEntries(r.fields.map((f) => [f.field, f.correct]));
  return { detector, login: r.detectedLogin, fields, ...(r.failure === undefined ? {} : { failure: r.failure }) };
}

const key = (a: DetectorAnswer) => JSON.stringify([a.login, a.fields.username, a.fields.password, a.fields.submit]);

/**
 * The pages where the detectors found a login form differently, or got a labelled field right
 * and wrong. `runs[i]` is detector `labels[i]`'s records, page for page. Pages on which any of
 * them met an infrastructure error are left out: there is nothing to compare.
 */
export function disagreements(labels: readonly string[], runs: readonly PageRecord[][]): Disagreement[] {
  const out: Disagreement[] = [];
  const pages = runs[0]?.length ?? 0;
  for (let i = 0; i < pages; i++) {
    const records = runs.map((run) => run[i]!);
    if (records.some((r) => r.error !== undefined)) continue;
    const answers = records.map((r, d) => answerOf(labels[d]!, r));
    if (new Set(answers.map(key)).size > 1) out.push({ id: records[0]!.id, expectedLogin: records[0]!.expectedLogin, answers });
  }
  return out;
}

/** Names that tell the detectors apart: their names, or their files when two share a name. */
export function detectorLabels(identities: readonly { name: string; file?: string }[]): string[] {
  const names = identities.map((d) => d.name);
  return identities.map((d) => (names.filter((n) => n === d.name).length > 1 && d.file ? d.file : d.name));
}
