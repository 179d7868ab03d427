import { randomUUID } from 'node:crypto';
import { chmodSync, existsSync, readFileSync, unlinkSync } from 'node:fs';
import {
  createServer as createHttpServer,
  type RequestListener,
  type Server,
  type ServerOptions,
} from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import { isIP, type Socket } from 'node:net';
import { dirname } from 'node:path';
import { ipKey } from '../access/throttle.js';
import type { BackgroundService } from './lifecycle.js';
import { type ListenTarget, listenError } from './listen-error.js';

/** How long and how much a client may take: Node's defaults are generous (5 minutes for a request). */
export interface ListenLimits {
  /** To receive the request headers. */
  readonly headersTimeoutMs: number;
  /** To receive the whole request, body included; a long response (SSE, logs) is not bound by it. */
  readonly requestTimeoutMs: number;
  /** An idle kept-alive connection is closed after this. */
  readonly keepAliveTimeoutMs: number;
  /** Connections beyond this are closed at once. */
  readonly maxConnections: number;
  /**
   * Open TCP connections from one address (an IPv6 /64) beyond this are closed at once, so one client
   * cannot hold every slot of maxConnections; the unix socket (0600, local) is not counted.
   */
  readonly maxConnectionsPerAddress: number;
  readonly maxHeadersCount: number;
  readonly maxHeaderBytes: number;
  /** Requests on one kept-alive connection before it is closed. */
  readonly maxRequestsPerSocket: number;
}

export const DEFAULT_LISTEN_LIMITS: ListenLimits = {
  headersTimeoutMs: 20_000,
  requestTimeoutMs: 60_000,
  keepAliveTimeoutMs: 5_000,
  maxConnections: 512,
  maxConnectionsPerAddress: 64,
  maxHeadersCount: 100,
  maxHeaderBytes: 16 * 1024,
  maxRequestsPerSocket: 1000,
};

export interface ListenConfig {
  readonly host: string;
  readonly port: number;
  /** Also listen on this unix socket (created mode 0600). */
  readonly socketPath?: string;
  readonly tls?: { readonly certFile: string; readonly keyFile: string };
  /**
   * Host names (beyond localhost and IP addresses) that TCP requests may name in `Host`: `allowedHosts` in
   * the serve config. `.example.com` also allows every subdomain; `*` allows any name.
   */
  readonly allowedHosts?: readonly string[];
  /** Overrides of DEFAULT_LISTEN_LIMITS (tests). */
  readonly limits?: Partial<ListenLimits>;
}

/** Sent under TLS: browsers then refuse plain HTTP to this host for a year. */
export const HSTS = 'max-age=31536000';

/** The name in a Host header, lowercase, without port, brackets or a trailing dot; undefined if malformed. */
export function hostName(header: string): string | undefined {
  const value = header.trim().toLowerCase();
  const bracketed = /^\[([0-9a-f:.]+(?:%[\w.-]+)?)\](?::\d{1,5})?$/.exec(value);
  if (bracketed) return bracketed[1];
  const named = /^([a-z0-9._-]+)(?::\d{1,5})?$/.exec(value);
  const name = named?.[1]?.replace(/\.$/, '');
  return name === undefined || name === '' ? undefined : name;
}

/**
 * Whether a TCP request naming `header` in Host is for this server. A DNS rebinding attack reaches a
 * loopback server under the attacker's own name, so names must be listed; localhost (and *.localhost,
 * which resolves to loopback) and IP addresses are always accepted, since no rebinding uses them. A
 * request without Host (HTTP/1.0) names nothing a browser could send.
 */
export function hostAllowed(header: string | undefined, allowed: readonly string[]): boolean {
  if (header === undefined) return true;
  const name = hostName(header);
  if (name === undefined) return false;
  if (isIP(name.split('%')[0] ?? '') !== 0) return true;
  if (name === 'localhost' || name.endsWith('.localhost')) return true;
  return allowed.some((entry) => {
    const e = entry.trim().toLowerCase().replace(/\.$/, '');
    if (e === '*') return true;
    if (e.startsWith('.')) return name === e.slice(1) || name.endsWith(e);
    return name === e;
  });
}

