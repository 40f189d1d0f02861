// Eval's pages as the results a run writes (SiteResult), so that eval's HTML report is the run's
// report, its results.json can be compared with `--compare`, and a run can be compared with it.
import type { FieldVerdict, Site, SiteResult } from '../types.ts';
import { fieldVerdict } from '../session/verdict.ts';
import { verdictMessage } from '../report/verdicts.ts';
import type { PageRecord } from './metrics.ts';

/**
 * The verdict as `run` gives it (session/verdict.ts judge): the login answer first, and the
 * fields only when it was right, since field differences then only repeat it.
 */
export function recordVerdicts(r: PageRecord): FieldVerdict[] {
  if (r.expectedLogin === undefined) return [];
  const login: FieldVerdict = { field: 'login', expected: r.expectedLogin, detected: r.detectedLogin, match: r.expectedLogin === r.detectedLogin };
  if (!login.match) {
    login.detectedElement = r.expectedLogin ? (r.detected?.signals ?? []).slice(0, 3).join(', ') : `step ${r.detected?.step ?? 'none'}, password ${r.detected?.password ?? 'none'}`;
    return [login];
  }
  return [
    login,
    ...r.fields.map((f) =>
      fieldVerdict({ ...f, expectedElement: f.expectedElement ?? f.expected ?? 'none', detectedElement: f.detectedElement ?? f.detected ?? 'none' }),
    ),
  ];
}

export function evalResult(site: Site, r: PageRecord): SiteResult {
  const verdicts = recordVerdicts(r);
  const message = r.error ?? verdictMessage(verdicts);
  const status = r.error !== undefined ? 'error' : message ? 'failed' : 'passed';
  const totalMs = r.totalMs ?? r.detectMs;
  const result: SiteResult = {
    id: site.id,
    url: site.url,
    status,
    flaky: false,
    attempts: [{ attempt: 1, status, startedAt: r.startedAt ?? new Date(0).toISOString(), durationMs: totalMs, ...(r.session ? { sessionId: r.session } : {}), ...(message ? { message } : {}) }],
    timings: { loadMs: r.loadMs ?? 0, stepsMs: 0, detectMs: r.detectMs, totalMs },
    tags: site.tags,
  };
  if (r.detected) result.detection = { login: r.detectedLogin, step: r.detected.step as NonNullable<SiteResult['detection']>['step'], username: r.detected.username, password: r.detected.password, submit: r.detected.submit, confidence: r.detected.confidence, signals: r.detected.signals };
  if (site.expect) result.expect = site.expect;
  if (verdicts.length) result.verdicts = verdicts;
  if (message) result.message = message;
  if (site.locale) result.locale = site.locale;
  return result;
}
