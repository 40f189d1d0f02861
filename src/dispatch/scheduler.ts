// The dispatcher's decisions, kept synchronous "for easier reasoning" (as Playwright's are):
// which site a slot runs next, and what an outcome means for the run. The async part
// (src/dispatch/dispatch.ts) only carries them out. The scheduler simulation drives this same
// class with simulated time.
import type { Chunk } from '../types.ts';

export type WorkItem = {
  siteId: string;
  /** 1-based attempt number of this site (test retries and requeues both count). */
  attempt: number;
};

export type Completion =
  | { final: true }
  | { final: false; reason: 'retry' | 'requeue' };

export type SchedulerOptions = {
  chunks: readonly Chunk[];
  /** Extra attempts for test failures (`--retries`). */
  retries: number;
  /** Attempts in all for a site that keeps meeting infrastructure errors. */
  infraAttempts: number;
  /**
   * Requeues, not counted in infraAttempts, of a site whose node died under it: that is not
   * the site's doing, but a page that takes whole nodes down must not go round for ever.
   * Default 3.
   */
  nodeLossRequeues?: number;
  /** Expected duration of a site, for choosing what to steal. */
  costOf: (siteId: string) => number;
};

type Slot = { chunk?: number; node?: string };

export class Scheduler {
  readonly #chunks: string[][];
  readonly #chunkCost: number[];
  readonly #unclaimed: number[];
  readonly #owner = new Map<number, number>();
  readonly #slots = new Map<number, Slot>();
  /** Retries and requeues: a new queue entry each, taken before fresh work. */
  readonly #again: WorkItem[] = [];
  readonly #attempts = new Map<string, { total: number; failures: number; infra: number; nodeLosses: number }>();
  readonly #excluded = new Map<string, Set<string>>();
  readonly #options: SchedulerOptions;
  #inFlight = 0;
  /** Sites still in the chunks: with `#again`, what a slot could take. */
  #left = 0;

  constructor(options: SchedulerOptions) {
    this.#options = options;
    this.#chunks = options.chunks.map((c) => [...c.siteIds]);
    this.#left = this.#chunks.reduce((sum, c) => sum + c.length, 0);
    this.#chunkCost = options.chunks.map((c) => c.siteIds.reduce((sum, id) => sum + options.costOf(id), 0));
    // Claim the heaviest chunks first so the longest work starts earliest.
    this.#unclaimed = options.chunks.map((c) => c.index).sort((a, b) => this.#chunkCost[b]! - this.#chunkCost[a]! || a - b);
  }

  /** Tells the scheduler which node a slot's session is on (undefined: no session). */
  setNode(slot: number, node: string | undefined): void {
    this.#slot(slot).node = node;
  }

  /** The next site for `slot`, or undefined when nothing is left for it. */
  next(slot: number): WorkItem | undefined {
    const state = this.#slot(slot);
    const item = this.#takeAgain(state) ?? this.#takeOwn(state) ?? this.#claim(slot, state) ?? this.#steal(slot, state);
    if (item) this.#inFlight++;
    return item;
  }

