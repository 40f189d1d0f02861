// Choosing sites by name and tag, as Playwright's --grep / --grep-invert choose tests: the
// pattern is matched against a title made of the id and the tags written as `@tag`, so one
// option covers both (`--grep @i18n`, `--grep 'bundled/frames/'`).
import { UsageError } from '../errors.ts';
import type { Site } from '../types.ts';

export type SiteFilter = {
  /** Keep sites whose title matches (a regular expression). */
  grep?: string;
  /** Drop sites whose title matches. */
  grepInvert?: string;
  /** Keep sites having at least one of these tags. */
  tags?: string[];
  /** Keep sites with this locale or a sub-tag of it (`pt` keeps `pt-BR`). */
  locale?: string;
};

/** `id @tag1 @tag2`: what --grep sees. */
export function siteTitle(site: Site): string {
  return [site.id, ...site.tags.map((t) => `@${t}`)].join(' ');
}

export function filterSites(sites: Site[], filter: SiteFilter): Site[] {
  const grep = filter.grep !== undefined ? pattern('--grep', filter.grep) : undefined;
  const invert = filter.grepInvert !== undefined ? pattern('--grep-invert', filter.grepInvert) : undefined;
  const tags = filter.tags?.length ? new Set(filter.tags.map((t) => t.replace(/^@/, ''))) : undefined;
  const locale = filter.locale?.toLowerCase();
  return sites.filter((site) => {
    const title = siteTitle(site);
    if (grep && !grep.test(title)) return false;
    if (invert && invert.test(title)) return false;
    if (tags && !site.tags.some((t) => tags.has(t))) return false;
    if (locale) {
      const own = site.locale?.toLowerCase();
      if (own === undefined || (own !== locale && !own.startsWith(`${locale}-`))) return false;
    }
    return true;
  });
}

function pattern(option: string, source: string): RegExp {
  try {
    return new RegExp(source);
  } catch (err) {
    throw new UsageError(`${option}: not a valid regular expression: ${source} (${(err as Error).message})`);
  }
}
