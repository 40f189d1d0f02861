#!/usr/bin/env -S node --max-semi-space-size=4
// Thin shim: run the CLI under its heap settings, set the exit code, let Node exit on its own.
// The line above gives the heap flags (heap-flags.js) at start-up where the system runs this file
// itself (npx, npm's bin links): no second start through execve, which cost every run ~50 ms.
const [major, minor] = process.versions.node.split('.').map(Number);
if (major < 22 || (major === 22 && minor < 18)) {
  process.stderr.write(
    `grid-run needs Node.js 22.18 or newer (this is ${process.version}). ` +
      'Run it through npm (npm exec grid-run / npx grid-run), which uses the Node.js installed with the project.\n',
  );
  process.exitCode = 2;
} else {
  // First, before any module loads: the process may restart itself with its heap settings.
  const { execWithHeapFlags } = await import('./heap-flags.js');
  execWithHeapFlags();
  // V8's code cache and Node's type stripping, kept on disk between runs (the directory of
  // NODE_COMPILE_CACHE, else the system's temporary one): start-up takes half the time.
  const { enableCompileCache } = await import('node:module');
  enableCompileCache?.();
  // A reader that stops reading (`grid-run plan | head`) ends the output, not the command: a run
  // goes on to write its reports and stop its grid. Later writes to the closed pipe go nowhere.
  process.stdout.on('error', (/** @type {NodeJS.ErrnoException} */ err) => {
    if (err.code !== 'EPIPE') throw err;
  });
  const { main } = await import('../src/cli/main.ts');
  const { withSignals } = await import('../src/cli/signals.ts');
  process.exitCode = await withSignals(({ signal, hurry }) => main(process.argv.slice(2), { signal, hurry }));
}
