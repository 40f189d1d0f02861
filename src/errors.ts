// Typed errors carry their exit code. Only src/cli/main.ts turns them into one.

export const ExitCode = {
  ok: 0,
  testFailed: 1,
  usage: 2,
  infrastructure: 3,
  sigint: 130,
  sigterm: 143,
} as const;
export type ExitCode = (typeof ExitCode)[keyof typeof ExitCode];

/**
 * The exit code of a run that got to the end: an infrastructure error on any site means the
 * results are incomplete (3) and outranks a test failure (1). Known failures still failing are
 * not in `failed`; fixed ones fail the run only with --strict-known.
 */
export function runExitCode(counts: { failed: number; errors: number; fixed?: number; strictKnown?: boolean; interrupted?: string }): ExitCode {
  if (counts.interrupted === 'SIGINT') return ExitCode.sigint;
  if (counts.interrupted === 'SIGTERM') return ExitCode.sigterm;
  if (counts.errors > 0) return ExitCode.infrastructure;
  if (counts.failed > 0) return ExitCode.testFailed;
  if (counts.strictKnown && (counts.fixed ?? 0) > 0) return ExitCode.testFailed;
  return ExitCode.ok;
}

export class GridRunError extends Error {
  readonly exitCode: ExitCode;
  constructor(message: string, exitCode: ExitCode, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
    this.exitCode = exitCode;
  }
}

/** Bad command line, bad config, bad site list: the user can fix it. Exit 2, no stack. */
export class UsageError extends GridRunError {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, ExitCode.usage, options);
  }
}

/** Grid, node, browser, cloud: the environment failed, not the test. Exit 3. */
export class InfrastructureError extends GridRunError {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, ExitCode.infrastructure, options);
  }
}

/** One problem in an input file, located for the user. */
export type InputProblem = { file: string; line: number; field: string; expected: string };

export function formatProblem(p: InputProblem): string {
  return `${p.file}:${p.line}: ${p.field}: ${p.expected}`;
}

/** A bad input file (site list, config): every problem found, each with file:line. */
export class InputError extends UsageError {
  readonly problems: InputProblem[];
  constructor(problems: InputProblem[]) {
    super(problems.map(formatProblem).join('\n'));
    this.problems = problems;
  }
}

export function errorMessage(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
