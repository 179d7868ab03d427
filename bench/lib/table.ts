export type Align = 'left' | 'right';

// Plain-text table: readable in a terminal and pasteable into an issue.
export function formatTable(
  headers: readonly string[],
  rows: readonly (readonly string[])[],
  align: readonly Align[] = [],
): string {
  const widths = headers.map((header, i) =>
    Math.max(header.length, ...rows.map((row) => (row[i] ?? '').length)),
  );
  const line = (cells: readonly string[]): string =>
    cells
      .map((cell, i) => {
        const width = widths[i] ?? cell.length;
        return align[i] === 'right' ? cell.padStart(width) : cell.padEnd(width);
      })
      .join('  ')
      .trimEnd();
  const rule = widths.map((width) => '-'.repeat(width)).join('  ');
  return [line(headers), rule, ...rows.map(line)].join('\n');
}

export function seconds(ms: number): string {
  return (ms / 1000).toFixed(ms < 10_000 ? 3 : 1);
}

export function perSecond(count: number, ms: number): string {
  if (ms <= 0) return '-';
  const rate = (count * 1000) / ms;
  return rate >= 100 ? rate.toFixed(0) : rate.toFixed(1);
}

export function ratio(numerator: number, denominator: number): string {
  if (denominator <= 0) return '-';
  return `${(numerator / denominator).toFixed(1)}x`;
}
