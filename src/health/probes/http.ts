import { request as httpRequest, type IncomingMessage, type OutgoingHttpHeaders } from 'node:http';
import { request as httpsRequest } from 'node:https';
import type { TLSSocket } from 'node:tls';
import type { Measured } from '../expressions.js';
import type { ProbeCheck } from '../probe-types.js';
import {
  abortMessage,
  type CheckContext,
  describeNetError,
  elapsed,
  failed,
  hostPort,
  type RunResult,
} from './context.js';
import { servicePort } from './tcp.js';
import { expiresIn } from './tls.js';

export type HttpCheck = Extract<ProbeCheck, { type: 'http' }>;

/** Body kept for conditions; the rest is not read (the connection is closed). */
export const MAX_BODY_BYTES = 1024 * 1024;
export const MAX_REDIRECTS = 10;
const REDIRECTS = new Set([301, 302, 303, 307, 308]);
/** Credentials a redirect to another origin must not carry along (as fetch does). */
const ORIGIN_BOUND = ['authorization', 'cookie', 'proxy-authorization'];

/** The URL a check asks for: its own, or a path on a service's port (plain http). */
export async function targetUrl(check: HttpCheck, ctx: CheckContext): Promise<URL | { error: string }> {
  if ('url' in check.target) {
    try {
      return new URL(check.target.url);
    } catch {
      return { error: `invalid URL ${JSON.stringify(redact(check.target.url))}` };
    }
  }
  const address = await servicePort(check.target.port, ctx);
  if ('error' in address) return address;
  const path = check.target.path.startsWith('/') ? check.target.path : `/${check.target.path}`;
  return new URL(`http://${hostPort(address.host, address.port)}${path}`);
}

/** A URL as errors show it: no user info and no query, which may hold credentials. */
export function shown(url: URL): string {
  return `${url.protocol}//${url.host}${url.pathname}`;
}

const redact = (text: string): string => text.replace(/\/\/[^/@]*@/, '//').replace(/\?.*$/, '');

interface Answer {
  readonly status: number;
  readonly location?: string;
  readonly body: string;
  readonly certificateExpirationMs?: number;
}

/**
 * An HTTP(S) request on a fresh connection (`agent: false`: a pooled one would hide connect
 * failures and slowness). Redirects are followed when asked, up to MAX_REDIRECTS, relative
 * Locations resolved against the current URL. ok: the final status is 200–399. The response time is
 * from the first request until the last body is read (or cut at MAX_BODY_BYTES).
 */
export async function runHttp(check: HttpCheck, ctx: CheckContext): Promise<RunResult> {
  const first = await targetUrl(check, ctx);
  if ('error' in first) return failed(first.error, { connected: false });
  const start = performance.now();
  const seen: { connected: boolean; ip?: string } = { connected: false };
  let url = first;
  let method = check.method.toUpperCase();
  let body = check.body;
  const headers: Record<string, string> = { ...check.headers };
  for (let hops = 0; ; hops++) {
    let answer: Answer;
    try {
      answer = await exchange(url, { method, headers, body, verifyTls: check.verifyTls }, ctx, seen);
    } catch (error: unknown) {
      const text = ctx.signal.aborted ? abortMessage(ctx.signal) : describeNetError(error, where(url));
      return failed(text, { ...seen, responseTimeMs: elapsed(start) });
    }
    const measured: Measured = {
      ...seen,
      status: answer.status,
      body: answer.body,
      responseTimeMs: elapsed(start),
      ...(answer.certificateExpirationMs !== undefined
        ? { certificateExpirationMs: answer.certificateExpirationMs }
        : {}),
    };
    if (check.followRedirects && REDIRECTS.has(answer.status) && answer.location !== undefined) {
      if (hops >= MAX_REDIRECTS) {
        return failed(`more than ${MAX_REDIRECTS} redirects, the last from ${shown(url)}`, measured);
      }
      const next = URL.canParse(answer.location, url.href) ? new URL(answer.location, url) : undefined;
      if (!next) return failed(`${shown(url)} redirected to an invalid Location`, measured);
      if (next.origin !== url.origin) for (const name of Object.keys(headers)) dropOriginBound(headers, name);
      // As browsers and fetch do: 303 always, and 301/302 after a POST, go on with a GET and no body.
      if (answer.status === 303 || ((answer.status === 301 || answer.status === 302) && method === 'POST')) {
        method = 'GET';
        body = undefined;
      }
      url = next;
      continue;
    }
    const ok = answer.status >= 200 && answer.status < 400;
    return ok ? { ok, measured } : failed(`HTTP ${answer.status} from ${shown(url)}`, measured);
  }
}

