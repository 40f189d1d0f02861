// GitHub Actions: `::error` annotations for the sites that fail the run and a Markdown job
// summary appended to $GITHUB_STEP_SUMMARY. Written here rather than with @actions/core, whose
// commands go to process.stdout and whose summary reads process.env: a run's output and
// environment are injected (the CLI runs in-process in tests).
import { appendFile, stat } from 'node:fs/promises';
import type { SiteResult } from '../types.ts';
import type { Reporter, RunInfo, RunSummary } from './reporter.ts';
import type { OutStream } from './console.ts';
import { failsRun, fixedMessage, formatDuration } from './summary.ts';

/** GitHub shows at most 10 error (and 10 warning) annotations per step; it drops the rest. */
export const MAX_ANNOTATIONS = 10;
/** GitHub refuses a step summary over 1 MiB. */
export const SUMMARY_LIMIT_BYTES = 1024 * 1024;

export type GitHubOptions = {
  stream: OutStream;
  /** $GITHUB_STEP_SUMMARY: the file the Markdown summary is appended to. */
  summaryFile?: string;
  /** An earlier run to compare with (the --history results.json): its results and what to call it. */
  compared?: { label: string; results: readonly SiteResult[] };
  /** Where the full reports are, as the notice names them. */
  outputs?: string[];
};

type ChangedSites = { regressions: SiteResult[]; newFailures: SiteResult[]; nowPassing: SiteResult[] };

/** Escapes a workflow command's message (@actions/core's escapeData). */
export function escapeData(s: string): string {
  return s.replaceAll('%', '%25').replaceAll('\r', '%0D').replaceAll('\n', '%0A');
}

/** Escapes a workflow command's property value (@actions/core's escapeProperty). */
export function escapeProperty(s: string): string {
  return escapeData(s).replaceAll(':', '%3A').replaceAll(',', '%2C');
}

function command(kind: 'error' | 'warning' | 'notice', props: Record<string, string | undefined>, message: string): string {
  const list = Object.entries(props)
    .filter(([, v]) => v !== undefined && v !== '')
    .map(([k, v]) => `${k}=${escapeProperty(v!)}`)
    .join(',');
  return `::${kind}${list ? ` ${list}` : ''}::${escapeData(message)}`;
}

