import assert from 'node:assert/strict';
import { getEventListeners } from 'node:events';
import { dispatch } from '../../src/dispatch/dispatch.ts';
import type { Session, SessionFactory, SiteOutcome } from '../../src/dispatch/session-factory.ts';
import { plan } from '../../src/plan/plan.ts';
import type { Site } from '../../src/types.ts';

const timings = { loadMs: 1, stepsMs: 0, detectMs: 1, totalMs: 2 };
const sites = (n: number): Map<string, Site> =>
  new Map(Array.from({ length: n }, (_, i) => [`s${i}`, { id: `s${i}`, url: `http://127.0.0.1/${i}`, tags: [], steps: [], source: 'test' }]));

/** Sessions on fake nodes whose behaviour per site is scripted by the test. */
function factory(behave: (site: Site, attempt: number, node: string) => Partial<SiteOutcome>, nodes = ['n1', 'n2']): SessionFactory & { opened: number } {
  let count = 0;
  const f = {
    opened: 0,
    async open(): Promise<Session> {
      const node = nodes[count++ % nodes.length]!;
      f.opened++;
      let closed = false;
      return {
        id: `session-${count}`,
        node,
        async run(site, attempt) {
          assert.equal(closed, false, 'a closed session is never used');
          await new Promise((r) => setTimeout(r, 1));
          return { status: 'passed', timings, ...behave(site, attempt, node) };
        },
        async reset() {},
        async close() {
          closed = true;
        },
      };
    },
  };
  return f;
}

const run = (n: number, sessions: SessionFactory, extra: { retries?: number; signal?: AbortSignal; concurrency?: number } = {}) => {
  const all = sites(n);
  return dispatch({
    sites: all,
    chunks: plan([...all.keys()], { defaultChunks: 2 }),
    concurrency: extra.concurrency ?? 2,
    retries: extra.retries ?? 0,
    costOf: () => 1,
    sessions,
    signal: extra.signal ?? new AbortController().signal,
  });
};

/** Sessions that log what happens to them, one line each: `<session> run <site>`, `reset`, `close`. */
function loggingFactory(log: string[], reset: (session: string) => Promise<void> = async () => undefined): SessionFactory {
  let count = 0;
  return {
    async open(): Promise<Session> {
      const id = `session-${++count}`;
      return {
        id,
        node: 'n1',
        async run(site) {
          log.push(`${id} run ${site.id}`);
          await new Promise((r) => setTimeout(r, 1));
          return { status: 'passed', timings };
        },
        async reset() {
          log.push(`${id} reset`);
          await reset(id);
        },
        async close() {
          log.push(`${id} close`);
        },
      };
    },
  };
}

