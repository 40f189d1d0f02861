// Scheduler simulation without browsers: the REAL planner (src/plan/plan.ts) and the REAL
// Scheduler (src/dispatch/scheduler.ts) driven by a virtual clock (an event queue), so that
// makespans over thousands of sites and hundreds of slots take milliseconds, not hours.
// Only the static baselines (one chunk pinned to one slot, no stealing) are modelled here:
// they are what grid-run is compared with, not grid-run's own policy.
import { lowerBound, plan } from '../../src/plan/plan.ts';
import { Scheduler, type WorkItem } from '../../src/dispatch/scheduler.ts';
import type { Chunk } from '../../src/types.ts';

/** What the event loop needs of a policy; the real Scheduler has exactly this shape. */
export type Policy = {
  setNode(slot: number, node: string | undefined): void;
  next(slot: number): WorkItem | undefined;
  complete(item: WorkItem, status: 'passed' | 'failed' | 'error', node?: string): { final: boolean };
  readonly done: boolean;
};

export type PolicyName = 'count-static' | 'balanced-static' | 'scheduler-count' | 'scheduler-balanced';

export const policyLabels: Record<PolicyName, string> = {
  'count-static': 'count-based chunks, one chunk per slot, no stealing',
  'balanced-static': 'duration-balanced chunks (history), no stealing',
  'scheduler-count': 'grid-run: plan() by count + real Scheduler (stealing)',
  'scheduler-balanced': 'grid-run: plan() with history + real Scheduler (stealing)',
};

export type SimOptions = {
  sites: number;
  nodes: number;
  slotsPerNode: number;
  seed: number;
  /** Median site duration, ms; durations are log-normal around it. */
  medianMs: number;
  /** Sigma of the log-normal: 1.0 makes the longest of 10,000 sites ~40x the median. */
  sigma: number;
  /** Nodes that die, each at a uniformly random time within the failure-free lower bound. */
  deadNodes: number;
  /** The history the planner sees is the true duration times log-normal noise of this sigma. */
  historyNoise: number;
  policy: PolicyName;
};

export type SimResult = {
  makespanMs: number;
  lowerBoundMs: number;
  ratio: number;
  /** Final results per site id: every site must have exactly one. */
  finals: Map<string, number>;
  attempts: number;
  /** Attempts cut short by a node dying. */
  interrupted: number;
  /** Sites whose final result is an error (met dying nodes on every attempt). */
  errors: number;
};

export const defaultSim: Omit<SimOptions, 'policy' | 'deadNodes' | 'seed'> = {
  sites: 10_000,
  nodes: 100,
  slotsPerNode: 4,
  medianMs: 2000,
  sigma: 1.0,
  historyNoise: 0.3,
};

/** mulberry32: small, seedable, good enough for workloads. */
export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function normal(random: () => number): number {
  const u = Math.max(random(), Number.MIN_VALUE);
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * random());
}

export type Workload = { ids: string[]; durations: Map<string, number>; history: Map<string, number> };

export function workload(options: Pick<SimOptions, 'sites' | 'seed' | 'medianMs' | 'sigma' | 'historyNoise'>): Workload {
  const random = rng(options.seed);
  const ids: string[] = [];
  const durations = new Map<string, number>();
  const history = new Map<string, number>();
  for (let i = 0; i < options.sites; i++) {
    const id = `site-${String(i).padStart(5, '0')}`;
    const ms = options.medianMs * Math.exp(options.sigma * normal(random));
    ids.push(id);
    durations.set(id, ms);
    history.set(id, ms * Math.exp(options.historyNoise * normal(random)));
  }
  return { ids, durations, history };
}

/**
 * The baseline: slot i runs chunk i from head to tail and nothing else. When its node dies,
 * the unfinished rest of its chunk (the interrupted site first) is rerun whole by the first
 * slot that runs out of its own work, like re-running a failed CI shard.
 */
