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

/**
 * The fields and message of a call's log line: method, path, status, duration and the failure's code.
 * Never a request body, a query or a header (bodies carry environment values, headers credentials).
 */
export function engineCallLine(call: EngineCall): { fields: Record<string, unknown>; message: string } {
  const path = call.path.split('?')[0] ?? '';
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
