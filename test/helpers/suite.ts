// What a suite starts once for all its tests (a grid, a page server, a mocked client): made in
// the calling `describe`'s before hook, stopped in its after hook, also when a test failed.
import { startLocalGrid, type LocalGrid } from '../../src/grid/local-grid.ts';
import { tempDir } from './temp.ts';

/** Registers the hooks; the returned function gives what `start` made, inside the suite's tests. */
export function forSuite<T>(start: () => Promise<T> | T, stop: (made: T) => unknown): () => T {
  let made: { value: T } | undefined;
  before(async () => {
    made = { value: await start() };
  });
  after(async () => {
    // A before hook that failed made nothing to stop.
    if (made) await stop(made.value);
    made = undefined;
  });
  return () => {
    if (!made) throw new Error('forSuite: used outside the tests of the suite that made it');
    return made.value;
  };
}

/** A local grid on a free port for the suite, its state in a temporary folder. */
export function localGridForSuite(size: { nodes: number; slots: number }): () => LocalGrid {
  return forSuite(async () => startLocalGrid({ ...size, port: 0, stateDir: await tempDir('grid-run-grid-') }), (grid) => grid.stop());
}
