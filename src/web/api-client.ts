import type { z } from 'zod';
import { CSRF_HEADER, ProblemLikeSchema, SESSION_COOKIE } from '../api/http.js';

/** The API application's fetch, called in-process; `env` is the listener's (the client's address). */
export type ApiFetch = (request: Request, env?: unknown) => Promise<Response>;

/** Requests to the API are made against this origin: they never leave the process. */
const INTERNAL_ORIGIN = 'http://berth.internal';

/** One field the API refused (a VALIDATION problem's `errors`). */
export interface FieldFailure {
  readonly in: string;
  readonly path: string;
  readonly message: string;
}

/** A refusal or failure of the API, with what its problem body says. */
export class ApiFailure extends Error {
  override readonly name = 'ApiFailure';
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly hint?: string,
    readonly fields: readonly FieldFailure[] = [],
  ) {
    super(message);
  }
}

export interface ApiCallOptions {
  readonly body?: unknown;
  /** Sent as the API's CSRF header (mutating calls of a session). */
  readonly csrf?: string;
  readonly headers?: Readonly<Record<string, string>>;
  readonly signal?: AbortSignal;
}

/** The API as one browser request sees it: its session cookie and its connection go with every call. */
export class ApiSession {
  constructor(
    private readonly fetch: ApiFetch,
    /** The browser's session id (absent: not logged in). */
    readonly sessionId: string | undefined,
    private readonly env?: unknown,
  ) {}

  /** The raw answer (streams, Set-Cookie). */
  async raw(method: string, path: string, options: ApiCallOptions = {}): Promise<Response> {
    const headers: Record<string, string> = { Accept: 'application/json', ...options.headers };
    if (this.sessionId !== undefined) headers.Cookie = `${SESSION_COOKIE}=${this.sessionId}`;
    if (options.csrf !== undefined) headers[CSRF_HEADER] = options.csrf;
    if (options.body !== undefined) headers['Content-Type'] = 'application/json';
    const request = new Request(new URL(path, INTERNAL_ORIGIN), {
      method,
      headers,
      ...(options.body !== undefined ? { body: JSON.stringify(options.body) } : {}),
      ...(options.signal ? { signal: options.signal } : {}),
    });
    return this.fetch(request, this.env);
  }

  /** The answer parsed with the contract's schema; an error status throws an ApiFailure. */
  async json<S extends z.ZodType>(
    method: string,
    path: string,
    schema: S,
    options: ApiCallOptions = {},
  ): Promise<z.output<S>> {
    const response = await this.raw(method, path, options);
    if (!response.ok) throw await failureOf(response);
    return schema.parse(await response.json());
  }

  /** Like `json`, and undefined when the API answers 404 (a capability this server does not mount). */
  async optional<S extends z.ZodType>(
    path: string,
    schema: S,
    options: ApiCallOptions = {},
  ): Promise<z.output<S> | undefined> {
    try {
      return await this.json('GET', path, schema, options);
    } catch (error: unknown) {
      if (error instanceof ApiFailure && error.status === 404) return undefined;
      throw error;
    }
  }
}

/** The ApiFailure of an error answer (a problem body, or whatever else came). */
export async function failureOf(response: Response): Promise<ApiFailure> {
  const text = await response.text();
  try {
    const problem = ProblemLikeSchema.parse(JSON.parse(text));
    return new ApiFailure(response.status, problem.code, problem.detail, problem.hint, problem.errors);
  } catch {
    return new ApiFailure(response.status, 'HTTP_ERROR', `the API answered ${response.status}`);
  }
}

/** `/api/v1/stacks/<name>`… with each part encoded. */
export function apiPath(strings: TemplateStringsArray, ...parts: Array<string | number>): string {
  return strings.reduce(
    (out, s, i) => out + s + (i < parts.length ? encodeURIComponent(String(parts[i])) : ''),
    '',
  );
}
