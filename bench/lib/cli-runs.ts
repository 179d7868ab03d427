// Start-up measures of the cli bench: a command run N times as a process, its median and p90.
import { type ProcessRun, timeProcess } from './proc.js';
import { percentile } from './stats.js';

export interface StartupMeasure {
  readonly name: string;
  readonly medianMs: number;
  readonly p90Ms: number;
  readonly runs: number;
  /** The last run, to show its exit and output when it failed. */
  readonly last: ProcessRun;
}

/** Runs `command args` `runs` times after one untimed warm-up (the page cache), one after another. */
export async function measureStartup(
  name: string,
  command: string,
  args: readonly string[],
  options: { cwd: string; env: Readonly<Record<string, string | undefined>>; runs: number },
): Promise<StartupMeasure> {
  let last = await timeProcess(command, args, options);
  const samples: number[] = [];
  for (let i = 0; i < options.runs; i++) {
    last = await timeProcess(command, args, options);
    samples.push(last.ms);
  }
  const sorted = samples.sort((a, b) => a - b);
  return {
    name,
    medianMs: percentile(sorted, 50),
    p90Ms: percentile(sorted, 90),
    runs: sorted.length,
    last,
  };
}

/** `123 ms`. */
export const ms = (value: number): string => `${Math.round(value)} ms`;

/** The exit of a run and, when it failed, the start of what it said. */
export function outcome(run: ProcessRun): string {
  const exit = run.signal ?? `exit ${run.code}`;
  if (run.code === 0) return exit;
  const said = (run.stderr.trim() || run.stdout.trim()).split('\n')[0] ?? '';
  return `${exit}: ${said.slice(0, 80)}`;
}
