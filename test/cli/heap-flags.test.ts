import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { readFile, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { heapFlags } from '../../bin/heap-flags.js';
import { tempDir } from '../helpers/temp.ts';

const bin = new URL('../../bin/grid-run.js', import.meta.url).pathname;

type Probe = { pid: number; execArgv: string[] };

/** bin/grid-run.js as a child, with a probe that says, as the process exits, what it ran with. */
async function runBin(args: string[], nodeOptions: string, probe: string, direct = false): Promise<{ code: number; stdout: string; pid: number; probes: Probe[]; starts: number }> {
  return new Promise((resolve, reject) => {
    // direct: the file run as a program, through its #! line, as npx and npm's bin links run it.
    const [file, argv] = direct ? [bin, args] : [process.execPath, [bin, ...args]];
    const child = execFile(
      file,
      argv,
      { env: { PATH: `${dirname(process.execPath)}:${process.env.PATH}`, NODE_OPTIONS: `--require ${probe} ${nodeOptions}`.trim() } },
      (err, stdout, stderr) => {
        // Typed as Error: @types/node builds ExecFileException with Omit, which the lint does not take for one.
        const failure: Error | null = err;
        if (failure && typeof err?.code !== 'number') return reject(failure);
        const probes = stderr
          .split('\n')
          .filter((line) => line.startsWith('probe '))
          .map((line) => JSON.parse(line.slice(6)) as Probe);
        const starts = stderr.split('\n').filter((line) => line === 'start of an image').length;
        resolve({ code: typeof err?.code === 'number' ? err.code : 0, stdout, pid: child.pid!, probes, starts });
      },
    );
  });
}

describe('bin/grid-run.js heap flags', () => {
  let dir: string;
  let probe: string;
  before(async function () {
    if (typeof process.execve !== 'function') this.skip();
    dir = await tempDir('grid-run-heap-');
    probe = join(dir, 'probe.cjs');
    await writeFile(probe, "process.stderr.write('start of an image\\n');\nprocess.on('exit', () => process.stderr.write(`probe ${JSON.stringify({ pid: process.pid, execArgv: process.execArgv })}\\n`));\n");
  });

  it('runs the CLI under its heap flags in the same process, with the arguments it was given', async () => {
    const { code, stdout, pid, probes } = await runBin(['--version'], '', probe);
    assert.equal(code, 0);
    assert.equal(stdout.trim(), '0.1.0');
    // One exit only: the first image was replaced, not left running beside the second.
    assert.equal(probes.length, 1);
    assert.equal(probes[0]!.pid, pid);
    for (const flag of heapFlags) assert.ok(probes[0]!.execArgv.includes(flag), `${flag} in ${probes[0]!.execArgv.join(' ')}`);
  });

  it('run as a program, gets its heap flags from its #! line and starts Node once', async () => {
    const shebang = (await readFile(bin, 'utf8')).split('\n')[0]!;
    for (const flag of heapFlags) assert.ok(shebang.split(' ').includes(flag), `${flag} in ${shebang}`);
    const { code, stdout, probes, starts } = await runBin(['--version'], '', probe, true);
    assert.equal(code, 0);
    assert.equal(stdout.trim(), '0.1.0');
    assert.equal(starts, 1);
    for (const flag of heapFlags) assert.ok(probes[0]!.execArgv.includes(flag), `${flag} in ${probes[0]!.execArgv.join(' ')}`);
  });

  it('run by node without them, restarts itself once under them', async () => {
    assert.equal((await runBin(['--version'], '', probe)).starts, 2);
  });

  it('keeps the exit code of the CLI', async () => {
    const { code, probes } = await runBin(['frobnicate'], '', probe);
    assert.equal(code, 2);
    assert.equal(probes.length, 1);
  });

  it("leaves a user's own heap size alone", async () => {
    const { code, probes } = await runBin(['--version'], '--max-semi-space-size=16', probe);
    assert.equal(code, 0);
    assert.equal(probes.length, 1);
    assert.deepEqual(probes[0]!.execArgv, []);
  });
});