describe('dispatch', () => {
  it('resets a session between two of its sites, and not after its last', async () => {
    const log: string[] = [];
    const { results } = await run(7, loggingFactory(log));
    assert.equal(results.length, 7);
    for (const id of new Set(log.map((line) => line.split(' ')[0]!))) {
      const own = log.filter((line) => line.startsWith(`${id} `)).map((line) => line.split(' ')[1]);
      const runs = own.filter((what) => what === 'run').length;
      assert.ok(runs > 0);
      // run, reset, run, reset, ..., run, close
      assert.deepEqual(own, [...Array.from({ length: runs - 1 }, () => ['run', 'reset']).flat(), 'run', 'close'], `${id}: ${own.join(', ')}`);
    }
  });

  it('closes a session whose reset hangs, and runs the site that waited on a new one', async () => {
    const log: string[] = [];
    const hangs = loggingFactory(log, (session) => (session === 'session-1' ? new Promise(() => undefined) : Promise.resolve()));
    const all = sites(4);
    const { results, sessionsCreated } = await dispatch({
      sites: all,
      chunks: plan([...all.keys()], { defaultChunks: 1 }),
      concurrency: 1,
      retries: 0,
      costOf: () => 1,
      sessions: hangs,
      signal: new AbortController().signal,
      resetTimeoutMs: 50,
    });
    assert.deepEqual(results.map((r) => [r.id, r.status, r.attempts.length]), [...all.keys()].map((id) => [id, 'passed', 1]));
    assert.equal(sessionsCreated, 2);
    assert.deepEqual(log.slice(0, 4), ['session-1 run s0', 'session-1 reset', 'session-1 close', 'session-2 run s1']);
  });

  it('reports every site exactly once, in the order given, reusing one session per slot', async () => {
    const sessions = factory(() => ({}));
    const { results, sessionsCreated } = await run(25, sessions);
    assert.deepEqual(results.map((r) => r.id), [...sites(25).keys()]);
    assert.ok(results.every((r) => r.status === 'passed' && r.attempts.length === 1));
    assert.equal(sessionsCreated, 2);
  });

  it("closes the factory (its pooled connections) once, after its sessions' close", async () => {
    const log: string[] = [];
    const inner = loggingFactory(log);
    await run(6, { open: (signal) => inner.open(signal), close: () => void log.push('factory close') });
    assert.equal(log.filter((l) => l === 'factory close').length, 1);
    assert.equal(log.at(-1), 'factory close', log.join(', '));
    assert.ok(log.filter((l) => l.endsWith(' close')).length >= 2, log.join(', '));
  });

  it('moves the sites of a lost session to another node and opens a new session', async () => {
    const sessions = factory((site, attempt) => (site.id === 's3' && attempt === 1 ? { status: 'error', message: 'node gone', sessionLost: true } : {}));
    const { results } = await run(10, sessions);
    const s3 = results.find((r) => r.id === 's3')!;
    assert.equal(s3.status, 'passed');
    assert.deepEqual(s3.attempts.map((a) => a.status), ['error', 'passed']);
    assert.notEqual(s3.attempts[0]!.node, s3.attempts[1]!.node, 'the retry ran on another node');
    assert.equal(results.length, 10);
    assert.ok(sessions.opened >= 3, 'a new session replaced the lost one');
  });

  it('a site that meets two dying nodes is still run on the third; a lost session on a live node counts', async () => {
    // s3 takes down whichever node it runs on until only n3 is left; s5 crashes its tab.
    const nodes = ['n1', 'n2', 'n3'];
    const dead = new Set<string>();
    let count = 0;
    const asked: string[] = [];
    const sessions: SessionFactory = {
      async open() {
        const alive = nodes.filter((n) => !dead.has(n));
        const node = alive[count++ % alive.length]!;
        return {
          id: `session-${count}`,
          node,
          async run(site) {
            await new Promise((r) => setTimeout(r, 1));
            if (dead.has(node)) return { status: 'error', message: 'node gone', timings, sessionLost: true };
            if (site.id === 's3' && node !== 'n3') {
              dead.add(node);
              return { status: 'error', message: 'node gone', timings, sessionLost: true };
            }
            if (site.id === 's5') return { status: 'error', message: 'tab crashed', timings, sessionLost: true };
            return { status: 'passed', timings };
          },
          async reset() {},
          async close() {},
        };
      },
      async nodeLost(session) {
        asked.push(session.node!);
        return dead.has(session.node!);
      },
    };
    const { results } = await run(8, sessions, { concurrency: 3 });
    assert.equal(results.length, 8);
    const s3 = results.find((r) => r.id === 's3')!;
    assert.equal(s3.status, 'passed', JSON.stringify(s3.attempts));
    assert.equal(s3.node, 'n3');
    const s5 = results.find((r) => r.id === 's5')!;
    assert.equal(s5.status, 'error', 'a lost session on a live node is charged to the site');
    assert.ok(s5.attempts.filter((a) => a.message === 'tab crashed').length === 2, JSON.stringify(s5.attempts));
    // The attempts say what the report's timeline draws: a lost session, and whether its node went with it.
    assert.deepEqual(s5.attempts.map((a) => [a.sessionLost, a.nodeLost]), [[true, undefined], [true, undefined]]);
    // s3 kills one or two nodes, as the slots happen to take it; each of those attempts lost its node.
    const flags = s3.attempts.map((a) => [a.sessionLost, a.nodeLost]);
    assert.deepEqual(flags, [...flags.slice(0, -1).map(() => [true, true]), [undefined, undefined]]);
    assert.ok(flags.length >= 2);
    assert.ok(asked.length >= 3);
  });

  it('retries a test failure and reports a later pass as flaky', async () => {
    const { results } = await run(4, factory((site, attempt) => (site.id === 's1' && attempt === 1 ? { status: 'failed', message: 'no form' } : {})), { retries: 1 });
    const s1 = results.find((r) => r.id === 's1')!;
    assert.equal(s1.status, 'passed');
    assert.equal(s1.flaky, true);
    assert.equal(s1.attempts.length, 2);
  });

  it('does not retry a known failure that fails, and reports it as still failing', async () => {
    const all = sites(2);
    all.get('s1')!.known = 'TICKET-1: the detector misses it';
    const { results } = await dispatch({
      sites: all,
      chunks: plan([...all.keys()], { defaultChunks: 2 }),
      concurrency: 2,
      retries: 2,
      costOf: () => 1,
      sessions: factory((site) => (site.id === 's1' ? { status: 'failed', message: 'no form' } : {})),
      signal: new AbortController().signal,
    });
    const s1 = results.find((r) => r.id === 's1')!;
    assert.deepEqual([s1.status, s1.known?.state, s1.attempts.length], ['failed', 'failing', 1]);
  });

  it('without --retries a failure is final and not flaky', async () => {
    const { results } = await run(4, factory((site) => (site.id === 's1' ? { status: 'failed' } : {})));
    assert.deepEqual(results.map((r) => r.status), ['passed', 'failed', 'passed', 'passed']);
  });

  it('ends with every site as an error when no session can be opened', async () => {
    const broken: SessionFactory = {
      async open() {
        throw new Error('hub unreachable');
      },
    };
    const out = await run(3, broken);
    assert.match(out.infrastructureFailure ?? '', /hub unreachable/);
    assert.ok(out.results.every((r) => r.status === 'error' && /hub unreachable/.test(r.message ?? '')));
  });

  it('on abort stops taking work and reports the rest as skipped', async () => {
    const controller = new AbortController();
    let ran = 0;
    const sessions = factory(() => {
      if (++ran === 3) controller.abort('SIGINT');
      return {};
    });
    const { results } = await run(20, sessions, { signal: controller.signal, concurrency: 1 });
    assert.equal(results.length, 20);
    const skipped = results.filter((r) => r.status === 'skipped');
    assert.ok(skipped.length >= 16, `${skipped.length} skipped`);
    assert.match(skipped[0]!.message ?? '', /interrupted \(SIGINT\)/);
  });

  it('on abort leaves a site that never ends behind, and no listener on the signal', async () => {
    const controller = new AbortController();
    const hanging: SessionFactory = {
      async open() {
        return {
          id: 'session-1',
          node: 'n1',
          run: () => {
            setImmediate(() => controller.abort('SIGINT'));
            return new Promise<SiteOutcome>(() => {});
          },
          async reset() {},
          async close() {},
        };
      },
    };
    const { results } = await run(3, hanging, { signal: controller.signal, concurrency: 1 });
    assert.deepEqual(results.map((r) => r.status), ['skipped', 'skipped', 'skipped']);
    assert.equal(getEventListeners(controller.signal, 'abort').length, 0);
  });

  it('leaves no listener on a signal that never fires', async () => {
    const controller = new AbortController();
    await run(5, factory(() => ({})), { signal: controller.signal });
    assert.equal(getEventListeners(controller.signal, 'abort').length, 0);
  });
});
