import assert from 'node:assert/strict';
import { Teardown } from '../../src/cli/teardown.ts';

describe('Teardown', () => {
  it('runs the steps last added first, each given the hurry signal', async () => {
    const teardown = new Teardown();
    const hurry = new AbortController().signal;
    const log: string[] = [];
    for (const what of ['server', 'grid', 'nodes']) {
      teardown.add(what, async (h) => {
        assert.equal(h, hurry);
        log.push(what);
      });
    }
    assert.equal(await teardown.run(() => undefined, hurry), true);
    assert.deepEqual(log, ['nodes', 'grid', 'server']);
  });

  it('goes on past a step that fails, warns naming it, and answers false', async () => {
    const teardown = new Teardown();
    const log: string[] = [];
    const warnings: string[] = [];
    teardown.add('the static server', async () => void log.push('server'));
    teardown.add('the local grid', () => Promise.reject(new Error('hub would not stop')));
    teardown.add('the docker nodes', async () => void log.push('nodes'));
    assert.equal(await teardown.run((line) => warnings.push(line), new AbortController().signal), false);
    assert.deepEqual(log, ['nodes', 'server']);
    assert.deepEqual(warnings, ['grid-run: could not stop the local grid: hub would not stop']);
  });

  it('runs each step once, however often it is run, also while a first run is under way', async () => {
    const teardown = new Teardown();
    let stops = 0;
    let release!: () => void;
    teardown.add('the local grid', async () => {
      stops++;
      await new Promise<void>((resolve) => (release = resolve));
    });
    const hurry = new AbortController().signal;
    const first = teardown.run(() => undefined, hurry);
    const second = teardown.run(() => undefined, hurry);
    release();
    assert.deepEqual(await Promise.all([first, second, teardown.run(() => undefined, hurry)]), [true, true, true]);
    assert.equal(stops, 1);
  });

  it('refuses a step added after it ran: that thing would outlive the run', async () => {
    const teardown = new Teardown();
    await teardown.run(() => undefined, new AbortController().signal);
    assert.throws(() => teardown.add('the static server', async () => undefined), /teardown already run: the static server was started after it/);
  });
});
