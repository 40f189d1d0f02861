// What `run` and `plan` read before anything starts: the site lists, narrowed by --grep,
// --grep-invert, --tag and --locale (eval's lists too), and the timing history.
import { resolve } from 'node:path';
import type { Command, Option } from 'commander';
import { UsageError, errorMessage } from '../errors.ts';
import { failsRun, readHistory, readResults } from '../report/index.ts';
import { markKnown, readKnownFailures } from '../sites/known.ts';
import { filterSites, type SiteFilter } from '../sites/filter.ts';
import { loadSiteLists } from '../sites/load.ts';
import type { Site } from '../types.ts';
import type { CommandContext } from './context.ts';
import { option } from './options.ts';

export type SiteInputsConfig = {
  sites: readonly string[];
  history?: string;
  grep?: string;
  grepInvert?: string;
  tag?: readonly string[];
  locale?: string;
  /** A known-failures file: `SITE-ID REASON` per line. */
  knownFailures?: string;
};

export const siteFilterDefaults = {
  grep: undefined as string | undefined,
  grepInvert: undefined as string | undefined,
  tag: undefined as string[] | undefined,
  locale: undefined as string | undefined,
};

export function addSiteOptions(cmd: Command): Command {
  cmd.addOption(option('sites', 'site lists: .json, .jsonl, or folders of them (default: the bundled sites/)', 'path'));
  return addSiteFilterOptions(cmd, option);
}

/** --grep, --grep-invert, --tag and --locale, made by `make` (run's top-level keys, eval's own). */
export function addSiteFilterOptions(cmd: Command, make: (name: keyof typeof siteFilterDefaults, description: string, argName: string) => Option): Command {
  return cmd
    .addOption(make('grep', 'only sites whose "id @tag..." matches this regular expression', 'regex'))
    .addOption(make('grepInvert', 'leave out sites whose "id @tag..." matches this regular expression', 'regex'))
    .addOption(make('tag', 'only sites with one of these tags', 'tag'))
    .addOption(make('locale', 'only sites of this locale or a sub-tag of it (pt keeps pt-BR)', 'locale'));
}

export async function loadSiteInputs(config: SiteInputsConfig, ctx: CommandContext): Promise<{ sites: Site[]; history: Map<string, number> }> {
  let loaded = await loadSiteLists([...config.sites], { cwd: ctx.cwd });
  if (loaded.length === 0) throw new UsageError(`no sites in ${config.sites.join(', ')}`);
  // Checked against every site of the lists, not the filtered ones: a filter does not make an entry stale.
  if (config.knownFailures) loaded = markKnown(loaded, await readKnownFailures(resolve(ctx.cwd, config.knownFailures), ctx.cwd, loaded));
  const sites = filterLoaded(loaded, config, config.sites);
  let history = new Map<string, number>();
  if (config.history) {
    try {
      history = await readHistory(resolve(ctx.cwd, config.history));
    } catch (err) {
      throw new UsageError(`--history: ${errorMessage(err)}`);
    }
  }
  return { sites, history };
}

export type SiteFilterConfig = Pick<SiteInputsConfig, 'grep' | 'grepInvert' | 'tag' | 'locale'>;

/** The loaded sites the filter options keep; none kept is bad usage, naming the options given. */
export function filterLoaded(loaded: Site[], config: SiteFilterConfig, lists: readonly string[]): Site[] {
  const filter: SiteFilter = { grep: config.grep, grepInvert: config.grepInvert, tags: config.tag ? [...config.tag] : undefined, locale: config.locale };
  const sites = filterSites(loaded, filter);
  if (sites.length > 0) return sites;
  const flags = { grep: '--grep', grepInvert: '--grep-invert', tag: '--tag', locale: '--locale' } as const;
  const given = Object.entries(flags).flatMap(([key, flag]) => {
    const value = config[key as keyof typeof flags];
    return value === undefined ? [] : [`${flag} ${[value].flat().join(' ')}`];
  });
  throw new UsageError(`none of the ${loaded.length} sites in ${lists.join(', ')} matches ${given.join(', ')}`);
}

/**
 * The ids that failed the run recorded in a results.json (`--last-failed`): failed and errored
 * sites; a known failure still failing did not fail that run and is not among them.
 */
export async function lastFailedIds(file: string, ctx: CommandContext): Promise<Set<string>> {
  try {
    const data = await readResults(resolve(ctx.cwd, file));
    return new Set(data.results.filter((r) => failsRun(r, data.summary?.strictKnown)).map((r) => r.id));
  } catch (err) {
    throw new UsageError(`--last-failed: ${errorMessage(err)}`);
  }
}
