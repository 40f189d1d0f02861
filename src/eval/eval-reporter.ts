// Eval's reporter: what eval does with the results of its run. The console tables (per
// detector, and side by side for several), the HTML report with the tables per locale and tag
// and the misses, eval's results.json and --json, and what changed against --compare's run.
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { Detector } from '../detector/detector.ts';
import { describeIdentity } from '../detector/identity.ts';
import type { Reporter, RunInfo, RunSummary } from '../report/reporter.ts';
import { compareRuns, comparisonLines } from '../report/compare.ts';
import { writeHtml } from '../report/html.ts';
import { writeResults } from '../report/json.ts';
import type { SiteResult } from '../types.ts';
import { disagreements } from './compare.ts';
import { formatComparison, formatReport } from './format.ts';
import { report, type PageRecord } from './metrics.ts';

export type EvalReporterOptions = {
  detectors: readonly Detector[];
  /** Each detector's short name, in the same order. */
  labels: readonly string[];
  /** The page runner's records (src/eval/eval-page.ts), per site id. */
  records: ReadonlyMap<string, PageRecord[]>;
  misses: number;
  /** HTML report directory, results.json and --json, relative to `cwd`. */
  report: string;
  results: string;
  json?: string;
  cwd: string;
  compareWith?: { file: string; results: SiteResult[] };
  out: (line: string) => void;
  err: (line: string) => void;
  /** Pages done of all, as they finish (a terminal's counter). */
  progress?: (done: number, total: number) => void;
};

export class EvalReporter implements Reporter {
  readonly #o: EvalReporterOptions;
  #total = 0;
  #done = 0;
  #startedAt = new Date();

  constructor(options: EvalReporterOptions) {
    this.#o = options;
  }

  onBegin(info: RunInfo): void {
    this.#total = info.sites.length;
    this.#startedAt = info.startedAt;
  }

  onSiteEnd(): void {
    this.#o.progress?.(++this.#done, this.#total);
  }

  onNotice(message: string): void {
    this.#o.err(`grid-run: ${message}`);
  }

  async onEnd(results: SiteResult[], summary: RunSummary): Promise<void> {
    const { detectors, labels, misses, out } = this.#o;
    // Pages that ran (an interrupted eval's skipped ones did not), in the sites' order.
    const ran = results.filter((r) => r.status !== 'skipped' && this.#o.records.has(r.id));
    const runs = detectors.map((_, i) => ran.map((r) => this.#o.records.get(r.id)![i]!));
    const reports = runs.map(report);
    if (detectors.length === 1) {
      for (const line of formatReport(reports[0]!, { misses })) out(line);
    } else {
      for (const [i, r] of reports.entries()) {
        out(`== detector ${labels[i]}: ${describeIdentity(detectors[i]!.identity)}`);
        for (const line of formatReport(r, { misses })) out(line);
        out('');
      }
      out('== side by side');
      for (const line of formatComparison([...labels], reports, disagreements([...labels], runs), { misses })) out(line);
    }
    out(`${runs[0]!.length} pages in ${(summary.wallMs / 1000).toFixed(0)} s`);
    const comparison = this.#o.compareWith && compareRuns(this.#o.compareWith.results, results, this.#o.compareWith.file);
    if (comparison) for (const line of ['', ...comparisonLines(comparison)]) out(line);
    // The HTML report and results.json are the first detector's, as a run with it would write them.
    const { cwd } = this.#o;
    const resultsFile = path.resolve(cwd, this.#o.results);
    await writeResults(resultsFile, results, summary, new Map(), { startedAt: this.#startedAt, finishedAt: new Date() });
    const html = await writeHtml(results, summary, { dir: this.#o.report, cwd, title: 'grid-run eval', startedAt: this.#startedAt, evaluation: reports[0]!, comparison });
    const shown = (file: string) => path.relative(cwd, file) || file;
    out(`HTML report ${shown(html)}, results ${shown(resultsFile)}${detectors.length > 1 ? ` (detector ${labels[0]})` : ''}`);
    if (this.#o.json) {
      const file = path.resolve(cwd, this.#o.json);
      // One detector: the report itself, as before; several: one report each and where they part.
      const written =
        detectors.length === 1
          ? { detector: detectors[0]!.identity, ...reports[0]!, pages: runs[0] }
          : { detectors: reports.map((r, i) => ({ label: labels[i], detector: detectors[i]!.identity, ...r, pages: runs[i] })), disagreements: disagreements([...labels], runs) };
      await writeFile(file, JSON.stringify(written, null, 2) + '\n');
      out(`report written to ${shown(file)}`);
    }
  }
}
