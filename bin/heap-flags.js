// The V8 heap settings grid-run runs with, and the one way to apply them to a running process.
// A small young generation keeps a long run's peak memory low for the same CPU time (figures:
// README, Performance). The flag must be there at start-up, so the process execve()s itself with
// it: same pid, stdio and exit code. Plain JavaScript: it runs before the type stripper loads.

/** V8 flags for the CLI's process. */
export const heapFlags = ['--max-semi-space-size=4'];

// The user's own heap settings win; --max-heap-size with --max-old-space-size and a semi-space
// size together is even a fatal error in V8.
const heapSetting = /^--(max|min)[-_](semi[-_]space|old[-_]space|heap)[-_]size\b/;

/**
 * Restarts this script under `heapFlags` in place (same pid) unless they, or heap sizes of the
 * user's, are set already. Returns only when it did not restart: already done, no execve on
 * this platform (Windows), or execve failed; the CLI then runs as it is, only with more memory.
 */
export function execWithHeapFlags() {
  const given = [...process.execArgv, ...(process.env.NODE_OPTIONS ?? '').split(/\s+/)];
  if (given.some((arg) => heapSetting.test(arg))) return;
  if (typeof process.execve !== 'function') return;
  try {
    process.execve(process.execPath, [process.execPath, ...heapFlags, ...process.execArgv, ...process.argv.slice(1)]);
  } catch {
    // stay in this process
  }
}
