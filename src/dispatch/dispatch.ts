// Carries out the scheduler's decisions: one async loop per slot, each holding one browser
// session for as many sites as it can take, and folding every attempt into one result a site.
import pTimeout from 'p-timeout';
import type { Site, SiteResult, Attempt } from '../types.ts';
import type { Reporter } from '../report/reporter.ts';
import { errorMessage } from '../errors.ts';
import { skippedResult } from '../site-result.ts';
import { knownOutcome } from '../sites/known.ts';
import { Scheduler, type WorkItem } from './scheduler.ts';
import type { Session, SessionFactory, SiteOutcome } from './session.ts';
import type { Chunk } from '../types.ts';

export type DispatchOptions = {
  sites: ReadonlyMap<string, Site>;
  chunks: readonly Chunk[];
  concurrency: number;
  retries: number;
  infraAttempts?: number;
  costOf: (siteId: string) => number;
  sessions: SessionFactory;
  reporter?: Reporter;
  signal: AbortSignal;
  /** Aborted when the run must end without waiting: sessions still closing are left to the grid's teardown. */
  hurry?: AbortSignal;
  now?: () => number;
  /** Bound on clearing a session between two sites. */
  resetTimeoutMs?: number;
};

export type DispatchResult = {
  results: SiteResult[];
  sessionsCreated: number;
  /** Sum over sites of the time a slot spent on them, in ms. */
  busyMs: number;
  /** Set when the run could not finish: every slot lost its way to a browser. */
  infrastructureFailure?: string;
};

