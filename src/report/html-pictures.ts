// The report's pictures as inline SVG made here, no script or library in the page: the run's
// timeline (one lane per session), pass rate by locale and by tag, and the distribution of
// page-load and detection times.
import type { Attempt, SiteResult, SiteStatus } from '../types.ts';
import { language } from '../eval/metrics.ts';
import { formatDuration } from './summary.ts';
import { escapeHtml as esc } from './html-data.ts';
const n1 = (n: number) => String(Math.round(n * 10) / 10);

type Bar = { site: string; a: Attempt; start: number; end: number };

const WIDTH = 960;
const LABEL = 190;

/**
 * One lane per session that ran a site, each attempt a bar coloured by its status. Passing bars
 * that touch at this scale are drawn as one (10,000 sites would be 10,000 rects); every other
 * attempt is its own bar with its site in a tooltip. A retry or requeue (attempt 2 and later)
 * has a mark above its bar, a lost session a cross at its end, a lost node a red lane label.
 */
export function timelineSvg(results: readonly SiteResult[]): string {
  const lanes = new Map<string, { node?: string; bars: Bar[] }>();
  let t0 = Infinity;
  let t1 = -Infinity;
  for (const r of results) {
    for (const a of r.attempts) {
      const start = Date.parse(a.startedAt);
      if (!Number.isFinite(start)) continue;
      const key = a.sessionId ?? `(no session) ${a.node ?? ''}`;
      const lane = lanes.get(key) ?? lanes.set(key, { node: a.node, bars: [] }).get(key)!;
      lane.bars.push({ site: r.id, a, start, end: start + a.durationMs });
      t0 = Math.min(t0, start);
      t1 = Math.max(t1, start + a.durationMs);
    }
  }
  if (lanes.size === 0) return '<p class="empty">No site ran: no timeline.</p>';
  const span = Math.max(1, t1 - t0);
  const laneH = lanes.size > 60 ? 6 : 14;
  const plotW = WIDTH - LABEL - 10;
  const x = (t: number) => LABEL + ((t - t0) / span) * plotW;
  const height = lanes.size * (laneH + 2) + 24;
  const out: string[] = [
    `<svg id="timeline" class="picture" viewBox="0 0 ${WIDTH} ${height}" width="${WIDTH}" height="${height}" role="img" aria-label="timeline of the run, one lane per session">`,
  ];
  const ordered = [...lanes.entries()].sort(([, a], [, b]) => (a.node ?? '').localeCompare(b.node ?? '') || a.bars[0]!.start - b.bars[0]!.start);
  ordered.forEach(([session, lane], i) => {
    const y = i * (laneH + 2);
    lane.bars.sort((a, b) => a.start - b.start);
    const nodeLost = lane.bars.some((b) => b.a.nodeLost);
    out.push(`<g class="lane${nodeLost ? ' node-lost' : ''}" data-session="${esc(session)}">`);
    if (laneH > 6) {
      const label = `${shortNode(lane.node)} ${session.slice(0, 8)}${nodeLost ? ' node lost' : ''}`;
      out.push(`<text x="${LABEL - 4}" y="${y + laneH - 3}" text-anchor="end">${esc(label)}</text>`);
    }
    let run: { from: number; to: number; count: number } | undefined;
    const flush = () => {
      if (!run) return;
      const w = Math.max(0.5, run.to - run.from);
      out.push(`<rect class="passed" x="${n1(run.from)}" y="${y}" width="${n1(w)}" height="${laneH}"><title>${run.count} site(s) passed</title></rect>`);
      run = undefined;
    };
    for (const b of lane.bars) {
      const from = x(b.start);
      const to = x(b.end);
      if (b.a.status === 'passed' && b.a.attempt === 1) {
        if (run && from - run.to < 1) {
          run.to = Math.max(run.to, to);
          run.count++;
        } else {
          flush();
          run = { from, to, count: 1 };
        }
        continue;
      }
      flush();
      const tip = `${b.site}: attempt ${b.a.attempt} ${b.a.status} in ${formatDuration(b.a.durationMs)}${b.a.message ? ` - ${b.a.message}` : ''}`;
      out.push(`<rect class="${b.a.status}" x="${n1(from)}" y="${y}" width="${n1(Math.max(1, to - from))}" height="${laneH}"><title>${esc(tip)}</title></rect>`);
      if (b.a.attempt > 1) out.push(`<path class="retry" d="M${n1(from)} ${y}l3 -3h-6z"><title>${esc(`${b.site}: attempt ${b.a.attempt} (retry or requeue)`)}</title></path>`);
      if (b.a.sessionLost) out.push(`<path class="lost" d="M${n1(to - 3)} ${y}l6 ${laneH}M${n1(to + 3)} ${y}l-6 ${laneH}"><title>${esc(`${b.site}: session lost${b.a.nodeLost ? ' (node gone)' : ''}`)}</title></path>`);
    }
    flush();
    out.push('</g>');
  });
  const axisY = lanes.size * (laneH + 2) + 4;
  out.push(`<g class="axis"><line x1="${LABEL}" x2="${LABEL + plotW}" y1="${axisY}" y2="${axisY}"/>`);
  for (let k = 0; k <= 4; k++) {
    const px = LABEL + (plotW * k) / 4;
    out.push(`<text x="${n1(px)}" y="${axisY + 14}" text-anchor="${k === 0 ? 'start' : k === 4 ? 'end' : 'middle'}">${esc(formatDuration((span * k) / 4))}</text>`);
  }
  out.push('</g></svg>');
  return out.join('');
}

