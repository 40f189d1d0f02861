// Fault injection on a local grid the test started itself (startLocalGrid): kill nodes by
// process group, kill the hub and start it again on the same ports.
import { spawn } from 'node:child_process';
import { closeSync, openSync } from 'node:fs';
import { join } from 'node:path';
import type { HubClient } from '../../src/grid/hub-client.ts';
import { seleniumJar, type GridProcess, type LocalGrid } from '../../src/grid/local-grid.ts';

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Waits until `served()` has grown by `count` since `from`: the run is under way. */
export async function waitForProgress(served: () => number, from: number, count: number): Promise<void> {
  while (served() - from < count) await sleep(100);
}

/**
 * SIGKILLs the process group (java, chromedriver, Chromium) of a node that is running a
 * session right now, not one of `spare`; returns its URI and when it died.
 */
export async function killBusyNode(grid: LocalGrid, hub: HubClient, spare: string[] = []): Promise<{ uri: string; at: number }> {
  for (;;) {
    const busy = (await hub.status()).nodes.filter((n) => n.busySlots > 0 && n.availability === 'UP' && !spare.includes(n.uri));
    for (const node of busy) {
      const proc = grid.processes.find((p) => p.role === 'node' && node.uri.endsWith(`:${p.port}`));
      if (!proc) continue;
      process.kill(-proc.pid, 'SIGKILL');
      return { uri: node.uri, at: Date.now() };
    }
    await sleep(100);
  }
}

/** SIGKILLs the hub's process group; the nodes keep running. */
export function killHub(grid: LocalGrid): GridProcess {
  const hub = grid.processes.find((p) => p.role === 'hub')!;
  process.kill(-hub.pid, 'SIGKILL');
  return hub;
}

/**
 * Starts a hub again with the arguments startLocalGrid gave the first one (same port, same
 * event bus), so the nodes find it. The caller stops it (stopProcessGroup).
 */
export function restartHub(grid: LocalGrid, stateDir: string): GridProcess {
  const old = grid.processes.find((p) => p.role === 'hub')!;
  const log = join(stateDir, 'hub-restarted.log');
  const fd = openSync(log, 'w');
  const bus = ['--publish-events', `tcp://${grid.host}:${grid.eventBus.publish}`, '--subscribe-events', `tcp://${grid.host}:${grid.eventBus.subscribe}`];
  const child = spawn('java', ['-jar', seleniumJar, 'hub', '--host', grid.host, '--port', String(old.port), ...bus, '--healthcheck-interval', '10'], {
    detached: true,
    stdio: ['ignore', fd, fd],
  });
  closeSync(fd);
  child.unref();
  return { role: 'hub', pid: child.pid!, port: old.port, log };
}

/** Sessions still on the grid once `timeoutMs` has passed with some left (none: the run cleaned up). */
export async function sessionsLeft(hub: HubClient, timeoutMs = 30_000): Promise<string[]> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const left = (await hub.status()).nodes.flatMap((n) => n.sessionIds);
    if (left.length === 0 || Date.now() > deadline) return left;
    await sleep(500);
  }
}
