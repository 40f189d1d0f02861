// The run's reaper, in the spirit of testcontainers' Ryuk: a small process of its own session
// that holds a pipe from the CLI. The CLI tells it, as it starts them, which process groups and
// which labelled containers belong to the run; when the pipe closes without the CLI saying its
// teardown is done (the CLI was SIGKILLed, ran out of memory, its runner went away), the reaper
// removes them and exits. Nothing a run starts outlives it by more than the reaper's bound.
import { spawn } from 'node:child_process';
import { closeSync, openSync } from 'node:fs';
import type { Writable } from 'node:stream';

export type ReaperMessage = { group: number } | { containers: { runId: string } } | { done: true };

export type Reaper = {
  /** Kill this process group (and all in it) if the CLI dies. */
  watchGroup(pid: number): void;
  /** Remove the Docker containers labelled with this run id if the CLI dies. */
  watchContainers(runId: string): void;
  /** The CLI's own teardown is done: the reaper exits without touching anything. */
  done(): void;
};

const entry = new URL('./main.ts', import.meta.url).pathname;

/** Starts the reaper; `log` is its log file, `env` the environment it reaches Docker with. */
export function startReaper(options: { log: string; env: NodeJS.ProcessEnv }): Reaper {
  const fd = openSync(options.log, 'a');
  const child = spawn(process.execPath, [entry], {
    detached: true, // its own session: a signal to the CLI's process group does not reach it
    stdio: ['pipe', fd, fd],
    env: { ...options.env, PATH: options.env.PATH ?? process.env.PATH },
  });
  closeSync(fd);
  child.unref();
  const pipe = child.stdin as Writable & { unref?: () => void };
  // The pipe must not keep the CLI alive, and a reaper that died must not fail the run.
  pipe.unref?.();
  pipe.on('error', () => undefined);
  let ended = false;
  const send = (message: ReaperMessage) => {
    if (!ended) pipe.write(JSON.stringify(message) + '\n');
  };
  return {
    watchGroup: (pid) => send({ group: pid }),
    watchContainers: (runId) => send({ containers: { runId } }),
    done: () => {
      send({ done: true });
      ended = true;
      pipe.end();
    },
  };
}
