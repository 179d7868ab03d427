import {
  type ClientRequest,
  request as httpRequest,
  type IncomingHttpHeaders,
  type IncomingMessage,
  type RequestOptions,
} from 'node:http';
import { request as httpsRequest } from 'node:https';
import type { z } from 'zod';
import { parseAnswer } from './api-answer.js';
import { ApiRequestError, responseError } from './api-error.js';

export interface ApiRequestOptions {
  readonly body?: unknown;
  readonly query?: Readonly<Record<string, string | number | boolean | undefined>>;
  readonly headers?: Readonly<Record<string, string>>;
  readonly signal?: AbortSignal;
}

/** An answer read whole, whatever its status. */
export interface ApiResponse {
  readonly status: number;
  readonly headers: IncomingHttpHeaders;
  readonly body: string;
}

type Target =
  | { readonly kind: 'unix'; readonly socketPath: string }
  | {
      readonly kind: 'tcp';
      readonly secure: boolean;
      readonly host: string;
      readonly port: number;
      readonly base: string;
    };

const URL_HINT = 'use http://host:port, https://host[:port] or unix:/path/to/berth.sock';

function parseTarget(url: string): Target {
  if (url.startsWith('unix:')) {
    const socketPath = url.slice('unix:'.length);
    if (!socketPath.startsWith('/')) {
      throw new ApiRequestError(
        'INVALID_SERVER_URL',
        `${url} does not name a socket by its absolute path`,
        URL_HINT,
        0,
      );
    }
    return { kind: 'unix', socketPath };
  }
  let parsed: URL | undefined;
  try {
    parsed = new URL(url);
  } catch {
    parsed = undefined;
  }
  if (parsed === undefined || (parsed.protocol !== 'http:' && parsed.protocol !== 'https:')) {
    throw new ApiRequestError('INVALID_SERVER_URL', `${url} is not a Berth server URL`, URL_HINT, 0);
  }
  const secure = parsed.protocol === 'https:';
  return {
    kind: 'tcp',
    secure,
    // URL keeps IPv6 literals in brackets; node:http wants them bare.
    host: parsed.hostname.replace(/^\[(.*)\]$/, '$1'),
    port: parsed.port === '' ? (secure ? 443 : 80) : Number(parsed.port),
    base: parsed.pathname.replace(/\/+$/, ''),
  };
}

const TLS_CODES = new Set([
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'CERT_HAS_EXPIRED',
  'ERR_TLS_CERT_ALTNAME_INVALID',
]);

async function readText(res: IncomingMessage): Promise<string> {
  res.setEncoding('utf8');
  let text = '';
  for await (const chunk of res) text += String(chunk);
  return text;
}

const isSuccess = (status: number): boolean => status >= 200 && status < 300;

/**
 * The CLI's connection to `berth serve`, over HTTP, HTTPS (system CAs; NODE_EXTRA_CA_CERTS adds a
 * self-signed one) or a unix socket. Sends the API token as a bearer token when it has one.
 */
export class ApiConnection {
  readonly url: string;
  readonly #token: string | undefined;
  readonly #target: Target;

  constructor(connection: { readonly url: string; readonly token?: string | undefined }) {
    this.url = connection.url;
    this.#token = connection.token;
    this.#target = parseTarget(connection.url);
  }

  /**
   * The JSON answer of a call, checked against its schema in the API contract; a non-2xx answer
   * throws ApiRequestError with the server's problem.
   */
  async json<S extends z.ZodType>(
    method: string,
    path: string,
    schema: S,
    options: ApiRequestOptions = {},
  ): Promise<z.output<S>> {
    const { res } = await this.#send(method, path, options);
    const body = await this.#read(res, options.signal);
    const status = res.statusCode ?? 0;
    if (!isSuccess(status)) throw responseError(this.url, status, body, res.headers);
    return parseAnswer(this.url, `${method} ${path}`, body, schema);
  }

  /** The whole answer, whatever its status (for the Set-Cookie of a login, say). */
  async request(method: string, path: string, options: ApiRequestOptions = {}): Promise<ApiResponse> {
    const { res } = await this.#send(method, path, options);
    const body = await this.#read(res, options.signal);
    return { status: res.statusCode ?? 0, headers: res.headers, body };
  }

