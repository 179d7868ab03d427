import { spawn } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { jsonErrorPlace } from './json-position.js';
import { RegistryError } from './registry-errors.js';
import {
  isCredentialsNotFound,
  lookupCredentials,
  parseHelperAnswer,
  type RegistryCredentials,
  registryHost,
  serverAddressFor,
} from './registry-reference.js';

/*
 * Where Berth finds the credentials of the registry an image is pulled from: the operator's docker
 * config.json and its credential helpers, read as the docker CLI reads them, so `docker login` works
 * for Berth. Nothing here logs, and no error holds a password, an `auth` string or a helper's output.
 */

export { isRegistryError, RegistryError, type RegistryErrorCode } from './registry-errors.js';
export {
  type CredentialsLookup,
  DOCKER_HUB,
  DOCKER_HUB_SERVER,
  lookupCredentials,
  type RegistryCredentials,
  registryHost,
} from './registry-reference.js';

/** What running a credential helper gave: its exit code (null when it was killed or timed out) and output. */
export interface HelperResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** What else a helper run may be given. */
export interface HelperRunOptions {
  /** Aborted: the helper (with whatever it started) is killed at once and the run rejects with the reason. */
  readonly signal?: AbortSignal;
}

/**
 * Runs `<program> get` with `input` on stdin. Rejects with the spawn error (ENOENT: not on PATH), or
 * with the signal's reason when it is aborted.
 */
export type HelperRunner = (
  program: string,
  input: string,
  timeoutMs: number,
  options?: HelperRunOptions,
) => Promise<HelperResult>;

export interface RegistryCredentialsOptions {
  /** The directory of config.json: $DOCKER_CONFIG, or ~/.docker. */
  readonly dockerConfigDir: string;
  /** How a credential helper is run; the default spawns it from PATH. */
  readonly runHelper?: HelperRunner;
  /** How long a helper may take; 10 s unless told. */
  readonly helperTimeoutMs?: number;
  /** Aborted (Ctrl-C, a stopping server): a running helper is killed and the lookup rejects with the reason. */
  readonly signal?: AbortSignal;
}

export const HELPER_TIMEOUT_MS = 10_000;
/** More than a helper's answer ever holds: a helper printing more is killed. */
export const HELPER_OUTPUT_LIMIT = 64 * 1024;

/**
 * The credentials of the registry `reference` pulls from, or undefined for an anonymous pull (no
 * config.json, nothing for the registry, a helper holding nothing for it). Throws a RegistryError
 * when the config or a helper is broken: a pull that would fail anonymously is not tried.
 */
export async function registryCredentialsFor(
  reference: string,
  options: RegistryCredentialsOptions,
): Promise<RegistryCredentials | undefined> {
  const host = registryHost(reference);
  const file = join(options.dockerConfigDir, 'config.json');
  const config = await readDockerConfig(file);
  if (config === undefined) return undefined;
  const found = lookupCredentials(config, host, file);
  if (found.kind === 'none') return undefined;
  if (found.kind === 'credentials') return found.credentials;
  return askHelper(found.helper, serverAddressFor(host), file, options);
}

/** The parsed config.json, or undefined when there is none (nor its directory). */
export async function readDockerConfig(file: string): Promise<unknown> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    const code = errnoCode(error);
    if (code === 'ENOENT' || code === 'ENOTDIR') return undefined;
    throw new RegistryError(
      'REGISTRY_CONFIG_UNREADABLE',
      `cannot read ${file} (${code ?? 'unknown error'}); no registry credentials can be read from it`,
      code === 'EACCES'
        ? `let the user Berth runs as read ${file}, or point Berth at a docker config directory it can read`
        : `check ${file} is a readable file, or move it away for anonymous pulls`,
    );
  }
  const body = text.replace(/^\uFEFF/, '');
  // The docker CLI reads an empty file as an empty config.
  if (body.trim() === '') return {};
  try {
    return JSON.parse(body);
  } catch {
    // V8's message quotes the text around the fault, which may be an auth string: only the place is kept.
    throw new RegistryError(
      'REGISTRY_CONFIG_UNREADABLE',
      `${file} is not valid JSON${jsonErrorPlace(body)}; no registry credentials can be read from it`,
      `fix the JSON of ${file} (docker writes it on \`docker login\`), or move it away and run \`docker login\` again`,
    );
  }
}

function errnoCode(error: unknown): string | undefined {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : undefined;
}

