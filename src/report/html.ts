// report/index.html: one self-contained page (no network: CI artefact viewers and file:// alike)
// that stays fast at 10,000 sites. The rows travel as one JSON block and the page's script
// draws only those in view; a click opens a site's details (a line of a second block, parsed
// only then) and only then loads its screenshot. The pictures are inline SVG made here; the view is kept in the URL hash.
import path from 'node:path';
import { describeIdentity } from '../detector/identity.ts';
import type { DetectorIdentity, SiteResult } from '../types.ts';
import { FIELDS } from '../types.ts';
import type { Reporter, RunInfo, RunSummary } from './reporter.ts';
import { writeFileAtomic } from './atomic.ts';
import { formatDuration, redactUrl } from './summary.ts';
import { changesById, compareRuns, comparisonCounts, describeChanges, pct, type Comparison, type CompareWith } from './compare.ts';
import type { Breakdown, EvalReport } from '../eval/metrics.ts';
import { encodeDetails, encodeRow, escapeHtml, knownWords, relativeHref, scriptJson, StringTable } from './html-data.ts';

export { escapeHtml };
import { byLocale, byTag, groupTallies, histogramSvg, passRateSvg, timelineSvg } from './html-pictures.ts';
import { CSS, SCRIPT } from './html-page.ts';

export type HtmlOptions = {
  /** The report directory; screenshot links are made relative to it. */
  dir: string;
  title?: string;
  runId?: string;
  gridUrl?: string;
  startedAt?: Date;
  /** `dir` and screenshot paths in results are resolved against this. */
  cwd?: string;
  /** What changed since an earlier run (`--compare`): shown first, and a "change" filter. */
  comparison?: Comparison;
  /** `eval`: the metrics per locale and per tag, and the misses. */
  evaluation?: EvalReport;
  /** The run's detector; the header also names any other that a result records (a merged report). */
  detector?: DetectorIdentity;
};

// Problems first, so a person opening the report sees what needs action without filtering; a
// known failure still failing is no news, so it comes after them, with the changed sites.
const STATUS_ORDER = { failed: 0, error: 1, skipped: 3, passed: 4 } as const;
const rankOf = (r: SiteResult, changed: boolean) => (r.known || (r.status === 'passed' && (changed || r.flaky)) ? 2 : STATUS_ORDER[r.status]);

/** The status chip of a row: a known failure's outcome in place of its status (html-page.ts `badge` draws the same). */
function badge(r: SiteResult): string {
  const [cls, label] = r.known ? (r.known.state === 'fixed' ? ['known-fixed', 'fixed'] : ['known', 'known failure']) : [r.status, r.status];
  return `<span class="badge ${cls}"${r.known ? ` title="${escapeHtml(knownWords(r))}"` : ''}>${label}</span>`;
}

export function buildHtml(results: readonly SiteResult[], summary: RunSummary, opts: HtmlOptions): string {
  return [...htmlPieces(results, summary, opts)].join('');
}

