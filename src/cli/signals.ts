// Ctrl-C and SIGTERM become an aborted signal that commands watch; a second Ctrl-C exits at once.
import { ExitCode } from '../errors.ts';

export async function withSignals(run: (signal: AbortSignal) => Promise<number>): Promise<number> {
  const controller = new AbortController();
  const onSignal = (name: NodeJS.Signals) => {
    if (controller.signal.aborted) {
      process.stderr.write(`\ngrid-run: ${name} again, exiting without cleaning up\n`);
      process.exit(name === 'SIGINT' ? ExitCode.sigint : ExitCode.sigterm);
    }
    process.stderr.write(`\ngrid-run: ${name} received, finishing up (press Ctrl-C again to exit at once)\n`);
    controller.abort(name);
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  try {
    const code = await run(controller.signal);
    if (controller.signal.aborted && code !== ExitCode.usage) {
      return controller.signal.reason === 'SIGTERM' ? ExitCode.sigterm : ExitCode.sigint;
    }
    return code;
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }
}
