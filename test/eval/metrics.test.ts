import assert from 'node:assert/strict';
import { breakdown, language, misses, quantile, report, type PageRecord } from '../../src/eval/metrics.ts';

const page = (over: Partial<PageRecord> & { id: string }): PageRecord => ({ tags: [], detectedLogin: false, fields: [], detectMs: 1, ...over });
const field = (name: 'username' | 'password' | 'submit', correct: boolean) => ({ field: name, correct, expected: '#e', detected: correct ? '#e' : '#d' });

describe('eval metrics', () => {
  const records: PageRecord[] = [
    page({ id: 'tp1', tags: ['a'], locale: 'en-GB', expectedLogin: true, detectedLogin: true, fields: [field('username', true), field('password', true), field('submit', false)], detectMs: 4 }),
    page({ id: 'tp2', tags: ['a', 'b'], locale: 'fr', expectedLogin: true, detectedLogin: true, fields: [field('password', true)], detectMs: 10 }),
    page({ id: 'fn', tags: ['b'], locale: 'fr-FR', expectedLogin: true, detectedLogin: false, fields: [field('username', false), field('password', false)], detectMs: 2 }),
    page({ id: 'fp', tags: ['b'], expectedLogin: false, detectedLogin: true, detectMs: 8 }),
    page({ id: 'tn1', tags: ['a'], locale: 'en', expectedLogin: false, detectMs: 6 }),
    page({ id: 'tn2', locale: 'ja', expectedLogin: false, detectMs: 20 }),
    page({ id: 'unlabelled', expectedLogin: undefined, detectedLogin: true, detectMs: 3 }),
    page({ id: 'broken', expectedLogin: true, error: 'page load timed out' }),
  ];

  it('counts the confusion matrix, precision, recall, F1 and false-login rate', () => {
    const b = breakdown(records);
    assert.deepEqual([b.pages, b.tp, b.fp, b.fn, b.tn], [6, 2, 1, 1, 2]);
    assert.equal(b.precision, 2 / 3);
    assert.equal(b.recall, 2 / 3);
    assert.equal(b.f1, 2 / 3);
    assert.equal(b.falseLoginRate, 1 / 3);
  });

  it('counts field accuracy among expected login pages, missed pages included', () => {
    const { fields } = breakdown(records);
    assert.deepEqual(fields.username, { correct: 1, total: 2, accuracy: 0.5 });
    assert.deepEqual(fields.password, { correct: 2, total: 3, accuracy: 2 / 3 });
    assert.deepEqual(fields.submit, { correct: 0, total: 1, accuracy: 0 });
  });

  it('gives null, not NaN, where there is nothing to divide', () => {
    const b = breakdown([page({ id: 'x', expectedLogin: false })]);
    assert.equal(b.precision, null);
    assert.equal(b.recall, null);
    assert.equal(b.f1, null);
    assert.equal(b.falseLoginRate, 0);
    assert.equal(b.fields.password.accuracy, null);
  });

  it('breaks down by tag and by language', () => {
    const r = report(records);
    assert.deepEqual(Object.keys(r.byTag), ['a', 'b']);
    assert.deepEqual([r.byTag.b!.tp, r.byTag.b!.fn, r.byTag.b!.fp], [1, 1, 1]);
    assert.deepEqual(Object.keys(r.byLocale), ['(none)', 'en', 'fr', 'ja']);
    assert.equal(r.byLocale.fr!.pages, 2);
    assert.equal(r.byLocale.en!.pages, 2);
  });

  it('lists misses with what was expected and found, and errors apart', () => {
    const r = report(records);
    assert.deepEqual(
      r.misses.map((m) => `${m.id}:${m.kind}`),
      ['tp1:submit', 'fn:missed-login', 'fp:false-login'],
    );
    assert.deepEqual(r.errors, [{ id: 'broken', error: 'page load timed out' }]);
  });

  it('reports detection time median and p95 over pages without errors', () => {
    const r = report(records);
    assert.equal(r.timing.pages, 7);
    assert.equal(r.timing.medianMs, 6);
    assert.equal(r.timing.p95Ms, 20);
  });

  it('quantile uses the nearest rank', () => {
    assert.equal(quantile([], 0.5), null);
    assert.equal(quantile([5], 0.95), 5);
    assert.equal(quantile([1, 2, 3, 4], 0.5), 2);
    assert.equal(quantile(Array.from({ length: 100 }, (_, i) => i + 1), 0.95), 95);
  });

  it('reduces locales to their language', () => {
    assert.equal(language('pt-BR'), 'pt');
    assert.equal(language('zh_CN'), 'zh');
    assert.equal(language(undefined), '(none)');
  });

  it('misses() ignores unlabelled pages', () => assert.deepEqual(misses([page({ id: 'u', detectedLogin: true })]), []));
});
