// JUnit XML (Jenkins/Surefire dialect) through junit-report-builder: one testcase per site.
import path from 'node:path';
import { createRequire } from 'node:module';
import type { Builder, TestCase } from 'junit-report-builder';
import { FIELDS, type DetectorIdentity, type Site, type SiteResult } from '../types.ts';
import { identityProperties } from '../detector/identity.ts';
import { changesById, compareRuns, comparisonCounts, type Comparison, type CompareWith } from './compare.ts';
import type { Reporter, RunInfo, RunSummary, Shard } from './reporter.ts';
import { writeFileAtomic } from './atomic.ts';
import { describeDetection, describeExpectation, finalAttemptMs, fixedMessage, redactUrl, seconds } from './summary.ts';
import { problems } from './verdicts.ts';

export type JUnitOptions = {
  /** Suite name; CI shows it above the testcases. */
  suiteName?: string;
  /** Sites of the run, to name each testcase's class after the list file it came from. */
  sites?: readonly Site[];
  runId?: string;
  gridUrl?: string;
  startedAt?: Date;
  /** Screenshot paths are made absolute against this, as the Jenkins attachments plugin wants. */
  cwd?: string;
  /** The earlier run to compare with: its counts and metrics become suite properties, each site's changes a property. */
  compareWith?: CompareWith;
  /** The run's detector, as suite properties (`grid-run.detector`, `grid-run.detector.sha256`, ...). */
  detector?: DetectorIdentity;
  /**
   * GitLab resolves attachments inside the job's artifacts, rooted at $CI_PROJECT_DIR: with this
   * set, attachment paths are written relative to it instead of absolute (Jenkins' convention).
   */
  attachmentsRoot?: string;
  shard?: Shard;
};

// The package is CommonJS (module.exports = builder) but its types declare an ES default
// export, which nodenext reads as exports.default; require() gives what the types describe.
const junit = createRequire(import.meta.url)('junit-report-builder') as Builder;

type XmlElement = ReturnType<TestCase['build']>;

export function buildJUnit(results: readonly SiteResult[], summary: RunSummary, options: JUnitOptions = {}): string {
  return [...junitPieces(results, summary, options)].join('');
}

/**
 * The JUnit document in pieces: the envelope (suites, suite, properties), then each testcase.
 * The library still builds every element, escapes and counts; but each testcase is made,
 * serialised and dropped one at a time, since the library's model and tree of every testcase
 * at once cost more memory than the rest of the run together (README, Performance: memory).
 */
