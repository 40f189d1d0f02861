// The report's data, in two blocks the page's script reads: the rows (what a row shows and the
// filters read), parsed at once, and each site's details, one JSON line per site, parsed only
// when it is opened. Each site is an array in a fixed order, and every repeated string (nodes,
// sessions, tags, selectors, signals) is once in its block's table: plain objects would make
// the page of 10,000 sites more than twice as big (README, Performance: the report's target).
import path from 'node:path';
import type { FieldVerdict, SiteResult, SiteStatus } from '../types.ts';
import { FIELDS } from '../types.ts';
import type { Change } from './compare.ts';
import { fixedMessage } from './summary.ts';
import { describeVerdict } from './verdicts.ts';

export const STATUSES: readonly SiteStatus[] = ['passed', 'failed', 'error', 'skipped'];
const VERDICT_FIELDS = ['login', 'step', ...FIELDS, 'present', 'absent'] as const;

/** Interns strings; -1 null, -2 false, -3 true, -4 absent, else an index into `strings`. */
export class StringTable {
  readonly strings: string[] = [];
  #index = new Map<string, number>();
  value(v: string | boolean | null | undefined): number {
    if (v === undefined) return -4;
    if (v === null) return -1;
    if (v === false) return -2;
    if (v === true) return -3;
    let i = this.#index.get(v);
    if (i === undefined) {
      i = this.strings.length;
      this.strings.push(v);
      this.#index.set(v, i);
    }
    return i;
  }
}

export type EncodeOptions = {
  /** Run start in ms since the epoch: attempt starts are stored as offsets from it. */
  t0: number;
  screenshotHref: (file: string) => string;
  changes?: ReadonlyMap<string, readonly Change[]>;
};

/** An array without its trailing entries that equal their defaults (`defaults[i]`). */
function trim(values: unknown[], defaults: readonly unknown[]): unknown[] {
  let n = values.length;
  while (n > 0 && values[n - 1] === defaults[n - 1]) n--;
  return values.slice(0, n);
}

/** Verdict: [field, match, expectedElement, detectedElement (default: the expected one), expected, detected (default: the site's), baseline, words]. */
const VERDICT_DEFAULTS = [undefined, undefined, -4, -6, -5, -5, 0, -4] as const;
/** Attempt: [attempt, status, start offset, duration, node, session (default: the site's), message, lost flags]. */
const ATTEMPT_DEFAULTS = [undefined, undefined, undefined, undefined, -5, -5, -4, 0] as const;

/** Row: [id, url, status, flaky, ms, locale, [tags], [nodes of every attempt], message, known (0 or [0 still failing | 1 fixed, the words]), [changes] (or 0)]. */
const ROW_DEFAULTS = [undefined, undefined, undefined, undefined, undefined, undefined, undefined, undefined, -4, 0, 0] as const;

/** A site's row: what the row shows and the filters read. */
export function encodeRow(r: SiteResult, t: StringTable, o: EncodeOptions): unknown[] {
  const nodes = [...new Set(r.attempts.map((a) => a.node).filter((n): n is string => !!n))];
  const changes = (o.changes?.get(r.id) ?? []).map((c) => t.value(c));
  return trim(
    [
      r.id,
      r.url,
      STATUSES.indexOf(r.status),
      r.flaky ? 1 : 0,
      Math.round(r.attempts.at(-1)?.durationMs ?? r.timings.totalMs),
      t.value(r.locale),
      r.tags.map((x) => t.value(x)),
      nodes.map((n) => t.value(n)),
      t.value(r.message),
      r.known ? [r.known.state === 'fixed' ? 1 : 0, t.value(knownWords(r))] : 0,
      changes.length ? changes : 0,
    ],
    ROW_DEFAULTS,
  );
}

/**
 * A site's details, beyond its row: [node, session, browser, screenshot, [load, steps, detect,
 * total], detection, expect, [verdicts], [attempts]]; a value the site already holds elsewhere
 * is left out (-5, -6 or a trailing default).
 */
export function encodeDetails(r: SiteResult, t: StringTable, o: EncodeOptions): unknown[] {
  const d = r.detection;
  const detection = d ? [d.login ? 1 : 0, t.value(d.step), t.value(d.username), t.value(d.password), t.value(d.submit), Math.round(d.confidence * 100) / 100, d.signals.map((s) => t.value(s))] : 0;
  const e = r.expect;
  const expect = e ? [t.value(e.login), t.value(e.username), t.value(e.password), t.value(e.submit)] : 0;
  const siteValue = (v: FieldVerdict, side: 'expected' | 'detected') => {
    // A presence verdict names its path on both sides: nothing of the site's to point back to.
    if (v.field === 'present' || v.field === 'absent') return t.value(v[side]);
    const own = v.against ? undefined : side === 'expected' ? (v.field === 'step' ? undefined : e?.[v.field]) : d?.[v.field];
    return own !== undefined && own === v[side] ? -5 : t.value(v[side]);
  };
  const verdicts = (r.verdicts ?? []).map((v: FieldVerdict) => {
    const expectedElement = t.value(v.expectedElement);
    const detectedElement = t.value(v.detectedElement);
    return trim(
      [
        VERDICT_FIELDS.indexOf(v.field),
        v.match ? 1 : 0,
        expectedElement,
        detectedElement === expectedElement ? -6 : detectedElement,
        siteValue(v, 'expected'),
        siteValue(v, 'detected'),
        v.against ? 1 : 0,
        // The words every reporter prints for it, so the page judges nothing either.
        v.match ? -4 : t.value(describeVerdict(v)),
      ],
      VERDICT_DEFAULTS,
    );
  });
  const node = t.value(r.node);
  const session = t.value(r.sessionId);
  const attempts = r.attempts.map((a) => {
    const an = t.value(a.node);
    const as = t.value(a.sessionId);
    return trim(
      [a.attempt, STATUSES.indexOf(a.status), Math.round(Date.parse(a.startedAt) - o.t0), Math.round(a.durationMs), an === node ? -5 : an, as === session ? -5 : as, t.value(a.message), (a.sessionLost ? 1 : 0) | (a.nodeLost ? 2 : 0)],
      ATTEMPT_DEFAULTS,
    );
  });
  return [
    node,
    session,
    t.value(r.browserVersion),
    r.screenshot ? t.value(o.screenshotHref(r.screenshot)) : -4,
    [r.timings.loadMs, r.timings.stepsMs, r.timings.detectMs, r.timings.totalMs].map((n) => Math.round(n)),
    detection,
    expect,
    verdicts,
    attempts,
  ];
}

/** A known failure's outcome in the words JUnit and the console use. */
export function knownWords(r: SiteResult): string {
  return r.known?.state === 'fixed' ? fixedMessage(r) : `known failure: ${r.known?.reason}`;
}

export function escapeHtml(value: string | number | boolean | null | undefined): string {
  return String(value ?? '')
    .replaceAll('&', '&amp;')
    .replaceAll('<', '&lt;')
    .replaceAll('>', '&gt;')
    .replaceAll('"', '&quot;')
    .replaceAll("'", '&#39;');
}

/** A screenshot link that works from the report directory, also when the report is moved with it. */
export function relativeHref(fromDir: string, file: string): string {
  return path.relative(fromDir, file).split(path.sep).map(encodeURIComponent).join('/');
}

/** JSON safe inside a <script> element: no `</script>` or `<!--` can end or bend it. */
export function scriptJson(value: unknown): string {
  return JSON.stringify(value).replaceAll('<', '\\u003c').replaceAll('\u2028', '\\u2028').replaceAll('\u2029', '\\u2029');
}
