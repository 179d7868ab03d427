import type { IncomingMessage } from 'node:http';
import type { Duplex, Readable } from 'node:stream';
import type Dockerode from 'dockerode';
import { type EngineLogger, engineCallLine, failedCall } from './call-log.js';
import { EngineError, toEngineError } from './errors.js';

export type QueryValue = string | number | boolean | undefined;

/** One Engine API call, described without any HTTP library's types. */
export interface EngineRequest {
  readonly method: 'GET' | 'POST' | 'PUT' | 'DELETE' | 'HEAD';
  /** Unversioned path, e.g. `/containers/abc/json`; the transport adds the API version. */
  readonly path: string;
  readonly query?: Readonly<Record<string, QueryValue>>;
  readonly body?: unknown;
  /** A request body streamed as `application/tar` (image builds). */
  readonly file?: Readable;
  readonly headers?: Readonly<Record<string, string>>;
  /** Statuses besides 200/201/204 that count as success (e.g. 304 for an idempotent start). */
  readonly okStatus?: readonly number[];
  readonly signal?: AbortSignal;
  /** For error messages: what was being done, and to what. */
  readonly action: string;
  readonly resource?: string;
}

/** The only way the clients reach the engine; a fake one makes them testable without a daemon. */
export interface Transport {
  /** Where the engine is, for messages, e.g. `unix:///var/run/docker.sock`. */
  readonly endpoint: string;
  /** The negotiated API version, e.g. `1.41`. */
  readonly apiVersion: string;
  /** Parsed JSON body; `undefined` when the engine sent none. */
  json(request: EngineRequest): Promise<unknown>;
  /** The response as a byte stream, once the engine accepted the request. */
  stream(request: EngineRequest): Promise<IncomingMessage>;
  /**
   * The connection itself, once the engine switched it to a raw stream (`Upgrade: tcp`): what is
   * written goes to the process's standard input, `end()` closes it; its output comes back on it.
   */
  hijack(request: EngineRequest): Promise<Duplex>;
}

type Modem = Dockerode['modem'];

/** `logger`: one debug line per call (method, path, status, duration), for the `engine` component. */
export function modemTransport(
  modem: Modem,
  endpoint: string,
  apiVersion: string,
  logger?: EngineLogger,
): Transport {
  const dial = (request: EngineRequest, isStream: boolean, hijack = false): Promise<unknown> =>
    new Promise((resolve, reject) => {
      const started = performance.now();
      let status: number | undefined;
      const logged = (answer: { status?: number; error?: string }) => {
        if (!logger) return;
        const call = {
          method: request.method,
          path: request.path,
          ms: performance.now() - started,
          ...answer,
        };
        const { fields, message } = engineCallLine(call);
        logger.debug(fields, message);
      };
      // An empty id makes a path like `/containers//json`; the engine answers with a redirect that
      // docker-modem then fails to follow, asynchronously, leaving the request unsettled forever.
      if (request.path.includes('//') || request.path.endsWith('/')) {
        reject(
          new EngineError(
            'ENGINE_BAD_REQUEST',
            `refusing to call the engine with an empty name or id (${request.method} ${request.path})`,
            {
              hint: 'this is a bug in Berth: a container, network or volume id was missing',
            },
          ),
        );
        return;
      }
      const statusCodes: Record<number, boolean> = { 200: true, 201: true, 204: true };
      for (const ok of request.okStatus ?? []) statusCodes[ok] = true;
      // docker-modem looks the answer's status up here, and hands only the body on: note which it was.
      const seen = new Proxy(statusCodes, {
        get(target, key) {
          if (typeof key === 'string' && /^\d{3}$/.test(key)) status = Number(key);
          return Reflect.get(target, key);
        },
      });
      const query = cleanQuery(request.query ?? {});
      modem.dial(
        {
          // docker-modem only appends a query string to paths with a `?`.
          path: `${request.path}?`,
          method: request.method,
          // `{}` makes docker-modem send no body at all: the engine rejects a body on e.g. start.
          options: { _query: query, _body: request.body ?? {} },
          ...(request.file === undefined ? {} : { file: request.file }),
          ...(request.headers === undefined ? {} : { headers: { ...request.headers } }),
          ...(request.signal === undefined ? {} : { abortSignal: request.signal }),
          isStream,
          ...(hijack ? { hijack: true } : {}),
          statusCodes: seen,
        },
        (err, result) => {
          if (err) {
            logged(failedCall(err));
            const context = { endpoint, action: request.action };
            reject(
              toEngineError(err, request.resource ? { ...context, resource: request.resource } : context),
            );
            return;
          }
          // A stream's response carries its status; an upgraded connection answered 101.
          const answered = hijack ? 101 : ((result as { statusCode?: unknown } | null)?.statusCode ?? status);
          logged(typeof answered === 'number' ? { status: answered } : {});
          resolve(result);
        },
      );
    });

  return {
    endpoint,
    apiVersion,
    async json(request) {
      return normalizeBody(await dial(request, false));
    },
    async stream(request) {
      return (await dial(request, true)) as IncomingMessage;
    },
    async hijack(request) {
      return (await dial(request, true, true)) as Duplex;
    },
  };
}

/** docker-modem would send `key=` for undefined values; the engine reads that as "set to empty". */
export function cleanQuery(query: Readonly<Record<string, QueryValue>>): Record<string, string> {
  const clean: Record<string, string> = {};
  for (const [key, value] of Object.entries(query)) {
    if (value !== undefined) clean[key] = String(value);
  }
  return clean;
}

/** docker-modem hands back a Buffer when the body is empty or not JSON. */
function normalizeBody(result: unknown): unknown {
  if (Buffer.isBuffer(result)) return result.length === 0 ? undefined : result.toString('utf8');
  return result;
}

/** Path segment for an id or name (image references keep their slashes). */
export function seg(value: string): string {
  return encodeURIComponent(value).replace(/%2F/gi, '/');
}

/** A listing that is not an array is a failure, never "nothing there". */
export function asArray<T>(raw: unknown, action: string): T[] {
  if (Array.isArray(raw)) return raw as T[];
  const seen = JSON.stringify(raw) ?? String(raw);
  throw new EngineError(
    'ENGINE_FAILED',
    `${action}: the engine answered ${seen.slice(0, 200)} instead of a list`,
  );
}