export function* junitPieces(results: readonly SiteResult[], summary: RunSummary, options: JUnitOptions = {}): Generator<string> {
  // The export is a shared singleton builder: never add to it, always start a new one.
  const builder = junit.newBuilder();
  const suite = builder.testSuite().name(options.suiteName ?? 'grid-run').time(seconds(summary.wallMs));
  builder.name(options.suiteName ?? 'grid-run');
  if (options.startedAt) suite.timestamp(options.startedAt);
  if (options.runId) suite.property('run.id', options.runId);
  if (options.gridUrl) suite.property('grid.url', redactUrl(options.gridUrl));
  suite.property('sessions.created', String(summary.sessionsCreated));
  suite.property('flaky', String(summary.flaky));
  for (const [name, value] of options.detector ? identityProperties(options.detector) : []) suite.property(name, value);
  if (options.shard) suite.property('shard', `${options.shard.current}/${options.shard.total}`);
  if (summary.known) suite.property('known.failing', String(summary.known));
  if (summary.fixed) suite.property('known.fixed', String(summary.fixed));
  if (summary.interrupted) suite.property('interrupted', summary.interrupted);
  const comparison = options.compareWith && compareRuns(options.compareWith.results, results, options.compareWith.file);
  if (comparison) for (const [name, value] of comparisonProperties(comparison)) suite.property(name, value);
  const changes = comparison ? changesById(comparison) : undefined;

  // The suite holds one mark that builds no element and counts as all the sites (the library
  // sums its testcases' counts): the envelope gets its counts from it, and the testcases follow
  // it one at a time. A mark per site cost 100,000 TestCase objects at 100,000 sites.
  if (results.length > 0) {
    const counts = { failed: 0, error: 0, skipped: 0 };
    for (const r of results) {
      const kind = caseKind(r, summary.strictKnown);
      if (kind !== 'passed') counts[kind]++;
    }
    Object.assign(suite.testCase(), {
      build: (parent: XmlElement): XmlElement => parent,
      getTestCaseCount: () => results.length,
      getFailureCount: () => counts.failed,
      getErrorCount: () => counts.error,
      getSkippedCount: () => counts.skipped,
    });
  }
  const envelope = builder.build();
  const close = envelope.lastIndexOf('\n  </testsuite>');
  if (close < 0) {
    // No properties and no testcase: the library closes the suite in its opening tag.
    yield envelope;
    return;
  }
  yield envelope.slice(0, close + 1);
  const sources = new Map(options.sites?.map((s) => [s.id, s.source]));
  const cwd = options.cwd ?? process.cwd();
  // Testcases are made in a scratch suite, a new one every few hundred so none grows long.
  let scratch = junit.newBuilder().testSuite();
  let parent = scratch.build();
  let inScratch = 0;
  for (const r of results) {
    if (inScratch++ === 256) {
      scratch = junit.newBuilder().testSuite();
      parent = scratch.build();
      inScratch = 1;
    }
    const tc = scratch.testCase();
    const source = sources.get(r.id);
    // GitLab and others link a testcase to its `file`: the site list that declared it.
    if (source) tc.file(source.replace(/:\d+$/, ''));
    addTestCase(tc, r, className(r, source), { cwd, attachmentsRoot: options.attachmentsRoot }, summary.strictKnown, changes?.get(r.id));
    const el = tc.build(parent);
    // At the depth it has in the document (testsuites > testsuite > testcase), as the whole
    // document's build() would print it.
    yield el.toString({ pretty: true, indent: '  ', newline: '\n', offset: 2 });
    el.remove();
  }
  yield envelope.slice(close + 1);
}

/**
 * What a site is in JUnit: a known failure still failing is skipped (it must not fail the CI
 * job, and Jenkins and GitLab show a skip's message); a fixed one fails with --strict-known.
 */
function caseKind(r: SiteResult, strictKnown = false): SiteResult['status'] {
  if (r.known?.state === 'failing') return 'skipped';
  if (r.known?.state === 'fixed' && strictKnown) return 'failed';
  return r.status;
}

/** Suite properties of a comparison: `compare.newly-failing` = 2, `compare.new.login.f1` = 0.9667 ... */
export function comparisonProperties(c: Comparison): Array<[string, string]> {
  const props: Array<[string, string]> = [['compare.with', c.oldFile]];
  for (const [label, n] of comparisonCounts(c)) props.push([`compare.${label.replaceAll(' ', '-')}`, String(n)]);
  for (const [which, m] of [['old', c.metrics.old.overall], ['new', c.metrics.new.overall]] as const) {
    const num = (v: number | null) => (v === null ? '' : String(Math.round(v * 10_000) / 10_000));
    props.push([`compare.${which}.labelled`, String(m.pages)], [`compare.${which}.login.precision`, num(m.precision)], [`compare.${which}.login.recall`, num(m.recall)], [`compare.${which}.login.f1`, num(m.f1)]);
    for (const f of FIELDS) props.push([`compare.${which}.${f}.accuracy`, num(m.fields[f].accuracy)]);
  }
  return props.filter(([, v]) => v !== '');
}

