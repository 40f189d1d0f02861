// `--reporter`: which outputs a run writes, as Playwright's option chooses them (comma-separated
// names; without it, defaults that depend on where the run is).
import { UsageError } from '../errors.ts';

export const REPORTERS = ['list', 'dot', 'github', 'junit', 'html', 'json'] as const;
export type ReporterName = (typeof REPORTERS)[number];

/**
 * As Playwright: `dot` in CI (CI=true or 1), `list` elsewhere; `github` too on GitHub Actions;
 * and the three files (JUnit, HTML, results.json) always.
 */
export function defaultReporters(env: NodeJS.ProcessEnv): ReporterName[] {
  const ci = env.CI === 'true' || env.CI === '1';
  return [ci ? 'dot' : 'list', ...(env.GITHUB_ACTIONS === 'true' ? (['github'] as const) : []), 'junit', 'html', 'json'];
}

/** `dot,junit` -> ['dot', 'junit']; an unknown or repeated name is bad usage. */
export function parseReporters(text: string): ReporterName[] {
  const names = text.split(',').map((n) => n.trim()).filter(Boolean);
  if (names.length === 0) throw new UsageError(`--reporter: expected one or more of ${REPORTERS.join(', ')}, comma-separated`);
  for (const name of names) {
    if (!(REPORTERS as readonly string[]).includes(name)) {
      throw new UsageError(`--reporter: unknown reporter "${name}", expected one or more of ${REPORTERS.join(', ')}, comma-separated`);
    }
  }
  return [...new Set(names)] as ReporterName[];
}
