// report/index.html: one self-contained page (no network: CI artefact viewers and file:// alike),
// one card per site with its outlined screenshot, filterable by status, tag and locale.
import path from 'node:path';
import type { SiteResult } from '../types.ts';
import type { Reporter, RunInfo, RunSummary } from './reporter.ts';
import { writeFileAtomic } from './atomic.ts';
import { describeDetection, describeExpectation, finalAttemptMs, formatDuration, mismatches, redactUrl } from './summary.ts';

export type HtmlOptions = {
  /** The report directory; screenshot links are made relative to it. */
  dir: string;
  title?: string;
  runId?: string;
  gridUrl?: string;
  startedAt?: Date;
  /** `dir` and screenshot paths in results are resolved against this. */
  cwd?: string;
};

const STATUS_ORDER = { error: 0, failed: 1, skipped: 2, passed: 3 } as const;

export function escapeHtml(value: string | number | boolean | null | undefined): string {
  return String(value ?? '')
    .replaceAll('&', '&amp;')
    .replaceAll('<', '&lt;')
    .replaceAll('>', '&gt;')
    .replaceAll('"', '&quot;')
    .replaceAll("'", '&#39;');
}

/** A screenshot link that works from the report directory, also when the report is moved with it. */
function screenshotHref(screenshot: string, opts: HtmlOptions): string {
  const cwd = opts.cwd ?? process.cwd();
  const rel = path.relative(path.resolve(cwd, opts.dir), path.resolve(cwd, screenshot));
  return rel.split(path.sep).map(encodeURIComponent).join('/');
}

export function buildHtml(results: readonly SiteResult[], summary: RunSummary, opts: HtmlOptions): string {
  return [...htmlPieces(results, summary, opts)].join('');
}

/** The report in pieces, one card each, so that a report of 10,000 sites is never one string. */
export function* htmlPieces(results: readonly SiteResult[], summary: RunSummary, opts: HtmlOptions): Generator<string> {
  const title = opts.title ?? 'grid-run report';
  // Problems first, so a person opening the report sees what needs action without filtering.
  const sorted = [...results].sort(
    (a, b) => STATUS_ORDER[a.status] - STATUS_ORDER[b.status] || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0),
  );
  const tags = [...new Set(results.flatMap((r) => r.tags))].sort();
  const locales = [...new Set(results.map((r) => r.locale).filter((l): l is string => !!l))].sort();
  const options = (values: string[]) => values.map((v) => `<option value="${escapeHtml(v)}">${escapeHtml(v)}</option>`).join('');

  const counts: Array<[string, number, string]> = [
    ['total', summary.total, ''],
    ['passed', summary.passed, 'passed'],
    ['failed', summary.failed, 'failed'],
    ['errors', summary.errors, 'error'],
    ['skipped', summary.skipped, 'skipped'],
    ['flaky', summary.flaky, 'flaky'],
  ];
  const meta = [
    opts.runId && `run ${escapeHtml(opts.runId)}`,
    opts.gridUrl && `grid ${escapeHtml(redactUrl(opts.gridUrl))}`,
    opts.startedAt && `started ${escapeHtml(opts.startedAt.toISOString())}`,
    `wall ${escapeHtml(formatDuration(summary.wallMs))}`,
    `${escapeHtml(summary.sitesPerMinute)} sites/min`,
    `slot utilisation ${escapeHtml(Math.round(summary.slotUtilisation * 100))}%`,
    `${escapeHtml(summary.sessionsCreated)} sessions`,
  ].filter(Boolean);

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
<ul class="counts">${counts
    .map(([label, n, cls]) => `<li class="${cls}"><b>${escapeHtml(n)}</b> ${escapeHtml(label)}</li>`)
    .join('')}</ul>
<p class="meta">${meta.join(' · ')}</p>
<form class="filters" id="filters">
<label>Status <select name="status"><option value="">all</option><option value="passed">passed</option><option value="failed">failed</option><option value="error">error</option><option value="skipped">skipped</option><option value="flaky">flaky</option></select></label>
<label>Tag <select name="tag"><option value="">all</option>${options(tags)}</select></label>
<label>Locale <select name="locale"><option value="">all</option>${options(locales)}</select></label>
<label>Search <input name="q" type="search" placeholder="id or url"></label>
<output id="shown">${results.length} of ${results.length} shown</output>
</form>
</header>
<main id="sites">
`;
  for (let i = 0; i < sorted.length; i++) yield `${i ? '\n' : ''}${card(sorted[i]!, opts)}`;
  yield `
