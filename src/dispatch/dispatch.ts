// Carries out the scheduler's decisions: one async loop per slot, each holding one browser
// session for as many sites as it can take, and folding every attempt into one result a site.
import pTimeout from 'p-timeout';
import type { Chunk, Site, SiteResult } from '../types.ts';
import type { Reporter } from '../report/reporter.ts';
import { errorMessage } from '../errors.ts';
import { ResultBook } from './result-book.ts';
import { Scheduler, type WorkItem } from './scheduler.ts';
import type { Session, SessionFactory, SiteOutcome } from './session-factory.ts';

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
  return new Dispatcher(options).run();
}

/** What a slot holds from one step of its loop to the next. */
type SlotState = {
  slot: number;
  session?: Session;
  /** The session ran a site since its last reset: reset before the next (and not after the last). */
  used: boolean;
};

/** One dispatch: its slots' loops carry out the scheduler's decisions, the book keeps the results. */
class Dispatcher {
  readonly #options: DispatchOptions;
  readonly #now: () => number;
  readonly #scheduler: Scheduler;
  readonly #book: ResultBook;
  /** Slots waiting for news: a site back in the queue, a slot retired, the run aborted. */
  readonly #waiting = new Set<() => void>();
  // Sites in flight, each ended as 'aborted' by a Ctrl-C. A set, not one promise every site
  // races against: each race would leave a reaction on that promise until the run ends.
  readonly #inFlight = new Set<() => void>();
  #sessionsCreated = 0;
  #busyMs = 0;
  #lastOpenError = '';
  #alive: number;

