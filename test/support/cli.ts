import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { main } from '../../src/cli/main.js';

export interface CliRun {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

let home: string | undefined;

/**
 * A home folder of this test process's own. The CLI derives its state file, its credentials and the
 * Docker config from HOME when the environment names none, and without one it falls back to the
 * real home of whoever runs the tests: their state file would be opened and migrated, their logins
 * used. A test that wants a particular home passes HOME (or the XDG variables) itself.
 */
function testHome(): string {
  home ??= mkdtempSync(join(tmpdir(), 'berth-cli-home-'));
  return home;
}

/** Runs the `berth` CLI in-process with a given environment and working folder. */
export async function berth(
  argv: string[],
  options: { cwd: string; env?: Record<string, string | undefined>; stdin?: string },
): Promise<CliRun> {
  let stdout = '';
  let stderr = '';
  const env = options.env ?? {};
  const code = await main(argv, {
    stdout: (t) => {
      stdout += t;
    },
    stderr: (t) => {
      stderr += t;
    },
    env: 'HOME' in env ? env : { HOME: testHome(), ...env },
    cwd: options.cwd,
    ...(options.stdin !== undefined ? { readStdin: async () => options.stdin ?? '' } : {}),
  });
  return { code, stdout, stderr };
}
