// The verdict of one site: the detection against the site's expectations (README.md,
// "Site lists"). Fields are compared by element identity in the page, since a label and the
// detector name the same element with different selectors.
import type { WebDriver } from 'selenium-webdriver';
import { locate } from '../detector/driver-locate.ts';
import { presenceCall, samePairsCall } from '../detector/bundle.ts';
import { runInPage } from '../detector/page-scripts.ts';
import type { PresenceCheck } from '../detect/presence.ts';
import { FIELDS, type Detection, type Expectation, type FieldName, type FieldVerdict } from '../types.ts';
import { describeVerdict, verdictMessage } from '../report/verdicts.ts';
import type { PageDetection } from './detect-in-page.ts';

/** The site's verdict and the comparisons it was made of (SiteResult.verdicts). */
export type Verdict = { status: 'passed' | 'failed'; message?: string; recordOnly?: boolean; verdicts: FieldVerdict[] };

export type FieldCheck = {
  field: FieldName;
  expected: string | null;
  detected: string | null;
  correct: boolean;
  /** How each reads in the page, for messages: `input#pw`, `none`, `not found: ...`. */
  expectedElement: string;
  detectedElement: string;
};

/**
 * Each field the expectation names, checked against the detection. `same` holds the pairs the
 * detection's own script run already compared (detectInPage with `expect`); the others take
 * one more round trip.
 */
export async function checkFields(driver: WebDriver, expect: Expectation, detection: Detection, same: PageDetection['same'] = {}): Promise<FieldCheck[]> {
  const checks: FieldCheck[] = [];
  const pairs: [FieldName, string, string][] = [];
  for (const field of FIELDS) {
    const expected = expect[field];
    if (expected === undefined) continue;
    const detected = detection[field];
    const known = same[field];
    if (expected === null || detected === null) {
      checks.push({ field, expected, detected, correct: expected === detected, expectedElement: expected ?? 'none', detectedElement: detected ?? 'none' });
    } else if (known && 'same' in known) {
      checks.push({ field, expected, detected, correct: known.same, expectedElement: known.expected, detectedElement: known.detected });
    } else pairs.push([field, expected, detected]);
  }
  if (pairs.length === 0) return sortChecks(checks);
  // One round trip for every pair in reach of the script; cross-origin frames go one by one.
  const results = await runInPage<({ same: boolean; expected: string; detected: string } | { frame: true })[]>(
    driver,
    await samePairsCall(),
    pairs.map(([, a, b]) => [a, b]),
  );
  for (let i = 0; i < pairs.length; i++) {
    const [field, expected, detected] = pairs[i]!;
    const r = results[i]!;
    if ('frame' in r) {
      checks.push({ field, expected, detected, ...(await compareThroughFrames(driver, expected, detected)) });
    } else {
      checks.push({ field, expected, detected, correct: r.same, expectedElement: r.expected, detectedElement: r.detected });
    }
  }
  return sortChecks(checks);
}

function sortChecks(checks: FieldCheck[]): FieldCheck[] {
  return checks.sort((a, b) => FIELDS.indexOf(a.field) - FIELDS.indexOf(b.field));
}

async function compareThroughFrames(driver: WebDriver, expected: string, detected: string) {
  try {
    const a = await locate(driver, expected);
    const aId = 'missing' in a ? null : [...a.frames, await a.element.getId()].join('/');
    const b = await locate(driver, detected);
    const bId = 'missing' in b ? null : [...b.frames, await b.element.getId()].join('/');
    return {
      correct: aId !== null && aId === bId,
      expectedElement: 'missing' in a ? `not found: ${a.missing}` : a.describe,
      detectedElement: 'missing' in b ? `not found: ${b.missing}` : b.describe,
    };
  } finally {
    await driver.switchTo().defaultContent();
  }
}

/** A field check as the verdict records it: the elements only where they read differently from the selectors. */
export function fieldVerdict(c: FieldCheck): FieldVerdict {
  const v: FieldVerdict = { field: c.field, expected: c.expected, detected: c.detected, match: c.correct };
  if (c.expected !== null && c.expectedElement !== c.expected) v.expectedElement = c.expectedElement;
  if (c.detected !== null && c.detectedElement !== c.detected) v.detectedElement = c.detectedElement;
  return v;
}

export function describeCheck(c: FieldCheck): string {
  return describeVerdict(fieldVerdict(c));
}

export async function judge(
  driver: WebDriver,
  expect: Expectation | undefined,
  detection: Detection,
  same?: PageDetection['same'],
  presence?: PresenceCheck[],
): Promise<Verdict> {
  if (!expect) return { status: 'passed', recordOnly: true, verdicts: [] };
  const verdicts: FieldVerdict[] = [];
  if (expect.login !== undefined) {
    const login: FieldVerdict = { field: 'login', expected: expect.login, detected: detection.login, match: expect.login === detection.login };
    // What the page showed instead, for the message: the detector's reasons, or what it took for a login form.
    if (!login.match) {
      login.detectedElement = expect.login ? detection.signals.slice(0, 3).join(', ') : `step ${detection.step}, password ${detection.password ?? 'none'}`;
    }
    verdicts.push(login);
  }
  // With the login verdict wrong, field differences only repeat it.
  if (verdicts.every((v) => v.match)) {
    for (const c of await checkFields(driver, expect, detection, same)) verdicts.push(fieldVerdict(c));
  }
  verdicts.push(...(await presenceVerdicts(driver, expect, presence)));
  const message = verdictMessage(verdicts);
  return message ? { status: 'failed', message, verdicts } : { status: 'passed', verdicts };
}

/**
 * expect.present / expect.absent as verdicts, one per path. `checked` holds the checks the
 * detection's own script run made; without them (a detection finished in a cross-origin frame)
 * one more round trip makes them, and a path into a cross-origin frame is followed by the driver.
 */
export async function presenceVerdicts(driver: WebDriver, expect: Expectation, checked?: PresenceCheck[]): Promise<FieldVerdict[]> {
  if (!expect.present?.length && !expect.absent?.length) return [];
  const checks = checked ?? (await runInPage<PresenceCheck[]>(driver, await presenceCall(), expect.present ?? [], expect.absent ?? []));
  const verdicts: FieldVerdict[] = [];
  for (const c of checks) {
    let found: boolean;
    if ('frame' in c) {
      try {
        found = !('missing' in (await locate(driver, c.path)));
      } finally {
        await driver.switchTo().defaultContent();
      }
    } else found = c.found;
    verdicts.push({ field: c.want, expected: c.path, detected: found ? c.path : null, match: (c.want === 'present') === found });
  }
  return verdicts;
}
