// The one place where errors become exit codes.
import { Command, CommanderError } from 'commander';
import { ExitCode, GridRunError, errorMessage } from '../errors.ts';
import { createContext, type CliIO, type CommandContext } from './context.ts';
import { commands } from './commands.ts';
import { version } from '../version.ts';

export type MainOptions = Partial<CliIO> & { signal?: AbortSignal; hurry?: AbortSignal };

export function createProgram(ctx: CommandContext): Command {
  const program = new Command('grid-run')
    .description('Test login-form detection across many sites in parallel on a Selenium Grid.')
    .version(version, '-V, --version')
    .option('--config <file>', 'config file (default: grid-run.config.json in the current directory, when present)')
    .showHelpAfterError('(run with --help for usage)')
    .exitOverride()
    .configureOutput({
      writeOut: (s) => void ctx.stdout.write(s),
      writeErr: (s) => void ctx.stderr.write(s),
    });
  for (const register of commands) register(program, ctx);
  // Commander copies settings to subcommands only when they are created through .command(),
  // so apply them again to every command, nested ones included.
  const apply = (cmd: Command) => {
    cmd.exitOverride().showHelpAfterError('(run with --help for usage)').configureOutput(program.configureOutput());
    cmd.commands.forEach(apply);
  };
  program.commands.forEach(apply);
  return program;
}

/** Runs the CLI and returns the exit code; never calls process.exit. */
export async function main(argv: string[], options: MainOptions = {}): Promise<number> {
  const io: CliIO = {
    stdout: options.stdout ?? process.stdout,
    stderr: options.stderr ?? process.stderr,
    env: options.env ?? process.env,
    cwd: options.cwd ?? process.cwd(),
  };
  const ctx = createContext(io, options.signal ?? new AbortController().signal, options.hurry ?? new AbortController().signal);
  const program = createProgram(ctx);
  try {
    await program.parseAsync(argv, { from: 'user' });
    return ctx.exitCode;
  } catch (err) {
    return exitCodeFor(err, ctx);
  }
}

function exitCodeFor(err: unknown, ctx: CommandContext): number {
  if (err instanceof CommanderError) {
    // Help and version are successful exits; anything else commander refuses is bad usage.
    if (err.code === 'commander.helpDisplayed' || err.code === 'commander.version' || err.code === 'commander.help') {
      return ExitCode.ok;
    }
    if (err.exitCode === 0) return ExitCode.ok;
    return ExitCode.usage;
  }
  if (err instanceof GridRunError) {
    ctx.err(`grid-run: ${err.message}`);
    if (ctx.env.GRID_RUN_DEBUG && err.stack) ctx.err(err.stack);
    return err.exitCode;
  }
  // Not one of ours: a bug or an unexpected fault. Show the stack so it can be reported.
  ctx.err(`grid-run: unexpected error: ${errorMessage(err)}`);
  if (err instanceof Error && err.stack) ctx.err(err.stack);
  return ExitCode.infrastructure;
}
