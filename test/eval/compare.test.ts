import assert from 'node:assert/strict';
import { detectorLabels, disagreements } from '../../src/eval/compare.ts';
import type { PageRecord } from '../../src/eval/metrics.ts';

const page = (id: string, detectedLogin: boolean, fields: [string, boolean][] = [], extra: Partial<PageRecord> = {}): PageRecord => ({
  id,
  tags: [],
  expectedLogin: true,
  detectedLogin,
  fields: fields.map(([field, correct]) => ({ field: field as 'username', correct, expected: '#x', detected: null })),
  detectMs: 1,
  ...extra,
});

describe('eval compare', () => {
  it('lists the pages where login or a labelled field part, and skips pages with an infrastructure error', () => {
    const a = [page('same', true, [['password', true]]), page('login', true), page('field', true, [['password', true]]), page('broken', true)];
    const b = [page('same', true, [['password', true]]), page('login', false), page('field', true, [['password', false]]), page('broken', false, [], { error: 'session lost' })];
    const parted = disagreements(['a', 'b'], [a, b]);
    assert.deepEqual(parted.map((d) => d.id), ['login', 'field']);
    assert.deepEqual(parted[1]!.answers, [
      { detector: 'a', login: true, fields: { password: true } },
      { detector: 'b', login: true, fields: { password: false } },
    ]);
  });

  it('carries a detector failure into its answer', () => {
    const parted = disagreements(['a', 'b'], [[page('p', true)], [page('p', false, [], { failure: 'detect() threw: Error: x' })]]);
    assert.equal(parted[0]!.answers[1]!.failure, 'detect() threw: Error: x');
  });

  it('labels detectors by name, by file where two share a name', () => {
    assert.deepEqual(detectorLabels([{ name: 'builtin' }, { name: 'detector.ts', file: 'a/detector.ts' }, { name: 'detector.ts', file: 'b/detector.ts' }]), ['builtin', 'a/detector.ts', 'b/detector.ts']);
  });
});
