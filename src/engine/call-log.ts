// One debug line per Engine API call, for an operator asking `BERTH_LOG_LEVEL_ENGINE=debug` what
// Berth asks of dockerd. Pure: the transport times the call and hands it here.

/** The slice of a logger the engine writes to; a pino logger satisfies it. */
export interface EngineLogger {
  debug(fields: Record<string, unknown>, message: string): void;
}

/** One finished call: what was asked, how dockerd answered and how long it took. */
export interface EngineCall {
  readonly method: string;
  /** Unversioned path; a query string, if one slipped in, is never logged. */
  readonly path: string;
  /** The HTTP status; absent when no answer came (socket error, abort). */
  readonly status?: number;
  readonly ms: number;
  /** The error code when the call failed (`ENGINE_NOT_FOUND`, `ECONNREFUSED`…). */
  readonly error?: string;
}

/** An engine id or digest: safe to show, and what a reader matches with `docker` output. */
const ID = /^(sha256:)?[0-9a-f]{12,64}$/;
/** `/images/<reference>/json` and the like: a reference has slashes of its own (`local/app:1`). */
const IMAGE_PATH = /^\/(images|distribution)\/(.+?)(\/(json|history|push|tag|get))?$/;
const NAMED_PATH =
  /^\/(containers|networks|volumes|exec|services|tasks|nodes|secrets|configs|plugins)\/([^/]+)(\/.*)?$/;

/**
 * The path as the log shows it: ids and the API's own words, never a name. An image reference,
 * a volume's or network's name (and `container_name:`) may be interpolated from `.env`, and every
 * such value is masked wherever Berth writes text; the engine knows no stack's values, so names are
 * shown as `<image>` and `<name>` (`docker inspect` of the id says more).
 */
export function shownPath(path: string): string {
  const image = IMAGE_PATH.exec(path);
  if (image && image[2] !== 'create' && image[2] !== 'json' && image[2] !== 'prune' && image[2] !== 'load')
    return `/${image[1]}/${ID.test(image[2] ?? '') ? image[2] : '<image>'}${image[3] ?? ''}`;
  const named = NAMED_PATH.exec(path);
  if (named && !['create', 'json', 'prune'].includes(named[2] ?? ''))
    return `/${named[1]}/${ID.test(named[2] ?? '') ? named[2] : '<name>'}${named[3] ?? ''}`;
  return path;
}

/**
 * The fields and message of a call's log line: method, path, status, duration and the failure's code.
 * Never a request body, a query or a header (bodies carry environment values, headers credentials).
 */
export function engineCallLine(call: EngineCall): { fields: Record<string, unknown>; message: string } {
  const path = shownPath(call.path.split('?')[0] ?? '');
  const ms = Math.round(call.ms);
  const fields: Record<string, unknown> = {
    method: call.method,
    path,
    ...(call.status === undefined ? {} : { status: call.status }),
    ms,
    ...(call.error === undefined ? {} : { error: call.error }),
  };
  const answer = call.status === undefined ? 'no answer' : String(call.status);
  const failed = call.error === undefined ? '' : ` (${call.error})`;
  return { fields, message: `engine ${call.method} ${path} → ${answer}${failed} in ${ms} ms` };
}

/** The status and code of a failed call, from what the transport rejected with. */
export function failedCall(error: unknown): { status?: number; error?: string } {
  const { status, statusCode, code } = (error ?? {}) as {
    status?: unknown;
    statusCode?: unknown;
    code?: unknown;
  };
  const s = typeof status === 'number' ? status : typeof statusCode === 'number' ? statusCode : undefined;
  return {
    ...(s === undefined ? {} : { status: s }),
    ...(typeof code === 'string' ? { error: code } : {}),
  };
}