</main>
<script>${SCRIPT}</script>
</body>
</html>
`;
}

function card(r: SiteResult, opts: HtmlOptions): string {
  const rows: Array<[string, string]> = [];
  const add = (k: string, v: Parameters<typeof escapeHtml>[0]) => {
    if (v !== undefined && v !== null && v !== '') rows.push([k, escapeHtml(v)]);
  };
  add('url', r.url);
  add('locale', r.locale);
  add('tags', r.tags.join(', '));
  add('node', r.node);
  add('session', r.sessionId);
  add('browser', r.browserVersion);
  add('attempts', r.attempts.length ? r.attempts.map((a) => `#${a.attempt} ${a.status} ${formatDuration(a.durationMs)}`).join(', ') : '');
  if (r.attempts.length) {
    add('timings', `load ${formatDuration(r.timings.loadMs)} · steps ${formatDuration(r.timings.stepsMs)} · detect ${formatDuration(r.timings.detectMs)} · total ${formatDuration(r.timings.totalMs)}`);
  }
  add('expected', describeExpectation(r.expect));
  add('detected', r.detection || r.attempts.length ? describeDetection(r.detection) : '');
  if (r.detection?.signals.length) add('signals', r.detection.signals.join('; '));

  const problems = r.status === 'failed' ? mismatches(r.expect, r.detection) : [];
  const flakyNotes = r.flaky
    ? r.attempts.filter((a) => a.status !== 'passed').map((a) => `attempt ${a.attempt} ${a.status}: ${a.message ?? 'no message'}`)
    : [];
  const shot = r.screenshot
    ? `<a class="shot" href="${escapeHtml(screenshotHref(r.screenshot, opts))}" target="_blank"><img loading="lazy" alt="${escapeHtml(`screenshot of ${r.id}`)}" src="${escapeHtml(screenshotHref(r.screenshot, opts))}"></a>`
    : '<div class="shot none">no screenshot</div>';
  const badge = r.flaky ? `${r.status} · flaky` : r.status;
  return `<article class="site ${escapeHtml(r.status)}" data-status="${escapeHtml(r.status)}" data-flaky="${r.flaky ? '1' : ''}" data-tags="${escapeHtml(JSON.stringify(r.tags))}" data-locale="${escapeHtml(r.locale ?? '')}" data-search="${escapeHtml(`${r.id} ${r.url}`.toLowerCase())}">
<div class="info">
<h2><span class="badge ${escapeHtml(r.status)}">${escapeHtml(badge)}</span> <span class="id">${escapeHtml(r.id)}</span> <span class="time">${escapeHtml(formatDuration(finalAttemptMs(r)))}</span></h2>
${r.message ? `<p class="message">${escapeHtml(r.message)}</p>` : ''}
${problems.length ? `<ul class="problems">${problems.map((p) => `<li>${escapeHtml(p)}</li>`).join('')}</ul>` : ''}
${flakyNotes.length ? `<ul class="flaky-notes">${flakyNotes.map((p) => `<li>${escapeHtml(p)}</li>`).join('')}</ul>` : ''}
<dl>${rows.map(([k, v]) => `<dt>${escapeHtml(k)}</dt><dd>${v}</dd>`).join('')}</dl>
</div>
${shot}
</article>`;
}