/** The names a listener accepts beyond the built-in ones: the configured ones and the listen host. */
function allowedNames(config: ListenConfig): string[] {
  return [...(config.allowedHosts ?? []), ...(isIP(config.host) === 0 ? [config.host] : [])];
}

/** A problem+json answer that closes the connection: a Host not allowed, or a server still starting. */
function refuse(
  res: Parameters<RequestListener>[1],
  problem: { status: number; code: string; title: string; detail: string; hint: string },
  headers: Record<string, string> = {},
): void {
  const body = JSON.stringify({
    type: `https://berth.dev/problems/${problem.code}`,
    title: problem.title,
    status: problem.status,
    detail: problem.detail,
    code: problem.code,
    hint: problem.hint,
    requestId: randomUUID(),
  });
  res.writeHead(problem.status, {
    'Content-Type': 'application/problem+json',
    'Content-Length': Buffer.byteLength(body),
    'X-Content-Type-Options': 'nosniff',
    'Cache-Control': 'no-store',
    Connection: 'close',
    ...headers,
  });
  res.end(body);
}

function misdirected(res: Parameters<RequestListener>[1], host: string | undefined): void {
  refuse(res, {
    status: 421,
    code: 'HOST_NOT_ALLOWED',
    title: 'Host not allowed',
    detail: `this server does not answer to the host ${JSON.stringify(host ?? '')}`,
    hint: 'use an allowed name, or add this one to `allowedHosts` in the serve config file (or BERTH_ALLOWED_HOSTS, comma-separated); localhost and IP addresses are always allowed',
  });
}

/** The TCP front door: Host allow-list, and HSTS under TLS; the unix socket (0600) skips it. */
function frontDoor(handler: RequestListener, config: ListenConfig): RequestListener {
  const allowed = allowedNames(config);
  return (req, res) => {
    if (config.tls) res.setHeader('Strict-Transport-Security', HSTS);
    if (!hostAllowed(req.headers.host, allowed)) {
      // The body is not read: close the connection after answering.
      req.resume();
      misdirected(res, req.headers.host);
      return;
    }
    handler(req, res);
  };
}

function serverOptions(limits: ListenLimits): ServerOptions {
  return {
    headersTimeout: limits.headersTimeoutMs,
    requestTimeout: limits.requestTimeoutMs,
    keepAliveTimeout: limits.keepAliveTimeoutMs,
    maxHeaderSize: limits.maxHeaderBytes,
    // How often the timeouts above are checked (Node's default is 30 s, coarser than they are).
    connectionsCheckingInterval: Math.min(5_000, limits.headersTimeoutMs, limits.requestTimeoutMs),
  };
}

function applyLimits(server: Server, limits: ListenLimits): Server {
  server.headersTimeout = limits.headersTimeoutMs;
  server.requestTimeout = limits.requestTimeoutMs;
  server.keepAliveTimeout = limits.keepAliveTimeoutMs;
  server.maxConnections = limits.maxConnections;
  server.maxHeadersCount = limits.maxHeadersCount;
  server.maxRequestsPerSocket = limits.maxRequestsPerSocket;
  // No idle timeout on the socket itself: a stream (events, logs) may be quiet for long, and a client
  // that stalls while sending is ended by the timeouts above.
  server.timeout = 0;
  return server;
}

/**
 * Closes a new TCP connection at once when its address (an IPv6 /64, see ipKey) already holds `cap`:
 * a slow or greedy client (headers trickled, streams hoarded) then takes at most that many of the
 * server's connections, and the others stay for everyone else.
 */
