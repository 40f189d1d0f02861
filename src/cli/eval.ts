// `grid-run eval`: the detector over labelled site lists, with precision/recall per field,
// tag and locale.
import { InvalidArgumentError, type Command } from 'commander';
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { browserFactory } from '../eval/browsers.ts';
import { formatReport } from '../eval/format.ts';
import { report } from '../eval/metrics.ts';
import { evaluate } from '../eval/run-eval.ts';
import { UsageError } from '../errors.ts';
import { loadSiteLists } from '../sites/load.ts';
import { startStaticServer } from '../sites/static-server.ts';
import type { CommandContext } from './context.ts';
import { addExtensionOptions, extensionDefaults, extensionRun } from './extension-options.ts';
import { configFor } from './options.ts';
import { extensionDetector } from '../extension/answer.ts';

type EvalOptions = {
  sites: string[];
  grid?: string;
  json?: string;
  concurrency: number;
  staticHost: string;
  publicHost?: string;
  misses: number;
  offline: boolean;
};

const positiveInt = (raw: string) => {
  if (!/^\d+$/.test(raw) || Number(raw) < 1) throw new InvalidArgumentError('expected a whole number of at least 1.');
  return Number(raw);
};

export function registerEval(program: Command, ctx: CommandContext): void {
  const command = program
    .command('eval')
    .description('Run the detector over labelled site lists and report precision/recall per field, tag and locale.')
    .requiredOption('--sites <list...>', 'site lists (.json, .jsonl) or folders of them')
    .option('--grid <url>', 'run on this Selenium Grid instead of a local Chromium')
    .option('--json <file>', 'also write the report, every page included, as JSON')
    .option('--concurrency <n>', 'browsers at once', positiveInt, 2)
    .option('--static-host <host>', 'address the page server listens on (nodes of a remote grid must reach it)', '127.0.0.1')
    .option('--public-host <host>', 'host name put into page URLs when it differs from --static-host')
    .option('--misses <n>', 'misses listed on the console', positiveInt, 50)
    .option('--no-offline', 'let the browser fetch sub-resources from the pages\' original hosts');
  addExtensionOptions(command)
    .action(async (opts: EvalOptions, cmd: Command) => {
      if (opts.grid && !/^https?:\/\//.test(opts.grid)) throw new UsageError(`--grid: expected an http(s) URL, got ${opts.grid}`);
      const loaded = await loadSiteLists(opts.sites, { cwd: ctx.cwd });
      if (loaded.length === 0) throw new UsageError('eval: the site lists hold no sites');
      // With --extension, the extension's answers are what is judged.
      const extensions = await extensionRun(configFor(cmd, ctx, extensionDefaults), ctx.cwd);
      const server = await startStaticServer({ host: opts.staticHost, publicHost: opts.publicHost });
      try {
        const sites = server.resolve(loaded);
        const started = Date.now();
        const records = await evaluate(sites, {
          concurrency: opts.concurrency,
          startBrowser: browserFactory(opts.grid, opts.offline, extensions?.crxs),
          detector: extensions && extensionDetector(extensions.answer.identity, extensions.answer.timeoutMs),
          signal: ctx.signal,
          onPage: (_r, done, total) => {
            if (ctx.stderr.isTTY) ctx.stderr.write(`\r${done}/${total} pages`);
          },
        });
        if (ctx.stderr.isTTY) ctx.stderr.write('\n');
        const result = report(records);
        for (const line of formatReport(result, { misses: opts.misses })) ctx.out(line);
        ctx.out(`${records.length} pages in ${((Date.now() - started) / 1000).toFixed(0)} s`);
        if (opts.json) {
          const file = path.resolve(ctx.cwd, opts.json);
          await writeFile(file, JSON.stringify({ ...result, pages: records }, null, 2) + '\n');
          ctx.out(`report written to ${path.relative(ctx.cwd, file) || file}`);
        }
        ctx.exitCode = 0;
      } finally {
        await server.close();
      }
    });
}