export class GitHubReporter implements Reporter {
  #options: GitHubOptions;
  #sources = new Map<string, string>();
  constructor(options: GitHubOptions) {
    this.#options = options;
  }
  onBegin(info: RunInfo): void {
    this.#sources = new Map(info.sites.map((s) => [s.id, s.source]));
  }
  async onEnd(results: SiteResult[], summary: RunSummary): Promise<void> {
    const changes = this.#options.compared ? changedSites(this.#options.compared.results, results) : undefined;
    for (const line of annotationLines(results, summary, { sources: this.#sources, changes, outputs: this.#options.outputs })) {
      this.#options.stream.write(line + '\n');
    }
    const file = this.#options.summaryFile;
    if (!file) return;
    const existing = await stat(file).then((s) => s.size, () => 0);
    const markdown = stepSummary(results, summary, {
      sources: this.#sources,
      changes,
      comparedLabel: this.#options.compared?.label,
      budgetBytes: SUMMARY_LIMIT_BYTES - existing,
    });
    if (markdown) await appendFile(file, markdown);
  }
}

/** Regressions (passed in the compared run, fail now) first, then the other sites that fail the run. */
export function annotationLines(
  results: readonly SiteResult[],
  summary: RunSummary,
  context: { sources: ReadonlyMap<string, string>; changes?: ChangedSites; outputs?: string[] },
): string[] {
  const failing = results.filter((r) => failsRun(r, summary.strictKnown));
  const first = new Set(context.changes?.regressions ?? []);
  const ordered = [...failing.filter((r) => first.has(r)), ...failing.filter((r) => !first.has(r))];
  const lines = ordered.slice(0, MAX_ANNOTATIONS).map((r) => command('error', { ...where(r, context.sources), title: r.id }, failureText(r, first.has(r))));
  if (ordered.length > MAX_ANNOTATIONS) {
    const rest = ordered.length - MAX_ANNOTATIONS;
    const outputs = context.outputs?.length ? `${context.outputs.join(', ')} and ` : '';
    lines.push(
      command('notice', { title: 'grid-run' }, `${rest} more site(s) fail the run and are not annotated (GitHub shows ${MAX_ANNOTATIONS} per step); all ${ordered.length} are in ${outputs}the job summary`),
    );
  }
  const fixed = results.filter((r) => r.known?.state === 'fixed' && !failsRun(r, summary.strictKnown));
  for (const r of fixed.slice(0, MAX_ANNOTATIONS)) lines.push(command('warning', { ...where(r, context.sources), title: r.id }, fixedMessage(r)));
  return lines;
}

function where(r: SiteResult, sources: ReadonlyMap<string, string>): { file?: string; line?: string } {
  const m = /^(.*):(\d+)$/.exec(sources.get(r.id) ?? '');
  return m ? { file: m[1], line: m[2] } : {};
}

function failureText(r: SiteResult, regression = false): string {
  if (r.known?.state === 'fixed') return fixedMessage(r);
  const text = `${r.status === 'error' ? 'error' : 'failed'}: ${r.message ?? r.status}`;
  return regression ? `regression (passed in the compared run), ${text}` : text;
}

/** What changed between an earlier run and this one, by site id. */
export function changedSites(before: readonly SiteResult[], after: readonly SiteResult[]): ChangedSites {
  const old = new Map(before.map((r) => [r.id, r]));
  const changes: ChangedSites = { regressions: [], newFailures: [], nowPassing: [] };
  for (const r of after) {
    const was = old.get(r.id);
    const fails = failsRun(r);
    if (!was) {
      if (fails) changes.newFailures.push(r);
    } else if (fails && was.status === 'passed') changes.regressions.push(r);
    else if (!fails && r.status === 'passed' && failsRun(was)) changes.nowPassing.push(r);
  }
  return changes;
}

/**
 * The Markdown job summary, within `budgetBytes` (what GitHub's 1 MiB leaves after what the
 * step wrote before): tables are cut to fewer rows until it fits; '' when not even the counts do.
 */
export function stepSummary(
  results: readonly SiteResult[],
  summary: RunSummary,
  context: { sources: ReadonlyMap<string, string>; changes?: ChangedSites; comparedLabel?: string; budgetBytes: number },
): string {
  for (let rows = 50; rows >= 0; rows = rows > 5 ? Math.floor(rows / 2) : rows - 5) {
    const text = renderSummary(results, summary, context, rows);
    if (Buffer.byteLength(text) <= context.budgetBytes) return text;
  }
  return '';
}

function renderSummary(
  results: readonly SiteResult[],
  s: RunSummary,
  context: { sources: ReadonlyMap<string, string>; changes?: ChangedSites; comparedLabel?: string },
  rows: number,
): string {
  const out: string[] = [];
  const verdictWord = s.interrupted ? `interrupted (${s.interrupted})` : results.some((r) => failsRun(r, s.strictKnown)) ? 'failed' : 'passed';
  out.push(`## grid-run: ${verdictWord}`, '');
  out.push('| sites | passed | failed | errors | known failures | fixed | skipped | flaky | wall |');
  out.push('|---:|---:|---:|---:|---:|---:|---:|---:|---:|');
  out.push(`| ${s.total} | ${s.passed} | ${s.failed} | ${s.errors} | ${s.known} | ${s.fixed} | ${s.skipped} | ${s.flaky} | ${formatDuration(s.wallMs)} |`, '');

  if (context.changes) {
    const c = context.changes;
    out.push(`### Changes since ${cell(context.comparedLabel ?? 'the compared run')}`, '');
    const list = (label: string, sites: SiteResult[]) => {
      const shown = sites.slice(0, rows).map((r) => `\`${code(r.id)}\``);
      out.push(`- ${label}: ${sites.length}${shown.length ? ` (${shown.join(', ')}${sites.length > shown.length ? ', …' : ''})` : ''}`);
    };
    list('regressions (passed before)', c.regressions);
    list('failing, not in the compared run', c.newFailures);
    list('passing again', c.nowPassing);
    out.push('');
  }

  const failing = results.filter((r) => failsRun(r, s.strictKnown));
  if (failing.length && rows > 0) {
    out.push(`### Failures${failing.length > rows ? ` (first ${rows} of ${failing.length})` : ''}`, '');
    out.push('| site | verdict | list |', '|---|---|---|');
    for (const r of failing.slice(0, rows)) out.push(`| \`${code(r.id)}\` | ${cell(failureText(r))} | ${cell(context.sources.get(r.id) ?? '')} |`);
    out.push('');
  }

  const known = results.filter((r) => r.known && !failsRun(r, s.strictKnown));
  if (known.length && rows > 0) {
    out.push(`### Known failures${known.length > rows ? ` (first ${rows} of ${known.length})` : ''}`, '');
    out.push('| site | state | reason |', '|---|---|---|');
    for (const r of known.slice(0, rows)) {
      out.push(`| \`${code(r.id)}\` | ${r.known!.state === 'fixed' ? 'fixed: remove it from the known failures' : 'still failing'} | ${cell(r.known!.reason)} |`);
    }
    out.push('');
  }

  const locales = localeMetrics(results);
  if (locales.length && rows > 0) {
    out.push('### Labelled sites per locale', '');
    out.push('| locale | sites | passed | failed | errors | known failures | pass rate |', '|---|---:|---:|---:|---:|---:|---:|');
    for (const m of locales.slice(0, rows)) {
      const ran = m.sites - m.skipped;
      out.push(`| ${cell(m.locale)} | ${m.sites} | ${m.passed} | ${m.failed} | ${m.errors} | ${m.known} | ${ran ? `${((m.passed * 100) / ran).toFixed(1)}%` : '-'} |`);
    }
    if (locales.length > rows) out.push('', `… and ${locales.length - rows} more locales (see the HTML report)`);
    out.push('');
  }
  return out.join('\n') + '\n';
}

type LocaleMetrics = { locale: string; sites: number; passed: number; failed: number; errors: number; known: number; skipped: number };

/** Per locale, the sites with an expectation (record-only sites have nothing to pass or fail). */
function localeMetrics(results: readonly SiteResult[]): LocaleMetrics[] {
  const by = new Map<string, LocaleMetrics>();
  for (const r of results) {
    if (!r.expect) continue;
    const locale = r.locale ?? '(none)';
    const m = by.get(locale) ?? { locale, sites: 0, passed: 0, failed: 0, errors: 0, known: 0, skipped: 0 };
    by.set(locale, m);
    m.sites++;
    if (r.known?.state === 'failing') m.known++;
    else if (r.status === 'passed') m.passed++;
    else if (r.status === 'failed') m.failed++;
    else if (r.status === 'error') m.errors++;
    else m.skipped++;
  }
  return [...by.values()].sort((a, b) => b.sites - a.sites || (a.locale < b.locale ? -1 : 1));
}

/** A table cell: one line, no pipe that would end it, no HTML, at most 300 characters. */
function cell(s: string): string {
  const one = s.replace(/\s*\n\s*/g, ' ').replaceAll('|', '\\|').replaceAll('<', '&lt;');
  return one.length > 300 ? `${one.slice(0, 299)}…` : one;
}

/** Inside backticks: no backtick that would end the code span. */
function code(s: string): string {
  return s.replaceAll('`', "'").replaceAll('|', '\\|');
}