  /**
   * Records how an attempt ended and says whether it is the site's final result. A test failure
   * within `retries` and an infrastructure error within `infraAttempts` go back to the queue,
   * the latter with the node it met excluded. An error because the node itself died
   * (`nodeLost`) is charged to the node: it goes back without using up the site's attempts.
   * A known failure that fails is its expected outcome: not retried (nor is an expected failure
   * in Playwright Test).
   */
  complete(item: WorkItem, status: 'passed' | 'failed' | 'error', node?: string, cause: { nodeLost?: boolean; known?: boolean } = {}): Completion {
    this.#inFlight--;
    const a = this.#attemptsOf(item.siteId);
    a.total++;
    if (status === 'failed' && !cause.known && a.failures++ < this.#options.retries) {
      this.#again.push({ siteId: item.siteId, attempt: a.total + 1 });
      return { final: false, reason: 'retry' };
    }
    const nodeLoss = status === 'error' && cause.nodeLost === true && a.nodeLosses++ < (this.#options.nodeLossRequeues ?? 3);
    if (status === 'error' && (nodeLoss || ++a.infra < this.#options.infraAttempts)) {
      if (node) this.#excludedFor(item.siteId).add(node);
      // Front of the queue: the site has already waited its turn once.
      this.#again.unshift({ siteId: item.siteId, attempt: a.total + 1 });
      return { final: false, reason: 'requeue' };
    }
    return { final: true };
  }

  /** Gives back an item that was taken but never run (the slot lost its session first). */
  giveBack(item: WorkItem): void {
    this.#inFlight--;
    this.#again.unshift(item);
  }

  get done(): boolean {
    return this.#inFlight === 0 && this.queued === 0;
  }

  /** Sites waiting to be taken (fresh, retried or given back); none: a slot's `next` has nothing. */
  get queued(): number {
    return this.#again.length + this.#left;
  }

  attemptsOf(siteId: string): number {
    return this.#attempts.get(siteId)?.total ?? 0;
  }

  #slot(slot: number): Slot {
    let state = this.#slots.get(slot);
    if (!state) this.#slots.set(slot, (state = {}));
    return state;
  }

  #attemptsOf(siteId: string) {
    let a = this.#attempts.get(siteId);
    if (!a) this.#attempts.set(siteId, (a = { total: 0, failures: 0, infra: 0, nodeLosses: 0 }));
    return a;
  }

  #excludedFor(siteId: string): Set<string> {
    let set = this.#excluded.get(siteId);
    if (!set) this.#excluded.set(siteId, (set = new Set()));
    return set;
  }

  /**
   * A slot does not take a site back to a node it failed on, unless no slot on another node
   * could take it (then running it again beats never running it).
   */
  #allowed(siteId: string, state: Slot): boolean {
    const excluded = this.#excluded.get(siteId);
    if (!excluded || !state.node || !excluded.has(state.node)) return true;
    for (const other of this.#slots.values()) {
      if (other.node && !excluded.has(other.node)) return false;
    }
    return true;
  }

  #takeAgain(state: Slot): WorkItem | undefined {
    const index = this.#again.findIndex((i) => this.#allowed(i.siteId, state));
    return index < 0 ? undefined : this.#again.splice(index, 1)[0];
  }

  #takeOwn(state: Slot): WorkItem | undefined {
    if (state.chunk === undefined) return undefined;
    return this.#take(state.chunk, state, 'head');
  }

  #claim(slot: number, state: Slot): WorkItem | undefined {
    while (this.#unclaimed.length > 0) {
      const chunk = this.#unclaimed.shift()!;
      this.#owner.set(chunk, slot);
      state.chunk = chunk;
      const item = this.#take(chunk, state, 'head');
      if (item) return item;
    }
    return undefined;
  }

  /** Work stealing: the tail of the chunk with the most expected work left. */
  #steal(slot: number, state: Slot): WorkItem | undefined {
    let victim = -1;
    for (let i = 0; i < this.#chunks.length; i++) {
      if (this.#chunks[i]!.length === 0 || this.#owner.get(i) === slot) continue;
      if (victim < 0 || this.#chunkCost[i]! > this.#chunkCost[victim]!) victim = i;
    }
    return victim < 0 ? undefined : this.#take(victim, state, 'tail');
  }

  #take(chunk: number, state: Slot, end: 'head' | 'tail'): WorkItem | undefined {
    const queue = this.#chunks[chunk]!;
    const order = end === 'head' ? queue.keys() : [...queue.keys()].reverse();
    for (const i of order) {
      const siteId = queue[i]!;
      if (!this.#allowed(siteId, state)) continue;
      queue.splice(i, 1);
      this.#left--;
      this.#chunkCost[chunk]! -= this.#options.costOf(siteId);
      return { siteId, attempt: this.attemptsOf(siteId) + 1 };
    }
    return undefined;
  }
}
