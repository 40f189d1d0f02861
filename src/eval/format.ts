// The human-readable eval report.
import type { DetectorAnswer, Disagreement } from './compare.ts';
import type { Breakdown, EvalReport } from './metrics.ts';

const pctColumn = (v: number | null) => (v === null ? '   -  ' : `${(v * 100).toFixed(1).padStart(5)}%`);
const ms = (v: number | null) => (v === null ? '-' : `${v.toFixed(1)} ms`);

function row(name: string, b: Breakdown): string {
  const f = b.fields;
  return [
    name.padEnd(22),
    String(b.pages).padStart(5),
    `${String(b.tp).padStart(4)} ${String(b.fp).padStart(3)} ${String(b.fn).padStart(3)} ${String(b.tn).padStart(4)}`,
    pctColumn(b.precision),
    pctColumn(b.recall),
    pctColumn(b.f1),
    pctColumn(b.falseLoginRate),
    pctColumn(f.username.accuracy),
    pctColumn(f.password.accuracy),
    pctColumn(f.submit.accuracy),
  ].join('  ');
}

const HEADER = `${'group'.padEnd(22)}  pages    tp  fp  fn   tn  precis  recall      F1  falseL    user    pass  submit`;

export function formatReport(r: EvalReport, options: { misses?: number } = {}): string[] {
  const o = r.overall;
  const lines = [
    `pages ${o.pages}: login precision ${pctColumn(o.precision).trim()}, recall ${pctColumn(o.recall).trim()}, F1 ${pctColumn(o.f1).trim()}, false logins ${o.fp}/${o.fp + o.tn} (${pctColumn(o.falseLoginRate).trim()})`,
    `fields on login pages: username ${o.fields.username.correct}/${o.fields.username.total} (${pctColumn(o.fields.username.accuracy).trim()}), password ${o.fields.password.correct}/${o.fields.password.total} (${pctColumn(o.fields.password.accuracy).trim()}), submit ${o.fields.submit.correct}/${o.fields.submit.total} (${pctColumn(o.fields.submit.accuracy).trim()})`,
    `detection time: median ${ms(r.timing.medianMs)}, p95 ${ms(r.timing.p95Ms)}, max ${ms(r.timing.maxMs)} (in the browser, ${r.timing.pages} pages)`,
    '',
    HEADER,
    row('all', o),
    '',
    ...Object.entries(r.byTag).map(([k, b]) => row(`tag ${k}`, b)),
    '',
    ...Object.entries(r.byLocale).map(([k, b]) => row(`locale ${k}`, b)),
  ];
  const limit = options.misses ?? 50;
  if (r.misses.length) {
    lines.push('', `misses (${r.misses.length}${r.misses.length > limit ? `, first ${limit}` : ''}):`);
    for (const m of r.misses.slice(0, limit)) lines.push(`  ${m.id}: ${m.kind}: expected ${m.expected}; detected ${m.detected}${m.failure ? ` (the detector failed: ${m.failure})` : ''}`);
  }
  if (r.errors.length) {
    lines.push('', `errors (${r.errors.length}, not counted):`);
    for (const e of r.errors.slice(0, limit)) lines.push(`  ${e.id}: ${e.error}`);
  }
  return lines;
}

const COMPARE_HEADER = `${'detector'.padEnd(22)}  pages    tp  fp  fn   tn  precis  recall      F1  falseL    user    pass  submit`;

function describeAnswer(a: DetectorAnswer): string {
  if (a.failure) return `failed (${a.failure})`;
  const fields = Object.entries(a.fields).map(([f, ok]) => `${f} ${ok ? 'right' : 'wrong'}`);
  return [a.login ? 'login' : 'no login', ...fields].join(', ');
}

/** Several detectors side by side: one row each over all pages, then the pages where they part. */
export function formatComparison(labels: readonly string[], reports: readonly EvalReport[], parted: readonly Disagreement[], options: { misses?: number } = {}): string[] {
  const lines = [COMPARE_HEADER, ...reports.map((r, i) => row(labels[i]!, r.overall))];
  const limit = options.misses ?? 50;
  lines.push('', `pages where the detectors disagree (${parted.length}${parted.length > limit ? `, first ${limit}` : ''}):`);
  for (const d of parted.slice(0, limit)) {
    const expected = d.expectedLogin === undefined ? 'unlabelled' : d.expectedLogin ? 'labelled login' : 'labelled no login';
    lines.push(`  ${d.id} (${expected}): ${d.answers.map((a) => `${a.detector}: ${describeAnswer(a)}`).join('; ')}`);
  }
  return lines;
}
