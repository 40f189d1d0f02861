// What a command needs from the outside world, injected so the CLI runs in-process in tests.
import type { Writable } from 'node:stream';

export type CliIO = {
  stdout: Writable & { isTTY?: boolean; columns?: number };
  stderr: Writable & { isTTY?: boolean };
  env: NodeJS.ProcessEnv;
  cwd: string;
};

export type CommandContext = CliIO & {
  /** Aborted on SIGINT/SIGTERM; `signal.reason` is the signal name. */
  signal: AbortSignal;
  /** Aborted by a later second SIGINT/SIGTERM: finish without waiting for anything (see signals.ts). */
  hurry: AbortSignal;
  /** A command's result: set by its action, read by main(). */
  exitCode: number;
  // Properties, not methods: commands pass them on as loggers (`log: ctx.err`).
  out: (line: string) => void;
  err: (line: string) => void;
};

export function createContext(io: CliIO, signal: AbortSignal, hurry: AbortSignal): CommandContext {
  return {
    ...io,
    signal,
    hurry,
    exitCode: 0,
    out: (line) => void io.stdout.write(line + '\n'),
    err: (line) => void io.stderr.write(line + '\n'),
  };
}