function addTestCase(tc: TestCase, r: SiteResult, classname: string, paths: { cwd: string; attachmentsRoot?: string }, strictKnown?: boolean, changes?: readonly string[]): void {
  tc.className(classname).name(r.id).time(seconds(finalAttemptMs(r)));
  const final = r.attempts.at(-1);
  const props: Array<[string, string | undefined]> = [
    ['url', r.url],
    ['node', r.node],
    ['session', r.sessionId],
    ['attempt', final ? String(final.attempt) : undefined],
    ['attempts', String(r.attempts.length)],
    ['browser.version', r.browserVersion],
    ['locale', r.locale],
    ['tags', r.tags.length ? r.tags.join(',') : undefined],
    ['flaky', r.flaky ? 'true' : undefined],
    ['known', r.known ? `${r.known.state}: ${r.known.reason}` : undefined],
    ['screenshot', r.screenshot],
    ['change', changes?.length ? changes.join(',') : undefined],
  ];
  for (const [name, value] of props) if (value !== undefined && value !== '') tc.property(name, value);

  const detail = detailText(r);
  const kind = caseKind(r, strictKnown);
  if (r.known?.state === 'fixed' && kind === 'failed') {
    tc.failure(clip(fixedMessage(r)), 'FixedKnownFailure').stacktrace(cdataSafe(detail));
  } else if (kind === 'skipped' && r.status === 'failed') {
    tc.skipped();
  } else if (r.status === 'failed') {
    const lines = problems(r);
    const headline = r.message ?? lines[0] ?? 'detection did not match the expectation';
    tc.failure(clip(headline), 'DetectionMismatch').stacktrace(cdataSafe(detail));
  } else if (r.status === 'error') {
    tc.error(clip(r.message ?? 'infrastructure error (no message recorded)'), 'InfrastructureError', cdataSafe(detail));
  } else if (r.status === 'skipped') {
    tc.skipped();
  }

  const out = [describeDetection(r.detection), `expected: ${describeExpectation(r.expect)}`];
  if (r.known?.state === 'failing') out.unshift(`known failure (${r.known.reason}), still failing: ${oneLineOf(r.message ?? 'failed')}`);
  if (r.known?.state === 'fixed') out.unshift(fixedMessage(r));
  if (r.detection?.signals.length) out.push(`signals: ${r.detection.signals.join('; ')}`);
  out.push(
    `timings: load ${Math.round(r.timings.loadMs)}ms, steps ${Math.round(r.timings.stepsMs)}ms, detect ${Math.round(r.timings.detectMs)}ms, total ${Math.round(r.timings.totalMs)}ms`,
  );
  if (r.attempts.length > 1) {
    for (const a of r.attempts) out.push(`attempt ${a.attempt}: ${a.status} in ${Math.round(a.durationMs)}ms${a.node ? ` on ${a.node}` : ''}`);
  }
  if (r.screenshot) {
    const file = path.resolve(paths.cwd, r.screenshot);
    out.push(`[[ATTACHMENT|${paths.attachmentsRoot ? path.relative(paths.attachmentsRoot, file) : file}]]`);
  }
  out.push('');
  if (r.status !== 'skipped' || r.attempts.length) tc.standardOutput(cdataSafe(out.join('\n')));

  // junit-report-builder 5 has no API for <skipped message> or Surefire's <flakyFailure>, but
  // TestCase.build(parent) is public and returns the xmlbuilder element it made; wrapping it on
  // this one instance adds the missing children in the tree, before serialisation. This keeps
  // the library's counting (tests/failures/errors/skipped) and escaping, with no string surgery.
  // Gated on the dispatcher's verdict so JUnit's flaky count always equals the summary's.
  const earlier = r.status === 'passed' && r.flaky ? r.attempts.slice(0, -1).filter((a) => a.status !== 'passed') : [];
  const skipReason =
    r.known?.state === 'failing' ? `known failure: ${r.known.reason}` : r.status === 'skipped' ? (r.message ?? 'not run') : undefined;
  if (!earlier.length && !skipReason) return;
  const build = tc.build.bind(tc);
  tc.build = (parent: XmlElement): XmlElement => {
    const el = build(parent);
    if (skipReason) {
      const skipped = el.children.find((c) => (c as { name?: string }).name === 'skipped') as XmlElement | undefined;
      skipped?.att('message', clip(skipReason));
    }
    for (const a of earlier) {
      // Surefire writes flakyError for an infrastructure error followed by a pass.
      const kind = a.status === 'error' ? 'flakyError' : 'flakyFailure';
      const msg = `attempt ${a.attempt} ${a.status === 'error' ? 'errored' : 'failed'}: ${a.message ?? 'no message'}`;
      const where = [a.node && `node ${a.node}`, a.sessionId && `session ${a.sessionId}`, `${Math.round(a.durationMs)}ms`]
        .filter(Boolean)
        .join(', ');
      const f = el.ele(kind, { message: clip(msg), type: kind === 'flakyError' ? 'InfrastructureError' : 'DetectionMismatch' });
      f.ele('stackTrace').cdata(cdataSafe(`${msg}\n${where}\nstarted ${a.startedAt}`));
    }
    return el;
  };
}

