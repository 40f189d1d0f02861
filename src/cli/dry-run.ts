// `dry-run <url or site id>`: one site in a local Chromium through chromedriver, no grid.
import { existsSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import type { Command } from 'commander';
import { ExitCode, UsageError } from '../errors.ts';
import { loadSiteLists } from '../sites/load.ts';
import { startStaticServer, type StaticServer } from '../sites/static-server.ts';
import { startLocalChrome } from '../session/local-chrome.ts';
import { defaultSiteRunOptions, runSite } from '../session/run-site.ts';
import type { SiteOutcome } from '../dispatch/session-factory.ts';
import type { Site } from '../types.ts';
import type { CommandContext } from './context.ts';
import { bundledSites } from './defaults.ts';
import { configFor, option } from './options.ts';
import { describeIdentity } from '../detector/identity.ts';
import { addExtensionOptions, chooseRunDetector, extensionDefaults } from './extension-options.ts';

export function registerDryRun(program: Command, ctx: CommandContext): void {
  const command = program
    .command('dry-run')
    .description('Run the detector on one site in a local Chromium (no grid): what it found, timings, verdict, screenshot.')
    .argument('<target>', 'an http(s) URL, a local .html file, or the id of a site in the site lists')
    .addOption(option('sites', 'site lists to look the id up in (default: the bundled sites/)', 'path'))
    .addOption(option('pageLoadTimeout', `page load timeout in ms (default ${defaultSiteRunOptions.pageLoadTimeoutMs})`, 'ms'))
    .addOption(option('scriptTimeout', `detection script timeout in ms (default ${defaultSiteRunOptions.scriptTimeoutMs})`, 'ms'))
    .addOption(option('detector', 'an ES module (.js or .ts) exporting detect(), run instead of the built-in detector (default builtin)', 'file'))
    .option('--screenshot <file>', 'where to write the screenshot', '.grid-run/dry-run')
    .option('--json', 'print the result as JSON');
  addExtensionOptions(command)
    .addHelpText(
      'after',
      '\nExit codes: 0 login form found (or expectations met), 1 not, 2 bad usage, 3 Chromium/chromedriver could not run.\n\n' +
        'Examples:\n  grid-run dry-run https://example.com/login\n  grid-run dry-run bundled/forms/email-login\n  grid-run dry-run sites/forms/simple.html --json\n  grid-run dry-run sites/forms/simple.html --detector ./my-detector.ts\n' +
        '  grid-run dry-run examples/sites/login.html --extension examples/extension\n',
    )
    .action(async (target: string, opts: { screenshot: string; json?: boolean }, cmd: Command) => {
      const config = configFor(cmd, ctx, {
        sites: [bundledSites] as string[],
        pageLoadTimeout: defaultSiteRunOptions.pageLoadTimeoutMs,
        scriptTimeout: defaultSiteRunOptions.scriptTimeoutMs,
        detector: undefined as string | undefined,
        ...extensionDefaults,
      });
      const teardown: (() => Promise<void>)[] = [];
      try {
        const { site, needsServer } = await resolveTarget(target, config.sites, ctx.cwd);
        const { detector, extensions } = await chooseRunDetector(config, ctx.cwd);
        let resolved = site;
        if (needsServer) {
          const server: StaticServer = await startStaticServer({ roots: [dirname(site.localPath!)] });
          teardown.push(() => server.close());
          [resolved] = server.resolve([site]) as [Site];
        }
        // GRID_RUN_CHROMIUM / GRID_RUN_CHROMEDRIVER point at another build of either.
        const chrome = await startLocalChrome({ chromium: ctx.env.GRID_RUN_CHROMIUM, chromedriver: ctx.env.GRID_RUN_CHROMEDRIVER, extensions: extensions?.crxs });
        teardown.push(() => chrome.stop());
        const outcome = await runSite(chrome.driver, resolved, {
          pageLoadTimeoutMs: config.pageLoadTimeout,
          scriptTimeoutMs: config.scriptTimeout,
          siteTimeoutMs: config.pageLoadTimeout + config.scriptTimeout * 3 + (extensions ? config.extensionTimeout : 0) + 10_000,
          screenshotDir: resolve(ctx.cwd, opts.screenshot),
          screenshotsOf: 'all',
          detector,
        });
        if (opts.json) ctx.out(JSON.stringify({ site: { id: site.id, url: resolved.url, expect: site.expect }, ...outcome }, null, 2));
        else for (const line of describeOutcome(resolved, outcome, ctx.cwd)) ctx.out(line);
        ctx.exitCode = exitCodeOf(site, outcome);
      } finally {
        for (const stop of teardown.reverse()) await stop();
      }
    });
}

/** 0 when the site passed its expectations, or, without any, when a login form was found. */
export function exitCodeOf(site: Site, outcome: SiteOutcome): number {
  if (outcome.status === 'error') return ExitCode.infrastructure;
  if (outcome.status === 'failed') return ExitCode.testFailed;
  if (site.expect) return ExitCode.ok;
  return outcome.detection?.login ? ExitCode.ok : ExitCode.testFailed;
}

async function resolveTarget(target: string, lists: readonly string[], cwd: string): Promise<{ site: Site; needsServer: boolean }> {
  const scheme = /^([a-z][a-z0-9+.-]*):/i.exec(target)?.[1]?.toLowerCase();
  if (scheme && scheme.length > 1) {
    if (scheme !== 'http' && scheme !== 'https') {
      throw new UsageError(`${target}: only http: and https: URLs can be tested, not ${scheme}:`);
    }
    let url: URL;
    try {
      url = new URL(target);
    } catch {
      throw new UsageError(`${target}: not a valid URL`);
    }
    return { site: { id: target, url: url.href, tags: [], steps: [], source: 'command line' }, needsServer: false };
  }
  const file = resolve(cwd, target);
  if (/\.x?html?$/i.test(target) && existsSync(file)) {
    return { site: { id: target, url: target, localPath: file, tags: [], steps: [], source: 'command line' }, needsServer: true };
  }
  const sites = await loadSiteLists([...lists], { cwd });
  const site = sites.find((s) => s.id === target);
  if (!site) {
    const near = sites.filter((s) => s.id.includes(target) || target.includes(s.id)).slice(0, 5).map((s) => s.id);
    throw new UsageError(
      `${target}: not an http(s) URL, an .html file or the id of a site in ${lists.join(', ')}` + (near.length ? ` (did you mean ${near.join(', ')}?)` : ''),
    );
  }
  return { site, needsServer: Boolean(site.localPath) };
}

function describeOutcome(site: Site, o: SiteOutcome, cwd: string): string[] {
  const d = o.detection;
  const ms = (n: number) => `${Math.round(n)} ms`;
  const lines = [`site       ${site.id}${site.id === site.url ? '' : `  (${site.url})`}`];
  if (o.detector) lines.push(`detector   ${describeIdentity(o.detector)}`);
  if (d) {
    lines.push(
      `detected   ${d.login ? `login form, step ${d.step}` : 'no login form'} (confidence ${d.confidence.toFixed(2)})`,
      `username   ${d.username ?? '-'}`,
      `password   ${d.password ?? '-'}`,
      `submit     ${d.submit ?? '-'}`,
      `signals    ${d.signals.join(', ') || '-'}`,
    );
  }
  lines.push(`timings    load ${ms(o.timings.loadMs)}, steps ${ms(o.timings.stepsMs)}, detection ${ms(o.timings.detectMs)}, total ${ms(o.timings.totalMs)}`);
  if (o.status === 'error') lines.push(`error      ${o.message}`);
  else if (site.expect || o.status === 'failed') lines.push(`verdict    ${o.status === 'passed' ? 'passed: every expectation met' : `failed: ${o.message}`}`);
  if (o.screenshot) lines.push(`screenshot ${o.screenshot.startsWith(cwd) ? o.screenshot.slice(cwd.length + 1) : o.screenshot}`);
  return lines;
}