  /**
   * The answer's lines as they arrive (Server-Sent Events, NDJSON), without their line ends. A non-2xx
   * answer throws ApiRequestError; aborting `signal` ends the iteration cleanly.
   */
  async *lines(method: string, path: string, options: ApiRequestOptions = {}): AsyncIterable<string> {
    const signal = options.signal;
    if (signal?.aborted) return;
    let exchange: { req: ClientRequest; res: IncomingMessage };
    try {
      exchange = await this.#send(method, path, options);
    } catch (error: unknown) {
      if (signal?.aborted) return;
      throw error;
    }
    const { req, res } = exchange;
    try {
      const status = res.statusCode ?? 0;
      if (!isSuccess(status))
        throw responseError(this.url, status, await this.#read(res, signal), res.headers);
      res.setEncoding('utf8');
      let buffer = '';
      const cut = (line: string) => (line.endsWith('\r') ? line.slice(0, -1) : line);
      try {
        for await (const chunk of res) {
          buffer += String(chunk);
          for (let nl = buffer.indexOf('\n'); nl >= 0; nl = buffer.indexOf('\n')) {
            const line = cut(buffer.slice(0, nl));
            buffer = buffer.slice(nl + 1);
            yield line;
          }
        }
      } catch (error: unknown) {
        if (signal?.aborted) return;
        throw this.#failure(error);
      }
      if (buffer !== '') yield cut(buffer);
    } finally {
      // Also when the caller stops early: the server sees the stream end.
      req.destroy();
    }
  }

  async #read(res: IncomingMessage, signal: AbortSignal | undefined): Promise<string> {
    try {
      return await readText(res);
    } catch (error: unknown) {
      if (signal?.aborted) throw signal.reason ?? error;
      throw this.#failure(error);
    }
  }

  #send(
    method: string,
    path: string,
    options: ApiRequestOptions,
  ): Promise<{ req: ClientRequest; res: IncomingMessage }> {
    const target = this.#target;
    const headers: Record<string, string> = { accept: 'application/json', 'user-agent': 'berth-cli' };
    if (this.#token !== undefined) headers.authorization = `Bearer ${this.#token}`;
    let payload: string | undefined;
    if (options.body !== undefined) {
      payload = JSON.stringify(options.body);
      headers['content-type'] = 'application/json';
      headers['content-length'] = String(Buffer.byteLength(payload));
    }
    Object.assign(headers, options.headers);
    const query = new URLSearchParams(
      Object.entries(options.query ?? {}).flatMap(([k, v]): [string, string][] =>
        v === undefined ? [] : [[k, String(v)]],
      ),
    ).toString();
    const fullPath = `${target.kind === 'tcp' ? target.base : ''}${path}${query ? `?${query}` : ''}`;
    // No keep-alive: a CLI makes a few calls and must not be held open by an idle socket.
    const common: RequestOptions = { method, path: fullPath, headers, agent: false };
    if (options.signal) common.signal = options.signal;
    const send = target.kind === 'tcp' && target.secure ? httpsRequest : httpRequest;
    const where =
      target.kind === 'unix' ? { socketPath: target.socketPath } : { host: target.host, port: target.port };
    return new Promise((resolve, reject) => {
      const req = send({ ...common, ...where }, (res) => resolve({ req, res }));
      req.on('error', (error) => {
        if (options.signal?.aborted) reject(options.signal.reason ?? error);
        else reject(this.#failure(error));
      });
      req.end(payload);
    });
  }

  #failure(error: unknown): ApiRequestError {
    if (error instanceof ApiRequestError) return error;
    const code = (error as NodeJS.ErrnoException).code ?? 'ERROR';
    if (TLS_CODES.has(code)) {
      return new ApiRequestError(
        'TLS_FAILED',
        `the TLS certificate of ${this.url} is not trusted (${code})`,
        'for a self-signed certificate, set NODE_EXTRA_CA_CERTS to the CA (or certificate) PEM file',
        0,
      );
    }
    return new ApiRequestError(
      'SERVER_UNREACHABLE',
      `cannot reach the Berth server at ${this.url} (${code})`,
      `is \`berth serve\` running at ${this.url}? set BERTH_URL or run \`berth login <url>\``,
      0,
    );
  }
}
