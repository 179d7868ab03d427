import { type ChildProcess, spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { generateIdentity, identityToRecipient } from 'age-encryption';

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

/** Where a `berth serve` keeps its things: HOME (its login and config), its state folder, its workspace. */
export interface ServeFolders {
  readonly home: string;
  readonly stateDir: string;
  readonly workspace: string;
}

/**
 * `berth serve` over `folders` (a second start over the same state is a restart), with only PATH and
 * those in its environment besides `env`.
 */
export function serveOver(
  folders: ServeFolders,
  options: { readonly args?: readonly string[]; readonly env?: Readonly<Record<string, string>> } = {},
): Promise<ServeChild> {
  return startServeChild({
    ...(options.args ? { args: options.args } : {}),
    env: {
      PATH: process.env.PATH,
      HOME: folders.home,
      BERTH_STATE_DIR: folders.stateDir,
      BERTH_WORKSPACE: folders.workspace,
      ...options.env,
    },
  });
}

/**
 * A config file with a `backup:` section in `root` (a directory store in `root/store`, a new age key,
 * its identity file 0600), as the `berth serve` arguments that use it: `--config <file>`.
 */
export async function backupConfigArgs(root: string): Promise<string[]> {
  const identity = await generateIdentity();
  const identityFile = join(root, 'identity.txt');
  writeFileSync(identityFile, `${identity}\n`, { mode: 0o600 });
  const config = join(root, 'serve.yaml');
  writeFileSync(
    config,
    `backup:\n  stores:\n    local: { type: dir, path: ${join(root, 'store')} }\n` +
      `  recipients: ["${await identityToRecipient(identity)}"]\n  identity: ${identityFile}\n`,
  );
  return ['--config', config];
}

/** How a `berth` process ended. */
export interface BerthExit {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/**
 * `node bin/berth.js ...args` (or another `bin`), resolved when it exits; killed, and failed, if it
 * does not within `timeoutMs`. `env` is its whole environment.
 */
export function runBerth(
  args: readonly string[],
  options: {
    readonly env: Readonly<Record<string, string>>;
    readonly cwd: string;
    readonly timeoutMs: number;
    readonly bin?: string;
  },
): Promise<BerthExit> {
  const child = spawn(process.execPath, [options.bin ?? join(repoRoot, 'bin', 'berth.js'), ...args], {
    cwd: options.cwd,
    env: options.env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => {
    stdout += chunk.toString('utf8');
  });
  child.stderr.on('data', (chunk: Buffer) => {
    stderr += chunk.toString('utf8');
  });
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`berth ${args.join(' ')} did not exit:\n${stdout}${stderr}`));
    }, options.timeoutMs);
    child.once('exit', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}