  constructor(options: DispatchOptions) {
    this.#options = options;
    this.#now = options.now ?? Date.now;
    this.#scheduler = new Scheduler({
      chunks: options.chunks,
      retries: options.retries,
      infraAttempts: options.infraAttempts ?? 2,
      costOf: options.costOf,
    });
    this.#book = new ResultBook(this.#now);
    this.#alive = options.concurrency;
  }

  async run(): Promise<DispatchResult> {
    const { signal, sites, concurrency, reporter } = this.#options;
    // 1. A Ctrl-C ends the sites in flight and wakes the slots waiting for news.
    signal.addEventListener('abort', this.#onAbort, { once: true });
    // 2. One loop per slot, until the scheduler is done, the run is aborted or the slot retires.
    try {
      await Promise.all(Array.from({ length: concurrency }, (_, slot) => this.#slotLoop(slot)));
    } finally {
      signal.removeEventListener('abort', this.#onAbort);
      this.#options.sessions.close?.();
    }
    // 3. Every site still without a result gets one: an error when no slot could get a browser, else skipped.
    const infrastructureFailure = !signal.aborted && this.#alive === 0 && !this.#scheduler.done ? this.#lastOpenError || 'no browser session could be opened' : undefined;
    const reason = infrastructureFailure
      ? { status: 'error' as const, message: `not run: no browser session could be opened (${infrastructureFailure})` }
      : { status: 'skipped' as const, message: `not run: the run was interrupted (${String(signal.reason ?? 'aborted')})` };
    for (const result of this.#book.finishUnfinished(sites, reason)) reporter?.onSiteEnd?.(result);
    return { results: this.#book.inOrder(sites), sessionsCreated: this.#sessionsCreated, busyMs: this.#busyMs, infrastructureFailure };
  }

  /** A slot's loop: each turn takes the scheduler's next item and does one step with it. */
  async #slotLoop(slot: number): Promise<void> {
    const state: SlotState = { slot, used: false };
    try {
      while (!this.#options.signal.aborted) {
        const item = this.#scheduler.next(slot);
        if (!item) {
          if (this.#scheduler.done) return;
          // A site in flight elsewhere may come back as a retry; wait for news.
          await new Promise<void>((resolve) => this.#waiting.add(resolve));
          continue;
        }
        if (state.session && state.used) await this.#reset(state, state.session, item);
        else if (!state.session) {
          if (!(await this.#open(state, item))) return;
        } else if (!(await this.#runSite(state, state.session, item))) return;
      }
    } finally {
      this.#alive--;
      this.#scheduler.setNode(slot, undefined);
      this.#wake(true);
      if (state.session) await unlessHurried(state.session.close(), this.#options.hurry);
    }
  }

  /** Resets the slot's used session, giving `item` back meanwhile; a session that does not reset is closed. */
  async #reset(state: SlotState, session: Session, item: WorkItem): Promise<void> {
    // The site waits for no reset: another slot may take it meanwhile.
    this.#giveBack(item);
    state.used = false;
    // A reset that hangs (a page still loading, a wedged renderer) costs the session, not the run.
    if (!(await bounded(session.reset(), this.#options.resetTimeoutMs ?? 15_000))) await this.#drop(state);
  }

  /** Opens the slot's session, giving `item` back meanwhile. False: no session, the slot retires. */
  async #open(state: SlotState, item: WorkItem): Promise<boolean> {
    // Hold no work while waiting for a browser: the request may sit in the hub's queue
    // until another slot frees, and that slot may be waiting for this very site.
    this.#giveBack(item);
    const { sessions, signal, reporter } = this.#options;
    try {
      state.session = await sessions.open(signal);
      this.#sessionsCreated++;
      this.#scheduler.setNode(state.slot, state.session.node);
      return true;
    } catch (err) {
      this.#lastOpenError = errorMessage(err);
      if (!signal.aborted) reporter?.onNotice?.(`slot ${state.slot}: no session (${this.#lastOpenError}); slot retired`);
      return false;
    }
  }

  /** Runs `item` on the slot's session and records how it ended. False: the run was aborted under it. */
  async #runSite(state: SlotState, session: Session, item: WorkItem): Promise<boolean> {
    const { sites, reporter, sessions } = this.#options;
    const site = sites.get(item.siteId)!;
    reporter?.onSiteStart?.({ siteId: site.id, node: session.node, slot: state.slot, attempt: item.attempt });
    const started = this.#now();
    const outcome = await this.#runOrAbort(session, site, item.attempt);
    this.#busyMs += this.#now() - started;
    if (outcome === 'aborted') {
      this.#scheduler.giveBack(item);
      return false;
    }
    // Asked before the verdict: a site whose node died under it is requeued at no cost to it.
    const nodeLost = outcome.status === 'error' && outcome.sessionLost === true && (await sessions.nodeLost?.(session).catch(() => false)) === true;
    this.#complete(site, item, outcome, session, nodeLost);
    if (outcome.sessionLost) {
      sessions.lost?.(session);
      await this.#drop(state);
    } else {
      state.used = true;
    }
    this.#wake();
    return true;
  }

  /** Records an attempt, and the site's result when the scheduler calls it final; else says what comes next. */
  #complete(site: Site, item: WorkItem, outcome: SiteOutcome, session: Session, nodeLost: boolean): void {
    const reporter = this.#options.reporter;
    this.#book.addAttempt(site, item.attempt, outcome, session, nodeLost);
    const completion = this.#scheduler.complete(item, outcome.status, session.node, { nodeLost, known: site.known !== undefined });
    if (!completion.final) {
      reporter?.onNotice?.(
        completion.reason === 'retry'
          ? `${site.id}: failed on attempt ${item.attempt}, retrying`
          : `${site.id}: ${outcome.message ?? 'infrastructure error'} on ${session.node ?? 'unknown node'}${nodeLost ? ' (node gone)' : ''}; requeued elsewhere`,
      );
      return;
    }
    const result = this.#book.finish(site, outcome, session);
    reporter?.onSiteEnd?.(result);
  }

  /** Closes the slot's session and forgets it: the next turn opens another. */
  async #drop(state: SlotState): Promise<void> {
    await state.session?.close();
    state.session = undefined;
    this.#scheduler.setNode(state.slot, undefined);
  }

  #giveBack(item: WorkItem): void {
    this.#scheduler.giveBack(item);
    this.#wake();
  }

  /**
   * Wakes the waiting slots, unless none of them could take anything: at the end of a run, a
   * thousand slots woken at each site's end, each asking for work, held the loop for a second.
   * A retired slot or an abort always wakes them (`force`).
   */
  #wake(force = false): void {
    if (!force && this.#scheduler.queued === 0 && !this.#scheduler.done) return;
    for (const resolve of this.#waiting) resolve();
    this.#waiting.clear();
  }

  readonly #onAbort = (): void => {
    for (const stop of this.#inFlight) stop();
    this.#wake(true);
  };

  #runOrAbort(session: Session, site: Site, attempt: number): Promise<SiteOutcome | 'aborted'> {
    return new Promise<SiteOutcome | 'aborted'>((resolve, reject) => {
      const stop = () => resolve('aborted');
      if (this.#options.signal.aborted) stop();
      this.#inFlight.add(stop);
      session
        .run(site, attempt)
        .then(resolve, reject)
        .finally(() => this.#inFlight.delete(stop));
    });
  }
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