export function capPerAddress(server: Server, cap: number): Server {
  const open = new Map<string, number>();
  server.on('connection', (socket: Socket) => {
    const key = ipKey(socket.remoteAddress ?? '');
    const held = open.get(key) ?? 0;
    if (held >= cap) {
      socket.destroy();
      return;
    }
    open.set(key, held + 1);
    socket.once('close', () => {
      const left = (open.get(key) ?? 1) - 1;
      if (left > 0) open.set(key, left);
      else open.delete(key);
    });
  });
  return server;
}

function listen(server: Server, target: ListenTarget): Promise<void> {
  return new Promise((resolve, reject) => {
    server.once('error', (error) => {
      const folder = typeof target === 'string' ? existsSync(dirname(target)) : true;
      reject(listenError(error, target, folder));
    });
    if (typeof target === 'string') server.listen(target, () => resolve());
    else server.listen(target.port, target.host, () => resolve());
  });
}

const closing = (server: Server) => new Promise<void>((resolve) => server.close(() => resolve()));

/**
 * The HTTP listener as a background service: TCP (or TLS) and optionally a 0600 unix socket.
 * `bind` takes the addresses (start binds too, if it has not been); until started, a request is
 * answered 503 STARTING, so the addresses can be taken before what answers on them has started.
 * Draining stops accepting connections while running operations finish and their streams stay
 * open; closing aborts the streams (`endStreams`) and waits for the connections to end.
 */
export function httpListener(
  config: ListenConfig,
  handler: RequestListener,
  endStreams: () => void,
): BackgroundService & { readonly addresses: string[]; bind(): Promise<void> } {
  const limits = { ...DEFAULT_LISTEN_LIMITS, ...config.limits };
  const options = serverOptions(limits);
  const servers: Server[] = [];
  const addresses: string[] = [];
  let closed: Promise<unknown> | undefined;
  const stopAccepting = () => {
    closed ??= Promise.all(servers.map(closing));
  };
  // Bound but not started: a request is told to come back, never handed to what is not running yet.
  let started = false;
  const gated: RequestListener = (req, res) => {
    if (started) return handler(req, res);
    req.resume();
    refuse(
      res,
      {
        status: 503,
        code: 'STARTING',
        title: 'Starting',
        detail: 'the server is starting',
        hint: 'try again in a moment',
      },
      { 'Retry-After': '1' },
    );
  };
  const open = async () => {
    try {
      const front = frontDoor(gated, config);
      const tcp = applyLimits(
        config.tls
          ? createHttpsServer(
              {
                ...options,
                cert: readFileSync(config.tls.certFile),
                key: readFileSync(config.tls.keyFile),
              },
              front,
            )
          : createHttpServer(options, front),
        limits,
      );
      capPerAddress(tcp, limits.maxConnectionsPerAddress);
      await listen(tcp, { port: config.port, host: config.host });
      servers.push(tcp);
      const bound = tcp.address();
      const port = typeof bound === 'object' && bound ? bound.port : config.port;
      const host = config.host.includes(':') ? `[${config.host}]` : config.host;
      addresses.push(`${config.tls ? 'https' : 'http'}://${host}:${port}`);
      if (config.socketPath) {
        if (existsSync(config.socketPath)) unlinkSync(config.socketPath);
        const unix = applyLimits(createHttpServer(options, gated), limits);
        await listen(unix, config.socketPath);
        chmodSync(config.socketPath, 0o600);
        servers.push(unix);
        addresses.push(`unix:${config.socketPath}`);
      }
    } catch (error: unknown) {
      stopAccepting();
      await closed;
      throw error;
    }
  };
  let binding: Promise<void> | undefined;
  /** Takes the addresses (a taken port fails here, before anything else is opened); requests wait for start. */
  const bind = () => {
    binding ??= open();
    return binding;
  };
  return {
    name: 'http',
    addresses,
    bind,
    start: async () => {
      await bind();
      started = true;
    },
    drain: stopAccepting,
    close: async () => {
      stopAccepting();
      endStreams();
      for (const server of servers) server.closeIdleConnections();
      await closed;
      if (config.socketPath && existsSync(config.socketPath)) unlinkSync(config.socketPath);
    },
  };
}
