import { type ChildProcess, spawn } from 'node:child_process';
import { join } from 'node:path';
import { repoRoot } from './support.js';

export interface BerthChild {
  readonly child: ChildProcess;
  /** Its exit code, once it exits. */
  readonly exited: Promise<number | null>;
  /** Everything it printed so far, stdout and stderr as they came. */
  readonly output: () => string;
}

/** `berth ARGS…` from this checkout as a child; `onOutput` sees everything it prints, as it prints it. */
export function spawnBerth(
  args: readonly string[],
  env: NodeJS.ProcessEnv,
  onOutput?: (text: string) => void,
): BerthChild {
  const child = spawn(process.execPath, [join(repoRoot, 'bin', 'berth.js'), ...args], {
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const add = (c: Buffer) => {
    output += c.toString();
    onOutput?.(output);
  };
  child.stdout?.on('data', add);
  child.stderr?.on('data', add);
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return { child, exited, output: () => output };
}