function dropOriginBound(headers: Record<string, string>, name: string): void {
  if (ORIGIN_BOUND.includes(name.toLowerCase())) delete headers[name];
}

const where = (url: URL): string =>
  hostPort(url.hostname.replace(/^\[|\]$/g, ''), Number(url.port) || (url.protocol === 'https:' ? 443 : 80));

/** One request and its (capped) body; records the connection and remote address as they happen. */
function exchange(
  url: URL,
  options: { method: string; headers: OutgoingHttpHeaders; body: string | undefined; verifyTls: boolean },
  ctx: CheckContext,
  seen: { connected: boolean; ip?: string },
): Promise<Answer> {
  const https = url.protocol === 'https:';
  if (!https && url.protocol !== 'http:') {
    return Promise.reject(new Error(`unsupported protocol ${url.protocol} (http: or https: only)`));
  }
  if (ctx.signal.aborted) return Promise.reject(ctx.signal.reason);
  // What this hop connected to, not an earlier hop of a redirect chain.
  seen.connected = false;
  delete seen.ip;
  return new Promise<Answer>((resolve, reject) => {
    const request = https ? httpsRequest : httpRequest;
    const req = request(url, {
      method: options.method,
      headers: options.headers,
      agent: false,
      ...(https ? { rejectUnauthorized: options.verifyTls } : {}),
    });
    // Not the request's own `signal` option: ending the request ourselves also ends a body that
    // is still being read, and the listener goes away with the exchange either way.
    const settle = (outcome: { answer: Answer } | { error: unknown }) => {
      ctx.signal.removeEventListener('abort', onAbort);
      if ('answer' in outcome) resolve(outcome.answer);
      else reject(outcome.error);
      req.destroy();
    };
    const onAbort = () => settle({ error: ctx.signal.reason });
    ctx.signal.addEventListener('abort', onAbort, { once: true });
    // TCP connected (before any TLS handshake): an untrusted certificate still says connected.
    req.once('socket', (socket) => {
      socket.once('connect', () => {
        seen.connected = true;
        if (socket.remoteAddress) seen.ip = socket.remoteAddress;
      });
    });
    req.on('error', (error) => settle({ error }));
    req.once('response', (res: IncomingMessage) => {
      const cert = https ? (res.socket as TLSSocket).getPeerCertificate() : undefined;
      const expiry = cert?.valid_to ? expiresIn(cert, ctx.now()) : undefined;
      const chunks: Buffer[] = [];
      let size = 0;
      const done = () => {
        res.removeAllListeners('data');
        settle({
          answer: {
            status: res.statusCode ?? 0,
            ...(typeof res.headers.location === 'string' ? { location: res.headers.location } : {}),
            body: Buffer.concat(chunks).subarray(0, MAX_BODY_BYTES).toString('utf8'),
            ...(expiry !== undefined ? { certificateExpirationMs: expiry } : {}),
          },
        });
      };
      res.on('data', (chunk: Buffer) => {
        chunks.push(chunk);
        size += chunk.length;
        if (size >= MAX_BODY_BYTES) done();
      });
      res.once('end', done);
      res.on('error', (error) => settle({ error }));
    });
    req.end(options.body);
  });
}
