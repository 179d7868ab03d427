import { type ChildProcess, spawn } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const repoRoot = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

/** The first http(s) address `berth serve` says it listens on (its stdout line or pino line), else undefined. */
export function listeningAddress(line: string): string | undefined {
  // The human line on stdout, whatever the log level: `berth serve: listening on http://… (workspace …)`.
  const human = /^berth serve: listening on (https?:\/\/\S+)/.exec(line);
  if (human) return human[1];
  if (!line.startsWith('{')) return undefined;
  let record: unknown;
  try {
    record = JSON.parse(line);
  } catch {
    return undefined;
  }
  if (typeof record !== 'object' || record === null) return undefined;
  const { msg, addresses } = record as { msg?: unknown; addresses?: unknown };
  if (msg !== 'berth serve listening' || !Array.isArray(addresses)) return undefined;
  return addresses.find((a): a is string => typeof a === 'string' && /^https?:\/\//.test(a));
}

export interface ServeChild {
  readonly url: string;
  readonly process: ChildProcess;
  /** Everything it wrote to stdout and stderr so far. */
  output(): string;
  /** Sends `signal` and resolves with the exit code (SIGKILL after `killAfterMs`). */
  stop(signal?: NodeJS.Signals, killAfterMs?: number): Promise<number | null>;
}

/** `node bin/berth.js serve ...` as a child process, resolved once it listens (tests). */
export function startServeChild(options: {
  readonly args?: readonly string[];
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly timeoutMs?: number;
  /** The working folder of the process (default: the test's). */
  readonly cwd?: string;
}): Promise<ServeChild> {
  const child = spawn(
    process.execPath,
    [join(repoRoot, 'bin', 'berth.js'), 'serve', '--port', '0', ...(options.args ?? [])],
    {
      env: options.env as NodeJS.ProcessEnv,
      stdio: ['ignore', 'pipe', 'pipe'],
      ...(options.cwd ? { cwd: options.cwd } : {}),
    },
  );
  let output = '';
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`berth serve did not start in time:\n${output}`));
    }, options.timeoutMs ?? 30_000);
    let listening = false;
    const onData = (chunk: Buffer) => {
      output += chunk.toString('utf8');
      if (listening) return;
      const url = output
        .split('\n')
        .map(listeningAddress)
        .find((u) => u !== undefined);
      if (url === undefined) return;
      listening = true;
      clearTimeout(timer);
      resolve({
        url,
        process: child,
        output: () => output,
        stop: async (signal = 'SIGTERM', killAfterMs = 60_000) => {
          if (child.exitCode !== null) return child.exitCode;
          child.kill(signal);
          const kill = setTimeout(() => child.kill('SIGKILL'), killAfterMs);
          const code = await exited;
          clearTimeout(kill);
          return code;
        },
      });
    };
    // pino writes to stderr, the human lines go to stdout: both are kept, either may say "listening".
    child.stdout?.on('data', onData);
    child.stderr?.on('data', onData);
    child.once('exit', (code) => {
      clearTimeout(timer);
      if (!listening) reject(new Error(`berth serve exited with ${code} before listening:\n${output}`));
    });
  });
}
