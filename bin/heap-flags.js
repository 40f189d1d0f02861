// The V8 heap settings grid-run runs with, and the one way to apply them to a running process.
//
// V8 sizes its young generation at start-up and lets it grow to 2 x 64 MB on a 64-bit Node
// without pointer compression; what survives over a run of 10,000 sites makes it grow all the
// way (peak RSS about 275 MB, of which the live heap is under 40 MB). A semi-space of 4 MB keeps
// the peak near 170 MB for the same CPU time (8 MB: 175-190 MB); 2 MB is too small for what the
// JUnit writer keeps between two collections, which then fills the old generation (about 230 MB).
// Measured with test/bench/memory.ts; see README, Performance.
// v8.setFlagsFromString comes too late for this flag, so the process replaces itself with one
// started with it: execve keeps the pid, stdio, environment and exit code, so to the shell, npx,
// CI and signals it is the same process. Plain JavaScript: it runs before the type stripper loads.

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
