import type { Measured } from '../expressions.js';
import type { CheckOutcome } from '../probe-types.js';

/**
 * What a probe runner is given besides its check: the ports to the outside (engine, clock, the
 * service's addresses) as functions, so the runners are tested with loopback servers and fakes.
 */
export interface CheckContext {
  /** Aborted when the monitor stops. Runners get one that also aborts at `timeoutMs`. */
  readonly signal: AbortSignal;
  /** The probe's timeout: the run ends by then with ok: false and `timed out after 5s`. */
  readonly timeoutMs: number;
  /** Wall clock in ms (certificate expiry); durations use the monotonic clock instead. */
  readonly now: () => number;
  /** For checks on a service's port (http `{port, path}`, tcp without host): where Berth reaches it. */
  readonly resolvePort?: (port: number) => Promise<{ host: string; port: number }>;
  /** Runs argv in the service's container (command and db checks). */
  readonly exec?: (
    argv: readonly string[],
    options: { env?: Readonly<Record<string, string>>; timeoutMs: number; signal: AbortSignal },
  ) => Promise<{ exitCode: number; output: string }>;
  /** The container's environment (db checks read credentials from it, as backups do). */
  readonly containerEnv?: Readonly<Record<string, string>>;
  /** Host path of a named volume (disk checks with on: 'volume'). */
  readonly volumePath?: (name: string) => Promise<string>;
}

/** What a runner returns; `runCheck` adds the latency, measured the same way for every type. */
export type RunResult = Omit<CheckOutcome, 'latencyMs'>;

export const failed = (error: string, measured: Measured = {}): RunResult => ({ ok: false, error, measured });

/**
 * The reason `runCheck` aborts a run with, so a runner that sees its signal abort can say why
 * (timeout or monitor stopping) without knowing which signal fired.
 */
export class CheckStopped extends Error {
  constructor(
    message: string,
    readonly timedOut: boolean,
  ) {
    super(message);
    this.name = 'CheckStopped';
  }
}

/** The operator's words for an aborted run: the reason runCheck gave, or a plain `cancelled`. */
export function abortMessage(signal: AbortSignal): string {
  return signal.reason instanceof CheckStopped ? signal.reason.message : 'cancelled (the monitor stopped)';
}

export const timedOut = (signal: AbortSignal): boolean =>
  signal.reason instanceof CheckStopped && signal.reason.timedOut;

/** `5s`, `1.5s`, `250ms`: how a timeout reads in an error. */
export function formatDuration(ms: number): string {
  if (ms < 1000) return `${Math.round(ms)}ms`;
  return `${Number((ms / 1000).toFixed(1))}s`;
}

/** Milliseconds since `start` (performance.now()), rounded: what responseTimeMs and latencyMs hold. */
export const elapsed = (start: number): number => Math.round(performance.now() - start);

/**
 * Settles like `work`, or rejects with the signal's reason once it aborts: for work that cannot be
 * cancelled itself (statfs, a caller-supplied exec), so the run still ends on time.
 */
export function untilAborted<T>(work: Promise<T>, signal: AbortSignal): Promise<T> {
  if (signal.aborted) return Promise.reject(signal.reason);
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(signal.reason);
    signal.addEventListener('abort', onAbort, { once: true });
    work.then(
      (value) => {
        signal.removeEventListener('abort', onAbort);
        resolve(value);
      },
      (error: unknown) => {
        signal.removeEventListener('abort', onAbort);
        reject(error);
      },
    );
  });
}

/** An error's message; an AggregateError (every address of a host refused) speaks for its first. */
export function messageOf(error: unknown): string {
  if (error instanceof AggregateError && error.message === '' && error.errors[0] !== undefined) {
    return messageOf(error.errors[0]);
  }
  return error instanceof Error ? error.message : String(error);
}

/** Without control characters (a tool's bell, a CR before LF, colours): what an error may quote. */
export function printable(text: string): string {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: removing them is the point
  return text.replace(/\u001b\[[0-9;]*m|[\u0000-\u0008\u000b-\u001f\u007f]/g, '');
}

/** The first non-empty line of a command's output, cut short: what an error quotes. */
export function firstLine(text: string, max = 200): string {
  const line =
    printable(text)
      .split('\n')
      .find((l) => l.trim() !== '') ?? '';
  const trimmed = line.trim();
  return trimmed.length > max ? `${trimmed.slice(0, max)}…` : trimmed;
}

const TLS_TRUST_CODES = new Set([
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'CERT_HAS_EXPIRED',
  'CERT_NOT_YET_VALID',
  'ERR_TLS_CERT_ALTNAME_INVALID',
]);

/** A socket error as an operator reads it: what failed and where (`host:port`). */
export function describeNetError(error: unknown, where: string): string {
  const first: unknown = error instanceof AggregateError ? (error.errors[0] ?? error) : error;
  const code = (error as { code?: unknown } | null)?.code ?? (first as { code?: unknown } | null)?.code;
  switch (code) {
    case 'ECONNREFUSED':
      return `connection refused on ${where}`;
    case 'ECONNRESET':
      return `connection reset by ${where}`;
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return `cannot resolve the host of ${where}`;
    case 'EHOSTUNREACH':
      return `host unreachable: ${where}`;
    case 'ENETUNREACH':
      return `network unreachable: ${where}`;
    case 'ETIMEDOUT':
      return `connection to ${where} timed out`;
  }
  if (typeof code === 'string' && TLS_TRUST_CODES.has(code)) {
    return `TLS certificate of ${where} is not trusted: ${messageOf(error)} (verify_tls: false accepts it)`;
  }
  return `${messageOf(error)} (${where})`;
}

/** `host:port`, with IPv6 hosts in brackets. */
export const hostPort = (host: string, port: number): string =>
  host.includes(':') ? `[${host}]:${port}` : `${host}:${port}`;