function shortNode(node: string | undefined): string {
  if (!node) return '?';
  try {
    return new URL(node).host;
  } catch {
    return node.slice(0, 24);
  }
}

type Tally = Record<SiteStatus, number>;

/** Pass rate per group, as stacked bars of passed / failed / error / skipped; the largest groups first. */
export function passRateSvg(title: string, groups: Map<string, Tally>, maxGroups = 15): string {
  if (groups.size === 0) return '';
  const rows = [...groups].sort(([a, x], [b, y]) => total(y) - total(x) || a.localeCompare(b)).slice(0, maxGroups);
  const rowH = 12;
  const plotW = 260;
  const left = 130;
  const height = rows.length * (rowH + 3) + 22;
  const out = [`<figure><figcaption>${esc(title)}${groups.size > rows.length ? ` (the ${rows.length} largest of ${groups.size})` : ''}</figcaption><svg class="picture rates" viewBox="0 0 ${left + plotW + 130} ${height}" width="${left + plotW + 130}" height="${height}" role="img" aria-label="${esc(title)}">`];
  rows.forEach(([name, t], i) => {
    const y = i * (rowH + 3);
    const all = total(t);
    let px = left;
    out.push(`<g class="rate"><text x="${left - 4}" y="${y + rowH - 2}" text-anchor="end">${esc(name)}</text>`);
    for (const s of ['passed', 'failed', 'error', 'skipped'] as const) {
      if (!t[s]) continue;
      const w = (t[s] / all) * plotW;
      out.push(`<rect class="${s}" x="${n1(px)}" y="${y}" width="${n1(w)}" height="${rowH}"><title>${esc(`${name}: ${t[s]} ${s}`)}</title></rect>`);
      px += w;
    }
    const ran = all - t.skipped;
    out.push(`<text x="${left + plotW + 6}" y="${y + rowH - 2}">${ran ? `${Math.round((t.passed / ran) * 100)}%` : '-'} (${t.passed}/${ran})</text></g>`);
  });
  out.push('</svg></figure>');
  return out.join('');
}

const total = (t: Tally) => t.passed + t.failed + t.error + t.skipped;

export function groupTallies(results: readonly SiteResult[], keys: (r: SiteResult) => string[]): Map<string, Tally> {
  const map = new Map<string, Tally>();
  for (const r of results) {
    for (const k of keys(r)) {
      const t = map.get(k) ?? map.set(k, { passed: 0, failed: 0, error: 0, skipped: 0 }).get(k)!;
      t[r.status]++;
    }
  }
  return map;
}

export const byLocale = (r: SiteResult) => [language(r.locale)];
export const byTag = (r: SiteResult) => (r.tags.length ? r.tags : ['(no tag)']);

/** A histogram of times in 24 bins up to the 99th percentile, the rest in the last; median and p90 marked. */
export function histogramSvg(title: string, values: number[]): string {
  if (values.length === 0) return '';
  const sorted = [...values].sort((a, b) => a - b);
  const q = (p: number) => sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(p * sorted.length) - 1))]!;
  const top = Math.max(1, q(0.99));
  const bins = 24;
  const counts = new Array<number>(bins).fill(0);
  for (const v of sorted) counts[Math.min(bins - 1, Math.floor((v / top) * bins))]!++;
  const most = Math.max(...counts);
  const w = 360;
  const h = 70;
  const bw = w / bins;
  const out = [`<figure><figcaption>${esc(title)}: median ${esc(formatDuration(q(0.5)))}, p90 ${esc(formatDuration(q(0.9)))}, max ${esc(formatDuration(sorted.at(-1)!))} (${sorted.length} sites)</figcaption><svg class="picture histogram" viewBox="0 0 ${w + 20} ${h + 20}" width="${w + 20}" height="${h + 20}" role="img" aria-label="${esc(title)}">`];
  counts.forEach((c, i) => {
    const bh = (c / most) * h;
    const from = (top * i) / bins;
    const label = i === bins - 1 ? `>= ${formatDuration(from)}` : `${formatDuration(from)}-${formatDuration((top * (i + 1)) / bins)}`;
    out.push(`<rect class="bin" x="${n1(10 + i * bw)}" y="${n1(h - bh)}" width="${n1(bw - 1)}" height="${n1(bh)}"><title>${esc(`${label}: ${c}`)}</title></rect>`);
  });
  for (const [p, name] of [[0.5, 'median'], [0.9, 'p90']] as const) {
    const px = 10 + Math.min(1, q(p) / top) * w;
    out.push(`<line class="mark" x1="${n1(px)}" x2="${n1(px)}" y1="0" y2="${h}"><title>${name} ${esc(formatDuration(q(p)))}</title></line>`);
  }
  out.push(`<text x="10" y="${h + 14}">0</text><text x="${w + 10}" y="${h + 14}" text-anchor="end">${esc(formatDuration(top))}</text></svg></figure>`);
  return out.join('');
}
