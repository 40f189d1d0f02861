// bin/grid-run.js when whoever reads its output stops reading (`grid-run plan | head`).
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';

const bin = new URL('../../bin/grid-run.js', import.meta.url).pathname;

describe('bin/grid-run.js with its stdout closed', () => {
  it('finishes the command with its own exit code and no stack trace', async () => {
    const child = spawn(process.execPath, [bin, 'plan', '--json', '--chunks', '100'], { stdio: ['ignore', 'pipe', 'pipe'] });
    // The reading end closes before the command writes: every write meets EPIPE.
    child.stdout.destroy();
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
    assert.equal(stderr, '');
    assert.equal(code, 0);
  });
});
