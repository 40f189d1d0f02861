// The verdict of one site: the detection against the site's expectations (README.md,
// "Site lists"). Fields are compared by element identity in the page, since a label and the
// detector name the same element with different selectors.
import type { WebDriver } from 'selenium-webdriver';
import { locate } from '../detector/driver-locate.ts';
import { presenceScript, samePairsScript } from '../detector/bundle.ts';
import type { PresenceCheck } from '../detect/presence.ts';
import { FIELDS, type Detection, type Expectation, type FieldName } from '../types.ts';
import type { PageDetection } from './detect-in-page.ts';

export type Verdict = { status: 'passed' | 'failed'; message?: string; recordOnly?: boolean };


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
  const results = await driver.executeScript<({ same: boolean; expected: string; detected: string } | { frame: true })[]>(
    await samePairsScript(),
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

export function describeCheck(c: FieldCheck): string {
  const side = (path: string | null, element: string) => (path === null ? 'none' : path === element ? path : `${shorten(path)} (${element})`);
  return `${c.field}: expected ${side(c.expected, c.expectedElement)}, detected ${side(c.detected, c.detectedElement)}`;
}

/** Corpus labels are long `html > body > ...` paths; their tail is what a person reads. */
function shorten(path: string): string {
  if (path.length <= 60) return path;
  const parts = path.split(' > ');
  return `... > ${parts.slice(-2).join(' > ')}`;
}

export async function judge(
  driver: WebDriver,
  expect: Expectation | undefined,
  detection: Detection,
  same?: PageDetection['same'],
  presence?: PresenceCheck[],
): Promise<Verdict> {
  if (!expect) return { status: 'passed', recordOnly: true };
  const problems: string[] = [];
  if (expect.login !== undefined && expect.login !== detection.login) {
    problems.push(
      expect.login
        ? `login: expected a login form, detected none (${detection.signals.slice(0, 3).join(', ')})`
        : `login: expected no login form, detected one (step ${detection.step}, password ${detection.password ?? 'none'})`,
    );
  }
  // With the login verdict wrong, field differences only repeat it.
  if (problems.length === 0) {
    for (const c of await checkFields(driver, expect, detection, same)) if (!c.correct) problems.push(describeCheck(c));
  }
  problems.push(...(await presenceProblems(driver, expect, presence)));
  return problems.length ? { status: 'failed', message: problems.join('; ') } : { status: 'passed' };
}

/**
 * What expect.present / expect.absent found wrong. `checked` holds the checks the detection's own
 * script run made; without them (a detection finished in a cross-origin frame) one more round
 * trip makes them, and a path into a cross-origin frame is followed by the driver.
 */
export async function presenceProblems(driver: WebDriver, expect: Expectation, checked?: PresenceCheck[]): Promise<string[]> {
  if (!expect.present?.length && !expect.absent?.length) return [];
  const checks = checked ?? (await driver.executeScript<PresenceCheck[]>(await presenceScript(), expect.present ?? [], expect.absent ?? []));
  const problems: string[] = [];
  for (const c of checks) {
    let found: boolean;
    if ('frame' in c) {
      try {
        found = !('missing' in (await locate(driver, c.path)));
      } finally {
        await driver.switchTo().defaultContent();
      }
    } else found = c.found;
    if (c.want === 'present' && !found) problems.push(`expect.present: ${c.path} matches nothing`);
    if (c.want === 'absent' && found) problems.push(`expect.absent: ${c.path} matches an element`);
  }
  return problems;
}