/** The report in pieces, one site each, so that a report of 10,000 sites is never one string. */
export function* htmlPieces(results: readonly SiteResult[], summary: RunSummary, opts: HtmlOptions): Generator<string> {
  const title = opts.title ?? 'grid-run report';
  const changes = opts.comparison ? changesById(opts.comparison) : undefined;
  // Changed passing sites come right after the failures and errors.
  const rank = (r: SiteResult) => rankOf(r, !!changes?.has(r.id));
  const sorted = [...results].sort((a, b) => rank(a) - rank(b) || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  const tags = [...new Set(results.flatMap((r) => r.tags))].sort();
  const locales = [...new Set(results.map((r) => r.locale).filter((l): l is string => !!l))].sort();
  const nodes = [...new Set(results.flatMap((r) => r.attempts.map((a) => a.node).filter((n): n is string => !!n)))].sort();
  const options = (values: string[]) => values.map((v) => `<option value="${escapeHtml(v)}">${escapeHtml(v)}</option>`).join('');
  const cwd = opts.cwd ?? process.cwd();
  const reportDir = path.resolve(cwd, opts.dir);
  const starts = results.flatMap((r) => r.attempts.map((a) => Date.parse(a.startedAt))).filter(Number.isFinite);
  const t0 = starts.length ? Math.min(...starts) : 0;

  const counts: Array<[string, number, string]> = [
    ['total', summary.total, ''],
    ['passed', summary.passed, 'passed'],
    ['failed', summary.failed, 'failed'],
    ['errors', summary.errors, 'error'],
    ['skipped', summary.skipped, 'skipped'],
    ['flaky', summary.flaky, 'flaky'],
  ];
  const anyKnown = results.some((r) => r.known);
  if (anyKnown) counts.splice(3, 0, ['known failures', summary.known, 'known'], ['fixed known failures', summary.fixed, 'known-fixed']);
  const detectors = new Map<string, DetectorIdentity>();
  for (const d of [opts.detector, ...results.map((r) => r.detector)]) if (d) detectors.set(describeIdentity(d), d);
  const meta = [
    opts.runId && `run ${escapeHtml(opts.runId)}`,
    opts.gridUrl && `grid ${escapeHtml(redactUrl(opts.gridUrl))}`,
    detectors.size && `<span class="detector">${detectors.size > 1 ? 'detectors' : 'detector'} ${[...detectors.keys()].map(escapeHtml).join('; ')}</span>`,
    opts.startedAt && `started ${escapeHtml(opts.startedAt.toISOString())}`,
    `wall ${escapeHtml(formatDuration(summary.wallMs))}`,
    `${escapeHtml(summary.sitesPerMinute)} sites/min`,
    `slot utilisation ${escapeHtml(Math.round(summary.slotUtilisation * 100))}%`,
    `${escapeHtml(summary.sessionsCreated)} sessions`,
  ].filter(Boolean);
  const ran = results.filter((r) => r.attempts.length > 0 && r.status !== 'skipped');

  yield `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; img-src 'self' data: file:; style-src 'unsafe-inline'; script-src 'unsafe-inline'">
<title>${escapeHtml(title)}</title>
<style>${CSS}</style>
</head>
<body>
<header>
<h1>${escapeHtml(title)}</h1>
${summary.interrupted ? `<p class="interrupted">Partial run: ${escapeHtml(summary.interrupted)}</p>` : ''}
<ul class="counts">${counts.map(([label, n, cls]) => `<li class="${cls}"><b>${escapeHtml(n)}</b> ${escapeHtml(label)}</li>`).join('')}</ul>
<p class="meta">${meta.join(' · ')}</p>
</header>
`;
  if (opts.comparison) yield comparisonSection(opts.comparison);
  if (opts.evaluation) yield evaluationSection(opts.evaluation);
  yield `<details class="pictures" open><summary>Pictures of the run</summary>
<figure class="wide"><figcaption>Timeline: one lane per browser session; green passed, red failed, amber error; ▼ a retry or requeue, ✕ a lost session</figcaption>${timelineSvg(results)}</figure>
<div class="row-of-pictures">${passRateSvg('Pass rate by locale', groupTallies(results, byLocale))}${passRateSvg('Pass rate by tag', groupTallies(results, byTag))}${histogramSvg('Page load', ran.map((r) => r.timings.loadMs))}${histogramSvg('Detection', ran.map((r) => r.timings.detectMs))}</div>
</details>
<form class="filters" id="filters">
<label>Status <select name="status"><option value="">all</option><option value="passed">passed</option><option value="failed">failed</option><option value="error">error</option><option value="skipped">skipped</option><option value="flaky">flaky</option>${anyKnown ? '<option value="known">known failure</option><option value="known-fixed">fixed known failure</option>' : ''}</select></label>
<label>Tag <select name="tag"><option value="">all</option>${options(tags)}</select></label>
<label>Locale <select name="locale"><option value="">all</option>${options(locales)}</select></label>
<label>Node <select name="node"><option value="">all</option>${options(nodes)}</select></label>
${opts.comparison ? `<label>Change <select name="change"><option value="">all</option><option value="any">any change</option><option value="newly-failing">newly failing</option><option value="fixed">fixed</option><option value="detection-changed">detection changed</option><option value="new">new</option><option value="flaky">flaky</option></select></label>` : ''}
<label>Search <input name="q" type="search" placeholder="id or url"></label>
<output id="shown">${results.length} of ${results.length} shown</output>
</form>
<div class="head row"><span class="st">status</span><span class="id">site</span><span class="lc">locale</span><span class="tg">tags</span><span class="ms">time</span><span class="rs">reason</span></div>
<main id="rows" aria-live="polite" style="height:${sorted.length * ROW_PX}px">${sorted.slice(0, FIRST_ROWS).map((r, i) => firstRow(r, i, changes)).join('')}</main>
<script>requestAnimationFrame(function(){ setTimeout(function(){ performance.mark('grid-run:first-screen'); }, 0); });</script>
<noscript><p>The site list needs JavaScript; results.json and junit.xml hold the same data.</p></noscript>
<aside id="detail" hidden></aside>
<script type="application/json" id="data">{"sites":[`;
  const encode = { t0, changes, screenshotHref: (file: string) => relativeHref(reportDir, path.resolve(cwd, file)) };
  const rows = new StringTable();
  for (let i = 0; i < sorted.length; i++) yield `${i ? ',' : ''}${scriptJson(encodeRow(sorted[i]!, rows, encode))}`;
  yield `],"strings":${scriptJson(rows.strings)}}</script>
<script type="text/plain" id="details">`;
  // One line per site, in row order, then the strings: the page parses a line only when its site is opened.
  const details = new StringTable();
  for (const r of sorted) yield `${scriptJson(encodeDetails(r, details, encode))}\n`;
  yield `${scriptJson(details.strings)}</script>
<script>${SCRIPT}</script>
</body>
</html>
`;
}

/** Row height in px; the page's script (html-page.ts) draws rows as tall. */
const ROW_PX = 28;
/** Rows written into the page itself, so the first screen is painted before the script has read the data. */
const FIRST_ROWS = 40;

/** A row as the page's script draws it (html-page.ts `row`), for the first screen. */
function firstRow(r: SiteResult, i: number, changes: ReadonlyMap<string, readonly string[]> | undefined): string {
  const marks = (changes?.get(r.id) ?? []).filter((c) => c !== 'flaky').map((c) => ` <span class="chg">${escapeHtml(c)}</span>`).join('');
  return (
    `<div class="row ${r.status}" style="top:${i * ROW_PX}px"><span class="st">${badge(r)}${r.flaky ? ' <span class="chg">flaky</span>' : ''}</span>` +
    `<span class="id" title="${escapeHtml(r.id)}">${escapeHtml(r.id)}${marks}</span><span class="lc">${escapeHtml(r.locale ?? '')}</span><span class="tg">${escapeHtml(r.tags.join(', '))}</span>` +
    `<span class="ms">${escapeHtml(formatDuration(r.attempts.at(-1)?.durationMs ?? r.timings.totalMs))}</span><span class="rs" title="${escapeHtml(r.message ?? '')}">${escapeHtml(r.message ?? '')}</span></div>`
  );
}

function comparisonSection(c: Comparison): string {
  const filterOf: Record<string, string> = { 'newly failing': 'newly-failing', fixed: 'fixed', 'detection changed': 'detection-changed', new: 'new', flaky: 'flaky' };
  const items = comparisonCounts(c)
    .map(([label, n]) => {
      const f = filterOf[label];
      return `<li class="${escapeHtml(f ?? 'removed')}">${f && n ? `<a href="#change=${f}">` : ''}<b>${n}</b> ${escapeHtml(label)}${f && n ? '</a>' : ''}</li>`;
    })
    .join('');
  const m = c.metrics;
  const rows: Array<[string, Breakdown | undefined, Breakdown | undefined]> = [];
  for (const k of union(Object.keys(m.old.byLocale), Object.keys(m.new.byLocale))) rows.push([`locale ${k}`, m.old.byLocale[k], m.new.byLocale[k]]);
  for (const k of union(Object.keys(m.old.byTag), Object.keys(m.new.byTag))) rows.push([`tag ${k}`, m.old.byTag[k], m.new.byTag[k]]);
  const changed = c.detectionChanged.slice(0, 200).map((d) => `<li><a href="#site=${encodeURIComponent(d.id)}">${escapeHtml(d.id)}</a>: ${escapeHtml(describeChanges(d.changes))}</li>`).join('');
  const removed = c.removed.slice(0, 200).map((id) => `<li>${escapeHtml(id)}</li>`).join('');
  return `<section class="compare" id="compare"><h2>Compared with ${escapeHtml(c.oldFile)}</h2>
<ul class="counts">${items}</ul>
${metricsTable([['all labelled sites', m.old.overall, m.new.overall]], true)}
${rows.length ? `<details><summary>By locale and by tag, old → new</summary>${metricsTable(rows, true)}</details>` : ''}
${changed ? `<details><summary>Detection changed (${c.detectionChanged.length})</summary><ul>${changed}</ul></details>` : ''}
${removed ? `<details><summary>Removed since (${c.removed.length})</summary><ul>${removed}</ul></details>` : ''}
</section>
`;
}

function evaluationSection(e: EvalReport): string {
  const rows: Array<[string, Breakdown | undefined, Breakdown | undefined]> = [];
  for (const [k, b] of Object.entries(e.byLocale)) rows.push([`locale ${k}`, undefined, b]);
  for (const [k, b] of Object.entries(e.byTag)) rows.push([`tag ${k}`, undefined, b]);
  const misses = e.misses
    .slice(0, 500)
    .map((m) => `<tr><td><a href="#site=${encodeURIComponent(m.id)}">${escapeHtml(m.id)}</a></td><td>${escapeHtml(m.kind)}</td><td>${escapeHtml(m.expected)}</td><td>${escapeHtml(m.detected)}</td></tr>`)
    .join('');
  return `<section class="evaluation" id="evaluation"><h2>Detector evaluation</h2>
<p>detection time in the browser: median ${escapeHtml(e.timing.medianMs?.toFixed(1) ?? '-')} ms, p95 ${escapeHtml(e.timing.p95Ms?.toFixed(1) ?? '-')} ms over ${e.timing.pages} pages; ${e.errors.length} page(s) errored, not counted</p>
${metricsTable([['all', undefined, e.overall]], false)}
${rows.length ? `<details open><summary>By locale and by tag</summary>${metricsTable(rows, false)}</details>` : ''}
${misses ? `<details open><summary>Misses (${e.misses.length}${e.misses.length > 500 ? ', first 500' : ''})</summary><table class="metrics misses"><thead><tr><th>site</th><th>what</th><th>expected</th><th>detected</th></tr></thead><tbody>${misses}</tbody></table></details>` : ''}
</section>
`;
}

function metricsTable(rows: Array<[string, Breakdown | undefined, Breakdown | undefined]>, compared: boolean): string {
  const cell = (old: number | null | undefined, now: number | null | undefined) => (compared ? `${pct(old)} → ${pct(now)}` : pct(now));
  const head = ['group', 'pages', 'precision', 'recall', 'F1', ...FIELDS.map((f) => `${f} accuracy`)];
  const body = rows
    .map(([name, o, n]) => {
      const cells = [
        compared ? `${o?.pages ?? 0} → ${n?.pages ?? 0}` : String(n?.pages ?? 0),
        cell(o?.precision, n?.precision),
        cell(o?.recall, n?.recall),
        cell(o?.f1, n?.f1),
        ...FIELDS.map((f) => cell(o?.fields[f].accuracy, n?.fields[f].accuracy)),
      ];
      return `<tr><th>${escapeHtml(name)}</th>${cells.map((c) => `<td>${escapeHtml(c)}</td>`).join('')}</tr>`;
    })
    .join('');
  return `<table class="metrics"><thead><tr>${head.map((h) => `<th>${escapeHtml(h)}</th>`).join('')}</tr></thead><tbody>${body}</tbody></table>`;
}

function union(a: string[], b: string[]): string[] {
  return [...new Set([...a, ...b])].sort();
}

export async function writeHtml(results: readonly SiteResult[], summary: RunSummary, opts: HtmlOptions): Promise<string> {
  const file = path.resolve(opts.cwd ?? process.cwd(), opts.dir, 'index.html');
  await writeFileAtomic(file, htmlPieces(results, summary, opts));
  return file;
}

export class HtmlReporter implements Reporter {
  #opts: HtmlOptions;
  #compareWith?: CompareWith;
  constructor(opts: HtmlOptions & { compareWith?: CompareWith }) {
    const { compareWith, ...rest } = opts;
    this.#opts = rest;
    this.#compareWith = compareWith;
  }
  onBegin(info: RunInfo): void {
    this.#opts = { ...this.#opts, runId: info.runId, gridUrl: info.gridUrl, startedAt: info.startedAt, detector: info.detector };
  }
  async onEnd(results: SiteResult[], summary: RunSummary): Promise<void> {
    const comparison = this.#compareWith ? compareRuns(this.#compareWith.results, results, this.#compareWith.file) : this.#opts.comparison;
    await writeHtml(results, summary, { ...this.#opts, comparison });
  }
}
