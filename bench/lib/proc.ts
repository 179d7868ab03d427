import { spawn } from 'node:child_process';
import { performance } from 'node:perf_hooks';

export interface ProcessRun {
  ms: number;
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

// Wall time from spawn to exit, output collected (not printed) so that
// terminal speed is not part of the measure.
export function timeProcess(
  command: string,
  args: readonly string[],
  options: { cwd: string; env?: Readonly<Record<string, string | undefined>> },
): Promise<ProcessRun> {
  return new Promise((resolve, reject) => {
    const t0 = performance.now();
    const child = spawn(command, args, {
      cwd: options.cwd,
      env: options.env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on('data', (chunk: Buffer) => out.push(chunk));
    child.stderr.on('data', (chunk: Buffer) => err.push(chunk));
    child.on('error', reject);
    child.on('close', (code, signal) => {
      resolve({
        ms: performance.now() - t0,
        code,
        signal,
        stdout: Buffer.concat(out).toString(),
        stderr: Buffer.concat(err).toString(),
      });
    });
  });
}

// A Node stack trace on stderr, or death by signal, means the tool crashed
// rather than reported findings (which linters signal with a plain exit 1).
export function crashOf(run: ProcessRun): string | undefined {
  if (run.signal) return `killed by ${run.signal}`;
  if (!/^\s+at .+(:\d+:\d+\)?|\(native\))$/m.test(run.stderr)) return undefined;
  const lines = run.stderr.split('\n').map((line) => line.trim());
  const message =
    lines.find((line) => /^([A-Za-z]*Error|Error)\b/.test(line)) ?? lines.find((line) => line !== '');
  return message ?? 'crashed';
}
