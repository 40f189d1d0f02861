// The bookkeeping of a dispatch: every attempt of every site, and each site's one result once
// the scheduler calls an attempt final (or the run ends without one).
import type { Attempt, Site, SiteResult } from '../types.ts';
import { skippedResult } from '../site-result.ts';
import { knownOutcome } from '../sites/known.ts';
import type { Session, SiteOutcome } from './session-factory.ts';

export class ResultBook {
  readonly #attempts = new Map<string, Attempt[]>();
  readonly #results = new Map<string, SiteResult>();
  readonly #now: () => number;

  constructor(now: () => number) {
    this.#now = now;
  }

  /** Adds one attempt of a site, as it ended on `session`. */
  addAttempt(site: Site, attempt: number, outcome: SiteOutcome, session: Session | undefined, nodeLost: boolean): void {
    const list = this.#attemptsOf(site.id);
    const entry: Attempt = {
      attempt,
      status: outcome.status,
      message: outcome.message,
      node: session?.node,
      sessionId: session?.id,
      startedAt: new Date(this.#now() - outcome.timings.totalMs).toISOString(),
      durationMs: outcome.timings.totalMs,
    };
    if (outcome.sessionLost) entry.sessionLost = true;
    if (nodeLost) entry.nodeLost = true;
    list.push(entry);
  }

  /** The site's result from its final attempt (added before), with all its attempts. */
  finish(site: Site, outcome: SiteOutcome, session: Session | undefined): SiteResult {
    const list = this.#attemptsOf(site.id);
    const result: SiteResult = {
      id: site.id,
      url: site.url,
      status: outcome.status,
      flaky: outcome.status === 'passed' && list.some((a) => a.status === 'failed'),
      attempts: list,
      timings: outcome.timings,
      node: session?.node,
      sessionId: session?.id,
      browserVersion: session?.browserVersion,
      detection: outcome.detection,
      detector: outcome.detector,
      expect: site.expect,
      message: outcome.message,
      screenshot: outcome.screenshot,
      tags: site.tags,
      locale: site.locale,
    };
    const known = knownOutcome(site.known, outcome.status);
    if (known) result.known = known;
    if (outcome.verdicts) result.verdicts = outcome.verdicts;
    this.#results.set(site.id, result);
    return result;
  }

  /** A result for each site that has none yet (`status` and `message` say why), in the order given. */
  finishUnfinished(sites: ReadonlyMap<string, Site>, reason: { status: 'error' | 'skipped'; message: string }): SiteResult[] {
    const unfinished = [...sites.values()].filter((site) => !this.#results.has(site.id));
    return unfinished.map((site) => {
      const result: SiteResult = { ...skippedResult(site, reason.message), status: reason.status, attempts: this.#attempts.get(site.id) ?? [] };
      this.#results.set(site.id, result);
      return result;
    });
  }

  /** Every site's result in the order the sites were given, whatever order they finished in. */
  inOrder(sites: ReadonlyMap<string, Site>): SiteResult[] {
    return [...sites.keys()].map((id) => this.#results.get(id)!);
  }

  #attemptsOf(siteId: string): Attempt[] {
    let list = this.#attempts.get(siteId);
    if (!list) this.#attempts.set(siteId, (list = []));
    return list;
  }
}
