// JUnit size at 10,000 sites: GitLab drops JUnit files over 30 MB, so grid-run's must stay well
// below that. The results are shaped like those of a real run (test/run/ci.test.ts).
import assert from 'node:assert/strict';
import { buildJUnit } from '../../src/report/junit.ts';
import { computeSummary } from '../../src/report/summary.ts';
import { realisticRun } from './fixtures.ts';

describe('junit size', () => {
  it('10,000 sites, one in ten failing, stay under 15 MB (half of GitLab\'s 30 MB limit)', () => {
    const { results, sites } = realisticRun(10_000, 10);
    const summary = computeSummary(results, { wallMs: 3_600_000, concurrency: 40, sessionsCreated: 40 });
    const bytes = Buffer.byteLength(buildJUnit(results, summary, { sites, runId: 'run', cwd: '/builds/team/project' }));
    assert.ok(bytes < 15 * 1024 * 1024, `${bytes} bytes`);
  });
});