const CSS = `
:root{--ok:#1a7f37;--bad:#cf222e;--err:#9a6700;--skip:#6e7781;--flaky:#8250df;font-family:system-ui,sans-serif;color:#1f2328;background:#f6f8fa}
body{margin:0}header{position:sticky;top:0;background:#fff;border-bottom:1px solid #d0d7de;padding:.5rem 1rem;z-index:1}
h1{font-size:1.2rem;margin:.2rem 0}.meta{color:#59636e;font-size:.85rem;margin:.2rem 0}
.interrupted{background:#fff8c5;border:1px solid #d4a72c;padding:.3rem .6rem;margin:.3rem 0}
.counts{display:flex;gap:1rem;list-style:none;padding:0;margin:.3rem 0}.counts b{font-size:1.2rem}
.counts .passed b{color:var(--ok)}.counts .failed b{color:var(--bad)}.counts .error b{color:var(--err)}.counts .skipped b{color:var(--skip)}.counts .flaky b{color:var(--flaky)}
.filters{display:flex;flex-wrap:wrap;gap:1rem;align-items:center;font-size:.9rem}
main{padding:1rem;display:grid;gap:.8rem}
.site{display:grid;grid-template-columns:minmax(0,1fr) 320px;gap:1rem;background:#fff;border:1px solid #d0d7de;border-left:6px solid var(--skip);border-radius:6px;padding:.6rem .8rem}
.site.passed{border-left-color:var(--ok)}.site.failed{border-left-color:var(--bad)}.site.error{border-left-color:var(--err)}
.site[hidden]{display:none}
h2{font-size:1rem;margin:0 0 .3rem;word-break:break-all}.time{color:#59636e;font-weight:normal;font-size:.85rem}
.badge{color:#fff;border-radius:1em;padding:0 .5em;font-size:.8rem;background:var(--skip)}
.badge.passed{background:var(--ok)}.badge.failed{background:var(--bad)}.badge.error{background:var(--err)}
.message{margin:.2rem 0;font-family:ui-monospace,monospace;font-size:.85rem;white-space:pre-wrap}
.problems{color:var(--bad);margin:.2rem 0}.flaky-notes{color:var(--flaky);margin:.2rem 0}
dl{display:grid;grid-template-columns:max-content 1fr;gap:.1rem .8rem;font-size:.85rem;margin:.3rem 0}
dt{color:#59636e}dd{margin:0;word-break:break-all;font-family:ui-monospace,monospace}
.shot img{width:320px;max-height:240px;object-fit:contain;object-position:top;border:1px solid #d0d7de}
.shot.none{color:#8c959f;font-size:.85rem;display:flex;align-items:center;justify-content:center;border:1px dashed #d0d7de;min-height:80px}
@media (max-width:700px){.site{grid-template-columns:1fr}}
`;

// No run data is interpolated into the script: it reads the escaped data-* attributes, so a
// hostile site id cannot reach script context.
const SCRIPT = `
(function(){
  var form = document.getElementById('filters');
  var cards = Array.prototype.slice.call(document.querySelectorAll('article.site'));
  var shown = document.getElementById('shown');
  function apply(){
    var status = form.status.value, tag = form.tag.value, locale = form.locale.value;
    var q = form.q.value.trim().toLowerCase(), n = 0;
    cards.forEach(function(c){
      var ok = (!status || (status === 'flaky' ? c.dataset.flaky === '1' : c.dataset.status === status))
        && (!tag || JSON.parse(c.dataset.tags).indexOf(tag) >= 0)
        && (!locale || c.dataset.locale === locale)
        && (!q || c.dataset.search.indexOf(q) >= 0);
      c.hidden = !ok; if (ok) n++;
    });
    shown.textContent = n + ' of ' + cards.length + ' shown';
    var p = new URLSearchParams();
    ['status','tag','locale','q'].forEach(function(k){ if (form[k].value) p.set(k, form[k].value); });
    history.replaceState(null, '', p.toString() ? '#' + p.toString() : location.pathname);
  }
  var init = new URLSearchParams(location.hash.slice(1));
  ['status','tag','locale','q'].forEach(function(k){ if (init.get(k)) form[k].value = init.get(k); });
  form.addEventListener('input', apply);
  form.addEventListener('submit', function(e){ e.preventDefault(); });
  apply();
})();
`;

export async function writeHtml(results: readonly SiteResult[], summary: RunSummary, opts: HtmlOptions): Promise<string> {
  const file = path.resolve(opts.cwd ?? process.cwd(), opts.dir, 'index.html');
  await writeFileAtomic(file, htmlPieces(results, summary, opts));
  return file;
}

export class HtmlReporter implements Reporter {
  #opts: HtmlOptions;
  constructor(opts: HtmlOptions) {
    this.#opts = { ...opts };
  }
  onBegin(info: RunInfo): void {
    this.#opts = { ...this.#opts, runId: info.runId, gridUrl: info.gridUrl, startedAt: info.startedAt };
  }
  async onEnd(results: SiteResult[], summary: RunSummary): Promise<void> {
    await writeHtml(results, summary, this.#opts);
  }
}
