// Small helpers for the bench's numbers and tables.

export function median(values: readonly number[]): number {
  return percentile(values, 0.5);
}

/** Linear interpolation between the closest ranks; NaN for no values. */
export function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const at = (sorted.length - 1) * p;
  const lo = Math.floor(at);
  const hi = Math.ceil(at);
  return sorted[lo]! + (sorted[hi]! - sorted[lo]!) * (at - lo);
}

/** A number for a table: seconds from ms with 's', '1.23x' ratios, MB, or a plain count. */
export function fmt(value: number | undefined, unit?: 's' | 'x' | 'MB'): string {
  if (value === undefined || Number.isNaN(value)) return '—';
  if (unit === 's') return `${(value / 1000).toFixed(1)} s`;
  if (unit === 'x') return `${value.toFixed(2)}x`;
  if (unit === 'MB') return `${value.toFixed(0)} MB`;
  return Number.isInteger(value) ? String(value) : value.toFixed(1);
}

/** A Markdown table, columns padded so it also reads as plain text. */
export function table(head: string[], rows: string[][]): string {
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[]) => `| ${cells.map((c, i) => c.padEnd(widths[i]!)).join(' | ')} |`;
  return [line(head), `|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`, ...rows.map(line)].join('\n');
}
