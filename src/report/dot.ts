// Playwright's `dot` reporter: one character per site, for CI logs where a line per site is
// noise, then the same summary as `list`.
import type { SiteResult } from '../types.ts';
import type { Reporter, RunSummary } from './reporter.ts';
import type { OutStream } from './console.ts';
import { summaryLines } from './console.ts';
import { compareRuns, type CompareWith } from './compare.ts';

const WIDTH = 80;

/** `·` passed, `±` flaky, `F` failed, `E` error, `°` skipped, `K` known failure still failing, `✓` known failure fixed. */
export function dotOf(r: SiteResult): string {
  if (r.known?.state === 'failing') return 'K';
  if (r.known?.state === 'fixed') return '✓';
  if (r.status === 'failed') return 'F';
  if (r.status === 'error') return 'E';
  if (r.status === 'skipped') return '°';
  return r.flaky ? '±' : '·';
}

export class DotReporter implements Reporter {
  #stream: OutStream;
  #column = 0;
  #notices: string[] = [];
  #compareWith?: CompareWith;
  constructor(stream: OutStream, options: { compareWith?: CompareWith } = {}) {
    this.#stream = stream;
    this.#compareWith = options.compareWith;
  }
  onSiteEnd(result: SiteResult): void {
    if (this.#column === WIDTH) {
      this.#stream.write('\n');
      this.#column = 0;
    }
    this.#stream.write(dotOf(result));
    this.#column++;
  }
  onNotice(message: string): void {
    this.#notices.push(message);
  }
  onEnd(results: SiteResult[], summary: RunSummary): void {
    if (this.#column > 0) this.#stream.write('\n');
    this.#column = 0;
    const comparison = this.#compareWith && compareRuns(this.#compareWith.results, results, this.#compareWith.file);
    for (const line of summaryLines(results, summary, this.#notices, comparison)) this.#stream.write(line + '\n');
  }
}
