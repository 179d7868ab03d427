import { chmodSync, existsSync, readFileSync, unlinkSync } from 'node:fs';
import { createServer as createHttpServer, type RequestListener, type Server } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { BackgroundService } from './lifecycle.js';

export interface ListenConfig {
  readonly host: string;
  readonly port: number;
  /** Also listen on this unix socket (created mode 0600). */
  readonly socketPath?: string;
  readonly tls?: { readonly certFile: string; readonly keyFile: string };
}

function listen(server: Server, target: { port: number; host: string } | string): Promise<void> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    if (typeof target === 'string') server.listen(target, () => resolve());
    else server.listen(target.port, target.host, () => resolve());
  });
}

const closing = (server: Server) => new Promise<void>((resolve) => server.close(() => resolve()));

/**
 * The HTTP listener as a background service: TCP (or TLS) and optionally a 0600 unix socket.
 * Draining stops accepting connections while running operations finish and their streams stay
 * open; closing aborts the streams (`endStreams`) and waits for the connections to end.
 */
export function httpListener(
  config: ListenConfig,
  handler: RequestListener,
  endStreams: () => void,
): BackgroundService & { readonly addresses: string[] } {
  const servers: Server[] = [];
  const addresses: string[] = [];
  let closed: Promise<unknown> | undefined;
  const stopAccepting = () => {
    closed ??= Promise.all(servers.map(closing));
  };
  return {
    name: 'http',
    addresses,
    start: async () => {
      try {
        const tcp = config.tls
          ? createHttpsServer(
              { cert: readFileSync(config.tls.certFile), key: readFileSync(config.tls.keyFile) },
              handler,
            )
          : createHttpServer(handler);
        await listen(tcp, { port: config.port, host: config.host });
        servers.push(tcp);
        const bound = tcp.address();
        const port = typeof bound === 'object' && bound ? bound.port : config.port;
        const host = config.host.includes(':') ? `[${config.host}]` : config.host;
        addresses.push(`${config.tls ? 'https' : 'http'}://${host}:${port}`);
        if (config.socketPath) {
          if (existsSync(config.socketPath)) unlinkSync(config.socketPath);
          const unix = createHttpServer(handler);
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
