/**
 * Go duration strings as compose writes them (`1m30s`, `500ms`, `1.5h`, `10us`), in milliseconds.
 * Like compose, a number without a unit is rejected, except `0`.
 */
const DURATION_UNITS: Record<string, number> = {
  ns: 1e-6,
  us: 1e-3,
  µs: 1e-3,
  μs: 1e-3,
  ms: 1,
  s: 1000,
  m: 60_000,
  h: 3_600_000,
};

const DURATION_PART = /(\d+(?:\.\d*)?|\.\d+)(ns|us|µs|μs|ms|s|m|h)/y;

export function parseDuration(input: string): number | undefined {
  const text = input.trim();
  if (text === '0' || text === '+0' || text === '-0') return 0;
  if (text === '' || text.startsWith('-')) return undefined;
  let rest = text.startsWith('+') ? 1 : 0;
  let total = 0;
  DURATION_PART.lastIndex = rest;
  while (rest < text.length) {
    DURATION_PART.lastIndex = rest;
    const m = DURATION_PART.exec(text);
    if (!m || m[1] === undefined || m[2] === undefined) return undefined;
    total += Number(m[1]) * (DURATION_UNITS[m[2]] ?? Number.NaN);
    rest = DURATION_PART.lastIndex;
  }
  return Number.isFinite(total) ? total : undefined;
}

/** Milliseconds back to the shortest Go-style duration (`90000` → `1m30s`). */
export function formatDuration(ms: number): string {
  if (ms === 0) return '0s';
  let rest = ms;
  let out = '';
  for (const [unit, size] of [
    ['h', 3_600_000],
    ['m', 60_000],
    ['s', 1000],
  ] as const) {
    const n = Math.floor(rest / size);
    if (n > 0) {
      out += `${n}${unit}`;
      rest -= n * size;
    }
  }
  if (rest > 0) out += `${Number(rest.toFixed(6))}ms`;
  return out;
}
