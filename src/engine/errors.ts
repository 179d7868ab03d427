/** Stable codes of every failure the engine adapter reports. Callers match on these: never rename one. */
export type EngineErrorCode =
  | 'ENGINE_UNAVAILABLE'
  | 'ENGINE_NOT_FOUND'
  | 'ENGINE_CONFLICT'
  | 'ENGINE_BAD_REQUEST'
  | 'ENGINE_FAILED'
  | 'ENGINE_TIMEOUT';

export interface EngineErrorOptions {
  readonly status?: number;
  readonly hint?: string;
  /** What the failing call was about, e.g. `container web-1`. */
  readonly resource?: string;
  /** Extra lines worth showing, e.g. the last lines of a failed build. */
  readonly details?: readonly string[];
  readonly cause?: unknown;
}

export const UNAVAILABLE_HINT =
  'run scripts/docker-engine.sh as root on Debian, or start Docker (systemctl start docker / Docker Desktop); ' +
  'set DOCKER_HOST for a remote engine';

export class EngineError extends Error {
  override readonly name = 'EngineError';
  readonly code: EngineErrorCode;
  readonly status?: number;
  readonly hint: string;
  readonly resource?: string;
  readonly details: readonly string[];

  constructor(code: EngineErrorCode, message: string, options: EngineErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
    if (options.status !== undefined) this.status = options.status;
    this.hint = options.hint ?? defaultHint(code);
    if (options.resource !== undefined) this.resource = options.resource;
    this.details = options.details ?? [];
  }
}

export function isEngineError(value: unknown, code?: EngineErrorCode): value is EngineError {
  return value instanceof EngineError && (code === undefined || value.code === code);
}

export function codeForStatus(status: number): EngineErrorCode {
  if (status === 404) return 'ENGINE_NOT_FOUND';
  if (status === 409) return 'ENGINE_CONFLICT';
  if (status === 400) return 'ENGINE_BAD_REQUEST';
  return 'ENGINE_FAILED';
}

export function defaultHint(code: EngineErrorCode): string {
  switch (code) {
    case 'ENGINE_UNAVAILABLE':
      return UNAVAILABLE_HINT;
    case 'ENGINE_NOT_FOUND':
      return 'it may have been removed outside Berth; check with `docker ps -a`, `docker network ls`, `docker volume ls` or `docker images`';
    case 'ENGINE_CONFLICT':
      return 'another object already uses that name, or the object is in a state that does not allow this (e.g. not running)';
    case 'ENGINE_BAD_REQUEST':
      return 'the engine rejected the request as invalid; check the values it names';
    case 'ENGINE_TIMEOUT':
      return 'the operation took longer than allowed; retry, or raise the timeout';
    case 'ENGINE_FAILED':
      return 'the engine reported an internal error; its log (journalctl -u docker, or the dockerd log) may say more';
  }
}

/** Socket-level failures: nobody answers (or may answer) at the endpoint. */
const CONNECTION_CODES: Readonly<Record<string, string>> = {
  ENOENT: 'no socket at that path',
  ECONNREFUSED: 'connection refused',
  EACCES: 'permission denied',
  EPERM: 'permission denied',
  ENOTFOUND: 'host not found',
  EAI_AGAIN: 'host lookup failed',
  EHOSTUNREACH: 'host unreachable',
  ENETUNREACH: 'network unreachable',
  ETIMEDOUT: 'connection timed out',
  ECONNRESET: 'connection reset by the engine',
  EPIPE: 'connection closed by the engine',
};

export interface ErrorContext {
  /** Where the engine was expected, e.g. `unix:///var/run/docker.sock`. */
  readonly endpoint: string;
  /** What was being done, e.g. `inspect`. */
  readonly action: string;
  readonly resource?: string;
}

export function unavailableError(endpoint: string, reason: string, cause?: unknown): EngineError {
  const permission = reason === 'permission denied';
  return new EngineError('ENGINE_UNAVAILABLE', `no Docker engine answers at ${endpoint} (${reason})`, {
    hint: permission
      ? `the socket exists but this user may not use it: add the user to the docker group, or run as root; ${UNAVAILABLE_HINT}`
      : UNAVAILABLE_HINT,
    cause,
  });
}

/**
 * Turns whatever the HTTP layer threw into an EngineError that keeps the
 * engine's own message. Aborts caused by the caller are returned unchanged:
 * they are not engine failures.
 */
export function toEngineError(err: unknown, context: ErrorContext): Error {
  if (err instanceof EngineError) return err;
  if (isAbortError(err)) return err as Error;
  const what = context.resource ? `${context.action} ${context.resource}` : context.action;
  const status = numberField(err, 'statusCode');
  if (status !== undefined) {
    const code = codeForStatus(status);
    return new EngineError(code, `${what}: ${engineMessage(err)}`, {
      status,
      ...(context.resource === undefined ? {} : { resource: context.resource }),
      cause: err,
    });
  }
  const sysCode = stringField(err, 'code');
  const reason = sysCode === undefined ? undefined : CONNECTION_CODES[sysCode];
  if (reason !== undefined) return unavailableError(context.endpoint, reason, err);
  if (err instanceof Error && /socket hang up/i.test(err.message)) {
    return unavailableError(context.endpoint, 'connection closed by the engine', err);
  }
  const message = err instanceof Error ? err.message : String(err);
  return new EngineError('ENGINE_FAILED', `${what}: ${message}`, {
    ...(context.resource === undefined ? {} : { resource: context.resource }),
    cause: err,
  });
}

/** The engine's text: the JSON body's `message` when there is one, else the modem's text without its prefix. */
export function engineMessage(err: unknown): string {
  const json = (err as { json?: unknown } | null)?.json;
  if (json !== null && typeof json === 'object' && !Buffer.isBuffer(json)) {
    const message = (json as { message?: unknown }).message;
    if (typeof message === 'string' && message.trim() !== '') return message.trim();
  }
  if (typeof json === 'string' && json.trim() !== '') return json.trim();
  const text = err instanceof Error ? err.message : String(err);
  // docker-modem formats "(HTTP code 404) no such container - No such container: x "
  const match = /^\(HTTP code \d+\) .*? - ([\s\S]*)$/.exec(text);
  return (match?.[1] ?? text).trim() || text.trim();
}

export function isAbortError(err: unknown): boolean {
  if (err === null || typeof err !== 'object') return false;
  const { name, code } = err as { name?: unknown; code?: unknown };
  return name === 'AbortError' || code === 'ABORT_ERR';
}

function numberField(value: unknown, key: string): number | undefined {
  if (value === null || typeof value !== 'object') return undefined;
  const field = (value as Record<string, unknown>)[key];
  return typeof field === 'number' ? field : undefined;
}

function stringField(value: unknown, key: string): string | undefined {
  if (value === null || typeof value !== 'object') return undefined;
  const field = (value as Record<string, unknown>)[key];
  return typeof field === 'string' ? field : undefined;
}
