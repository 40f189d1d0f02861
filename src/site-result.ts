// SiteResult values that more than one stage makes: dispatch ends an interrupted run's
// unfinished sites with them, the reports fill a partial run's missing sites with them.
import type { Site, SiteResult } from './types.ts';

/** The result written for a site that never finished (Ctrl-C, run aborted). */
export function skippedResult(site: Site, reason: string): SiteResult {
  const result: SiteResult = {
    id: site.id,
    url: site.url,
    status: 'skipped',
    flaky: false,
    attempts: [],
    timings: { loadMs: 0, stepsMs: 0, detectMs: 0, totalMs: 0 },
    message: reason,
    tags: site.tags,
  };
  if (site.locale) result.locale = site.locale;
  if (site.expect) result.expect = site.expect;
  return result;
}