function detailText(r: SiteResult): string {
  const lines = [`site: ${r.id}`, `url: ${r.url}`];
  if (r.status === 'failed') {
    lines.push(...problems(r));
    lines.push(`expected: ${describeExpectation(r.expect)}`, `detected: ${describeDetection(r.detection)}`);
  }
  // Node, session and screenshot are the testcase's properties (and its attachment); a single
  // attempt is the message itself: repeating them would only make each failed site bigger.
  for (const a of r.attempts.length > 1 ? r.attempts : []) {
    lines.push(
      `attempt ${a.attempt}: ${a.status} in ${Math.round(a.durationMs)}ms${a.node ? ` on ${a.node}` : ''}${a.message ? ` - ${a.message}` : ''}`,
    );
  }
  return lines.join('\n');
}

/** List file stem (`sites/fixtures.json:12` -> `fixtures`), else first tag, else the suite. */
function className(r: SiteResult, source: string | undefined): string {
  if (source) {
    const file = source.replace(/:\d+$/, '');
    const stem = path.basename(file).replace(/\.(jsonl?|json5?)$/i, '');
    if (stem) return `grid-run.${stem}`;
  }
  return r.tags[0] ? `grid-run.${r.tags[0]}` : 'grid-run';
}

// xmlbuilder 15 escapes only the first "]]>" in a CDATA section; page-controlled text
// (messages, detector signals) could hold several and break the document.
function cdataSafe(s: string): string {
  return s.replaceAll(']]>', ']] >');
}

function oneLineOf(s: string): string {
  return s.replace(/\s*\n\s*/g, ' | ');
}

// CI tables show the message attribute on one line; the full text is in the element body.
function clip(s: string, max = 500): string {
  const one = s.replace(/\s*\n\s*/g, ' | ');
  return one.length > max ? `${one.slice(0, max - 1)}…` : one;
}

export async function writeJUnit(
  file: string,
  results: readonly SiteResult[],
  summary: RunSummary,
  options: JUnitOptions = {},
): Promise<void> {
  await writeFileAtomic(file, junitPieces(results, summary, options));
}

export class JUnitReporter implements Reporter {
  readonly file: string;
  #options: JUnitOptions;
  constructor(file: string, options: JUnitOptions = {}) {
    this.file = file;
    this.#options = { ...options };
  }
  onBegin(info: RunInfo): void {
    this.#options = {
      ...this.#options,
      sites: info.sites,
      runId: info.runId,
      gridUrl: info.gridUrl,
      startedAt: info.startedAt,
      detector: info.detector,
      shard: info.shard,
    };
  }
  async onEnd(results: SiteResult[], summary: RunSummary): Promise<void> {
    await writeJUnit(this.file, results, summary, this.#options);
  }
}