export async function dispatch(options: DispatchOptions): Promise<DispatchResult> {
  const now = options.now ?? Date.now;
  const scheduler = new Scheduler({
    chunks: options.chunks,
    retries: options.retries,
    infraAttempts: options.infraAttempts ?? 2,
    costOf: options.costOf,
  });
  const attempts = new Map<string, Attempt[]>();
  const results = new Map<string, SiteResult>();
  let sessionsCreated = 0;
  let busyMs = 0;
  let lastOpenError = '';
  let alive = options.concurrency;
  const waiting = new Set<() => void>();
  const wake = () => {
    for (const resolve of waiting) resolve();
    waiting.clear();
  };
  // Sites in flight, each ended as 'aborted' by a Ctrl-C. A set, not one promise every site
  // races against: each race would leave a reaction on that promise until the run ends.
  const inFlight = new Set<() => void>();
  const onAbort = () => {
    for (const stop of inFlight) stop();
    wake();
  };
  options.signal.addEventListener('abort', onAbort, { once: true });
  const runOrAbort = (session: Session, site: Site, attempt: number) =>
    new Promise<SiteOutcome | 'aborted'>((resolve, reject) => {
      const stop = () => resolve('aborted');
      if (options.signal.aborted) stop();
      inFlight.add(stop);
      session
        .run(site, attempt)
        .then(resolve, reject)
        .finally(() => inFlight.delete(stop));
    });

  const finish = (site: Site, item: WorkItem, outcome: SiteOutcome, session: Session | undefined, nodeLost = false) => {
    const list = attempts.get(site.id) ?? [];
    attempts.set(site.id, list);
    const attempt: Attempt = {
      attempt: item.attempt,
      status: outcome.status,
      message: outcome.message,
      node: session?.node,
      sessionId: session?.id,
      startedAt: new Date(now() - outcome.timings.totalMs).toISOString(),
      durationMs: outcome.timings.totalMs,
    };
    list.push(attempt);
    const verdict = scheduler.complete(item, outcome.status, session?.node, { nodeLost });
    if (!verdict.final) {
      options.reporter?.onNotice?.(
        verdict.reason === 'retry'
          ? `${site.id}: failed on attempt ${item.attempt}, retrying`
          : `${site.id}: ${outcome.message ?? 'infrastructure error'} on ${session?.node ?? 'unknown node'}${nodeLost ? ' (node gone)' : ''}; requeued elsewhere`,
      );
      return;
    }
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
    results.set(site.id, result);
    options.reporter?.onSiteEnd?.(result);
  };

  const worker = async (slot: number) => {
    let session: Session | undefined;
    /** The session ran a site since its last reset: reset before the next (and not after the last). */
    let used = false;
    try {
      while (!options.signal.aborted) {
        const item = scheduler.next(slot);
        if (!item) {
          if (scheduler.done) return;
          // A site in flight elsewhere may come back as a retry; wait for news.
          await new Promise<void>((resolve) => waiting.add(resolve));
          continue;
        }
        if (session && used) {
          // The site waits for no reset: another slot may take it meanwhile.
          scheduler.giveBack(item);
          wake();
          used = false;
          // A reset that hangs (a page still loading, a wedged renderer) costs the session, not the run.
          if (!(await bounded(session.reset(), options.resetTimeoutMs ?? 15_000))) {
            await session.close();
            session = undefined;
            scheduler.setNode(slot, undefined);
          }
          continue;
        }
        if (!session) {
          // Hold no work while waiting for a browser: the request may sit in the hub's queue
          // until another slot frees, and that slot may be waiting for this very site.
          scheduler.giveBack(item);
          wake();
          try {
            session = await options.sessions.open(options.signal);
            sessionsCreated++;
            scheduler.setNode(slot, session.node);
          } catch (err) {
            lastOpenError = errorMessage(err);
            if (!options.signal.aborted) options.reporter?.onNotice?.(`slot ${slot}: no session (${lastOpenError}); slot retired`);
            return;
          }
          continue;
        }
        const site = options.sites.get(item.siteId)!;
        options.reporter?.onSiteStart?.({ siteId: site.id, node: session.node, slot, attempt: item.attempt });
        const started = now();
        const outcome = await runOrAbort(session, site, item.attempt);
        busyMs += now() - started;
        if (outcome === 'aborted') {
          scheduler.giveBack(item);
          return;
        }
        // Asked before the verdict: a site whose node died under it is requeued at no cost to it.
        const nodeLost = outcome.status === 'error' && outcome.sessionLost === true && (await options.sessions.nodeLost?.(session).catch(() => false)) === true;
        finish(site, item, outcome, session, nodeLost);
        if (outcome.sessionLost) {
          options.sessions.lost?.(session);
          await session.close();
          session = undefined;
          scheduler.setNode(slot, undefined);
        } else {
          used = true;
        }
        wake();
      }
    } finally {
      alive--;
      scheduler.setNode(slot, undefined);
      wake();
      if (session) await unlessHurried(session.close(), options.hurry);
    }
  };

  try {
    await Promise.all(Array.from({ length: options.concurrency }, (_, slot) => worker(slot)));
  } finally {
    options.signal.removeEventListener('abort', onAbort);
  }

  const infrastructureFailure = !options.signal.aborted && alive === 0 && !scheduler.done ? lastOpenError || 'no browser session could be opened' : undefined;
  const unfinished = [...options.sites.keys()].filter((id) => !results.has(id));
  for (const id of unfinished) {
    const site = options.sites.get(id)!;
    const reason = infrastructureFailure
      ? { status: 'error' as const, message: `not run: no browser session could be opened (${infrastructureFailure})` }
      : { status: 'skipped' as const, message: `not run: the run was interrupted (${String(options.signal.reason ?? 'aborted')})` };
    const result: SiteResult = { ...skippedResult(site, reason.message), status: reason.status, attempts: attempts.get(id) ?? [] };
    results.set(id, result);
    options.reporter?.onSiteEnd?.(result);
  }
  // Results in the order the sites were given, whatever order they finished in.
  const ordered = [...options.sites.keys()].map((id) => results.get(id)!);
  return { results: ordered, sessionsCreated, busyMs, infrastructureFailure };
}

/** True when `work` succeeded within `ms`; false when it failed or took longer. */
function bounded(work: Promise<unknown>, ms: number): Promise<boolean> {
  return pTimeout(
    work.then(
      () => true,
      () => false,
    ),
    { milliseconds: ms, fallback: () => false },
  );
}

/** `work`, or no more waiting for it once `hurry` aborts (it goes on, unwatched). */
function unlessHurried(work: Promise<unknown>, hurry: AbortSignal | undefined): Promise<void> {
  const done = work.then(
    () => undefined,
    () => undefined,
  );
  if (!hurry) return done;
  if (hurry.aborted) return Promise.resolve();
  return new Promise((resolve) => {
    const stop = () => resolve();
    hurry.addEventListener('abort', stop, { once: true });
    void done.then(() => {
      hurry.removeEventListener('abort', stop);
      resolve();
    });
  });
}