async function askHelper(
  helper: string,
  serverAddress: string,
  file: string,
  options: RegistryCredentialsOptions,
): Promise<RegistryCredentials | undefined> {
  const program = `docker-credential-${helper}`;
  const timeoutMs = options.helperTimeoutMs ?? HELPER_TIMEOUT_MS;
  const run = options.runHelper ?? defaultHelperRunner;
  const manual = `\`echo ${serverAddress} | ${program} get\``;
  const failed = (what: string, hint: string) =>
    new RegistryError(
      'REGISTRY_HELPER_FAILED',
      `${program} (named by credsStore/credHelpers in ${file}) ${what} when asked for the credentials of ${serverAddress}`,
      hint,
    );
  let result: HelperResult;
  try {
    result = await run(program, serverAddress, timeoutMs, options.signal ? { signal: options.signal } : {});
  } catch (error) {
    // Aborted: the caller's reason, not a helper failure.
    if (options.signal?.aborted) throw options.signal.reason;
    const code = errnoCode(error);
    if (code === 'ENOENT') {
      throw new RegistryError(
        'REGISTRY_HELPER_FAILED',
        `${program} is not on PATH; it is named by credsStore/credHelpers in ${file} for the credentials of ${serverAddress}`,
        `install ${program} where Berth runs (on the PATH of the user it runs as), or remove credsStore/credHelpers from ${file}`,
      );
    }
    if (code === 'EACCES') {
      throw failed(
        'could not be run (permission denied)',
        `make ${program} executable, or remove credsStore/credHelpers from ${file}`,
      );
    }
    if (code === OUTPUT_LIMIT_CODE) {
      throw failed(
        `printed more than ${HELPER_OUTPUT_LIMIT} bytes and was stopped`,
        `run ${manual} as the user Berth runs as to see its answer; update or reinstall ${program}`,
      );
    }
    throw failed(
      `could not be run (${code ?? 'unknown error'})`,
      `run ${manual} as the user Berth runs as to see why`,
    );
  }
  if (result.code === null) {
    throw failed(
      `did not answer within ${Math.round(timeoutMs / 100) / 10} s and was stopped`,
      `a helper may wait for an unlock (pass needs gpg-agent, secretservice a D-Bus session): run ${manual} as the user Berth runs as`,
    );
  }
  if (result.code !== 0) {
    if (isCredentialsNotFound(result.stdout, result.stderr)) return undefined;
    throw failed(
      `exited with code ${result.code}`,
      `run ${manual} as the user Berth runs as to see why (its output is not shown here: it may hold a secret)`,
    );
  }
  return parseHelperAnswer(result.stdout, helper, serverAddress);
}

const OUTPUT_LIMIT_CODE = 'ERR_BERTH_HELPER_OUTPUT_LIMIT';

/** Process groups of helpers still running: killed if Berth exits first, so none outlives it. */
const running = new Set<number>();
let exitHookInstalled = false;

/** SIGKILL to the helper's whole process group: a script's children (`sleep`, a pinentry) go too. */
function killGroup(pid: number | undefined): void {
  if (pid === undefined) return;
  running.delete(pid);
  try {
    process.kill(-pid, 'SIGKILL');
  } catch {
    // Gone already (ESRCH), or not ours to kill.
  }
}

function trackGroup(pid: number | undefined): void {
  if (pid === undefined) return;
  running.add(pid);
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  process.on('exit', () => {
    for (const group of [...running]) killGroup(group);
  });
}

/**
 * Spawns `<program> get` (an argv array, never a shell) with the input on stdin, found on the PATH of
 * `env`, or of Berth's own environment (inherited, not read here) when none is given. The helper
 * leads a process group of its own: on a timeout, too much output or an abort, the whole group is
 * killed (a shell script's `sleep` would otherwise outlive it, holding its pipes and so Berth's event
 * loop open), and its pipes are closed, so nothing of it keeps Berth running.
 */
export function helperRunner(env?: NodeJS.ProcessEnv): HelperRunner {
  return (program, input, timeoutMs, options = {}) =>
    new Promise<HelperResult>((resolve, reject) => {
      const { signal } = options;
      if (signal?.aborted) {
        reject(signal.reason);
        return;
      }
      const child = spawn(program, ['get'], {
        ...(env === undefined ? {} : { env }),
        stdio: ['pipe', 'pipe', 'pipe'],
        shell: false,
        detached: true,
      });
      trackGroup(child.pid);
      const out: Buffer[] = [];
      const err: Buffer[] = [];
      let size = 0;
      let settled = false;
      const finish = (outcome: () => void) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        signal?.removeEventListener('abort', onAbort);
        if (child.pid !== undefined) running.delete(child.pid);
        outcome();
      };
      /** Kills the helper's group and lets go of it: no pipe, no child handle keeps the loop alive. */
      const stop = () => {
        killGroup(child.pid);
        child.stdin.destroy();
        child.stdout.destroy();
        child.stderr.destroy();
        child.unref();
      };
      const timer = setTimeout(() => {
        stop();
        finish(() => resolve({ code: null, stdout: '', stderr: '' }));
      }, timeoutMs);
      const onAbort = () => {
        stop();
        finish(() => reject(signal?.reason));
      };
      signal?.addEventListener('abort', onAbort, { once: true });
      const collect = (into: Buffer[]) => (chunk: Buffer) => {
        if (settled) return;
        size += chunk.length;
        if (size > HELPER_OUTPUT_LIMIT) {
          stop();
          finish(() => reject(Object.assign(new Error('helper output limit'), { code: OUTPUT_LIMIT_CODE })));
          return;
        }
        into.push(chunk);
      };
      child.stdout.on('data', collect(out));
      child.stderr.on('data', collect(err));
      child.on('error', (error) => {
        // A spawn error (ENOENT, EACCES): there is no process; its pipes are closed all the same.
        stop();
        finish(() => reject(error));
      });
      child.on('close', (code) =>
        finish(() =>
          resolve({
            code,
            stdout: Buffer.concat(out).toString('utf8'),
            stderr: Buffer.concat(err).toString('utf8'),
          }),
        ),
      );
      // A helper that exits without reading its input must not crash Berth with EPIPE.
      child.stdin.on('error', () => {});
      child.stdin.end(input);
    });
}

/** Runs helpers from Berth's own PATH, as the docker CLI does. */
export const defaultHelperRunner: HelperRunner = helperRunner();
