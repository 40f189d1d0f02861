// The summary table printed after the fault-injection suite: one row per case, filled in by
// the cases as they learn their numbers, marked pass/FAIL by the root afterEach below.
export type Row = {
  case: string;
  sites: number | string;
  lost: number | string;
  duplicated: number | string;
  exitCode: string;
  result?: 'pass' | 'FAIL';
};

const rows: Row[] = [];
let current: Row[] = [];

/** Adds a row for the running test; its result is set when the test ends. */
export function record(row: Row): void {
  rows.push(row);
  current.push(row);
}

// Root-level hooks: this module is imported by every *.faults.ts file but evaluated once.
afterEach(function () {
  const test = this.currentTest;
  const passed = test?.state === 'passed';
  if (current.length === 0 && test && !passed && test.state !== 'pending') {
    // Failed before it could count anything: still one line in the table.
    rows.push({ case: test.title, sites: '-', lost: '-', duplicated: '-', exitCode: '-', result: 'FAIL' });
  }
  for (const row of current) row.result = passed ? 'pass' : 'FAIL';
  current = [];
});

after(function () {
  if (rows.length === 0) return;
  const header = ['case', 'sites', 'lost', 'duplicated', 'exit code', 'result'];
  const lines = rows.map((r) => [r.case, String(r.sites), String(r.lost), String(r.duplicated), r.exitCode, r.result ?? '?']);
  const widths = header.map((h, i) => Math.max(h.length, ...lines.map((l) => l[i]!.length)));
  const fmt = (cells: string[]) => cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  ');
  console.log(`\nfault injection\n${fmt(header)}\n${widths.map((w) => '-'.repeat(w)).join('  ')}\n${lines.map(fmt).join('\n')}\n`);
});
