// Plain data shared by every stage of a run. No classes, no SDK types: these cross
// process boundaries (results.json, history) and are built in tests by hand.

/** A step run in the page before detection (site list `steps`). */
export type Step =
  | { click: string }
  | { waitFor: string; timeoutMs?: number }
  | { type: string; text: string }
  | { sleep: number };

/** What a site expects of the detector; a field left out is not checked, null means "none". */
export type Expectation = {
  login?: boolean;
  username?: string | null;
  password?: string | null;
  submit?: string | null;
  /** Selector paths that must match an element after detection (an extension's injected button, say). */
  present?: string[];
  /** Selector paths that must match nothing after detection. */
  absent?: string[];
};

export type Site = {
  id: string;
  /** Absolute http(s) URL after loading; relative pages are resolved against the static server. */
  url: string;
  /** Set when `url` was relative to the list file: the absolute path of the page on disk. */
  localPath?: string;
  locale?: string;
  tags: string[];
  expect?: Expectation;
  steps: Step[];
  timeoutMs?: number;
  /** Where the site was declared, for messages: `file:line`. */
  source: string;
  /**
   * Set with `localPath`: the folder of the list that declared the site. A static server must
   * serve this whole folder, since a page may link to its neighbours (frames, scripts).
   */
  root?: string;
  /** Where the entry came from, as the list wrote it in its own `source` field (corpora do). */
  origin?: string;
  /** Marked as a known failure: the reason, usually a ticket (`"TICKET-123: reason"`). */
  known?: string;
};

/** The fields a detection names and an expectation can check, in the order reports show them. */
export const FIELDS = ['username', 'password', 'submit'] as const;
export type FieldName = (typeof FIELDS)[number];

/** The detector's answer (README.md, "Your own detector"; ARCHITECTURE.md for where it is made). */
export type Detection = {
  login: boolean;
  step: 'full' | 'username-first' | 'password-only' | 'none';
  username: string | null;
  password: string | null;
  submit: string | null;
  confidence: number;
  signals: string[];
};

/**
 * What produced a site's Detection: grid-run's built-in detector (`version`: grid-run's), a
 * detector module (`--detector FILE`: `file` as given, `sha256` of its content) or an extension
 * (`version` from its manifest, `sha256` of the packed .crx).
 */
export type DetectorIdentity = {
  name: string;
  kind: 'builtin' | 'file' | 'extension';
  file?: string;
  sha256?: string;
  version?: string;
};

export type SiteStatus = 'passed' | 'failed' | 'error' | 'skipped';

export type Chunk = {
  index: number;
  siteIds: string[];
  /** Sum of the expected durations of its sites, in ms. */
  estimatedMs: number;
};

export type Attempt = {
  attempt: number;
  status: SiteStatus;
  message?: string;
  node?: string;
  sessionId?: string;
  startedAt: string;
  durationMs: number;
};

export type SiteResult = {
  id: string;
  url: string;
  status: SiteStatus;
  flaky: boolean;
  attempts: Attempt[];
  /** Time of the final attempt: page load, steps, detection, in ms. */
  timings: { loadMs: number; stepsMs: number; detectMs: number; totalMs: number };
  node?: string;
  sessionId?: string;
  browserVersion?: string;
  detection?: Detection;
  /** What produced `detection` (and would have, for a site that ended before detecting). */
  detector?: DetectorIdentity;
  expect?: Expectation;
  message?: string;
  screenshot?: string;
  tags: string[];
  locale?: string;
  /** Set for a site marked as a known failure that ran to a verdict (see sites/known.ts). */
  known?: KnownOutcome;
};

/**
 * A known failure's outcome: `failing` still fails (reported, does not fail the run); `fixed`
 * passed (remove it from the known failures; fails the run only with --strict-known).
 */
export type KnownOutcome = { reason: string; state: 'failing' | 'fixed' };
