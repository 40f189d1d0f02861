// Runs the CLI in-process and captures what it prints.
import { Writable } from 'node:stream';
import { main } from '../../src/cli/main.ts';

export type CliRun = { code: number; stdout: string; stderr: string };

class Capture extends Writable {
  text = '';
  override _write(chunk: Buffer, _enc: string, done: () => void): void {
    this.text += chunk.toString();
    done();
  }
}

export async function runCli(argv: string[], options: { cwd?: string; env?: NodeJS.ProcessEnv; signal?: AbortSignal } = {}): Promise<CliRun> {
  const stdout = new Capture();
  const stderr = new Capture();
  const code = await main(argv, {
    stdout,
    stderr,
    cwd: options.cwd ?? process.cwd(),
    env: options.env ?? { PATH: process.env.PATH },
    signal: options.signal,
  });
  return { code, stdout: stdout.text, stderr: stderr.text };
}