export class StaticPolicy implements Policy {
  readonly #own = new Map<number, string[]>();
  readonly #orphans: string[][] = [];
  readonly #attempts = new Map<string, number>();
  #inFlight = 0;
  constructor(chunks: readonly Chunk[], slots: number) {
    // Heaviest chunk to the first slot, as plan() orders nothing by itself.
    const sorted = [...chunks].sort((a, b) => b.estimatedMs - a.estimatedMs || a.index - b.index);
    for (let s = 0; s < slots; s++) this.#own.set(s, [...(sorted[s]?.siteIds ?? [])]);
    for (const extra of sorted.slice(slots)) this.#orphans.push([...extra.siteIds]);
  }
  setNode(slot: number, node: string | undefined): void {
    if (node !== undefined) return;
    const rest = this.#own.get(slot);
    if (rest && rest.length > 0) this.#orphans.push(rest);
    this.#own.delete(slot);
  }
  next(slot: number): WorkItem | undefined {
    let queue = this.#own.get(slot);
    if (!queue) return undefined;
    if (queue.length === 0 && this.#orphans.length > 0) this.#own.set(slot, (queue = this.#orphans.shift()!));
    const siteId = queue.shift();
    if (siteId === undefined) return undefined;
    this.#inFlight++;
    return { siteId, attempt: (this.#attempts.get(siteId) ?? 0) + 1 };
  }
  complete(item: WorkItem, status: 'passed' | 'failed' | 'error'): { final: boolean } {
    this.#inFlight--;
    this.#attempts.set(item.siteId, item.attempt);
    if (status === 'error' && item.attempt < 2) {
      // The interrupted site is rerun first; the rest of its chunk follows (setNode comes next).
      this.#orphans.push([item.siteId]);
      return { final: false };
    }
    return { final: true };
  }
  get done(): boolean {
    return this.#inFlight === 0 && this.#orphans.length === 0 && [...this.#own.values()].every((q) => q.length === 0);
  }
}

type Pending = { at: number; kind: 'done'; slot: number; token: number } | { at: number; kind: 'death'; node: number };
type Event = Pending & { seq: number };

/** A binary min-heap on (at, seq): same inputs, same order of events. */
class EventQueue {
  readonly #heap: Event[] = [];
  #seq = 0;
  push(event: Pending): void {
    const heap = this.#heap;
    heap.push({ ...event, seq: this.#seq++ });
    let i = heap.length - 1;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (!before(heap[i]!, heap[parent]!)) break;
      [heap[i], heap[parent]] = [heap[parent]!, heap[i]!];
      i = parent;
    }
  }
  pop(): Event | undefined {
    const heap = this.#heap;
    const top = heap[0];
    const last = heap.pop();
    if (heap.length > 0 && last) {
      heap[0] = last;
      let i = 0;
      for (;;) {
        const l = 2 * i + 1;
        const r = l + 1;
        let m = i;
        if (l < heap.length && before(heap[l]!, heap[m]!)) m = l;
        if (r < heap.length && before(heap[r]!, heap[m]!)) m = r;
        if (m === i) break;
        [heap[i], heap[m]] = [heap[m]!, heap[i]!];
        i = m;
      }
    }
    return top;
  }
}

function before(a: Event, b: Event): boolean {
  return a.at < b.at || (a.at === b.at && a.seq < b.seq);
}

export function makePolicy(name: PolicyName, load: Workload, slots: number): Policy {
  const balanced = name === 'balanced-static' || name === 'scheduler-balanced';
  const history = balanced ? load.history : undefined;
  // As `run` does: one chunk per slot unless told otherwise.
  const chunks = plan(load.ids, { defaultChunks: slots, history });
  if (name === 'count-static' || name === 'balanced-static') return new StaticPolicy(chunks, slots);
  return new Scheduler({ chunks, retries: 0, infraAttempts: 2, costOf: (id) => history?.get(id) ?? 2000 });
}

/**
 * Runs one simulated dispatch. Slot s lives on node floor(s / slotsPerNode). A slot asks the
 * policy for work whenever it is free, and, like dispatch.ts, a slot that got nothing waits
 * until some other slot finishes (a site may come back as a requeue). A dying node ends its
 * slots' sites as infrastructure errors at that instant; its slots ask for nothing more.
 */
export function simulate(options: SimOptions, load: Workload = workload(options)): SimResult {
  const slots = options.nodes * options.slotsPerNode;
  const policy = makePolicy(options.policy, load, slots);
  const nodeOf = (slot: number) => Math.floor(slot / options.slotsPerNode);
  const nodeName = (node: number) => `http://node-${node}:5555`;
  const bound = lowerBound([...load.durations.values()], slots);

  const queue = new EventQueue();
  const busy = new Map<number, { item: WorkItem; token: number }>();
  const dead = new Set<number>();
  const waiting = new Set<number>();
  const finals = new Map<string, number>();
  let token = 0;
  let attempts = 0;
  let interrupted = 0;
  let errors = 0;
  let makespan = 0;

  const start = (slot: number, now: number): void => {
    const item = policy.next(slot);
    if (!item) {
      if (!policy.done) waiting.add(slot);
      return;
    }
    attempts++;
    const t = ++token;
    busy.set(slot, { item, token: t });
    queue.push({ at: now + load.durations.get(item.siteId)!, kind: 'done', slot, token: t });
  };
  const wakeAll = (now: number): void => {
    const list = [...waiting].sort((a, b) => a - b);
    waiting.clear();
    for (const slot of list) if (!dead.has(slot)) start(slot, now);
  };
  const settle = (item: WorkItem, status: 'passed' | 'error', node: number, now: number): void => {
    const verdict = policy.complete(item, status, nodeName(node));
    if (!verdict.final) return;
    finals.set(item.siteId, (finals.get(item.siteId) ?? 0) + 1);
    if (status === 'error') errors++;
    makespan = Math.max(makespan, now);
  };

  if (options.deadNodes > 0) {
    const random = rng(options.seed ^ 0x9e3779b9);
    const victims = new Set<number>();
    while (victims.size < Math.min(options.deadNodes, options.nodes)) victims.add(Math.floor(random() * options.nodes));
    for (const node of [...victims].sort((a, b) => a - b)) queue.push({ at: random() * bound, kind: 'death', node });
  }
  for (let slot = 0; slot < slots; slot++) policy.setNode(slot, nodeName(nodeOf(slot)));
  for (let slot = 0; slot < slots; slot++) start(slot, 0);

  for (let event = queue.pop(); event; event = queue.pop()) {
    if (event.kind === 'death') {
      for (let slot = event.node * options.slotsPerNode; slot < (event.node + 1) * options.slotsPerNode; slot++) {
        dead.add(slot);
        waiting.delete(slot);
        const running = busy.get(slot);
        busy.delete(slot);
        if (running) {
          interrupted++;
          settle(running.item, 'error', event.node, event.at);
        }
        policy.setNode(slot, undefined);
      }
      wakeAll(event.at);
      continue;
    }
    const running = busy.get(event.slot);
    if (!running || running.token !== event.token) continue; // its node died first
    busy.delete(event.slot);
    settle(running.item, 'passed', nodeOf(event.slot), event.at);
    start(event.slot, event.at);
    wakeAll(event.at);
  }
  return { makespanMs: makespan, lowerBoundMs: bound, ratio: makespan / bound, finals, attempts, interrupted, errors };
}
