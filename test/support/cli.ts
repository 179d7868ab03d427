import { main } from '../../src/cli/main.js';

export interface CliRun {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs the `berth` CLI in-process with a given environment and working folder. */
export async function berth(
  argv: string[],
  options: { cwd: string; env?: Record<string, string | undefined>; stdin?: string },
): Promise<CliRun> {
  let stdout = '';
  let stderr = '';
  const code = await main(argv, {
    stdout: (t) => {
      stdout += t;
    },
    stderr: (t) => {
      stderr += t;
    },
    env: options.env ?? {},
    cwd: options.cwd,
    ...(options.stdin !== undefined ? { readStdin: async () => options.stdin ?? '' } : {}),
  });
  return { code, stdout, stderr };
}
