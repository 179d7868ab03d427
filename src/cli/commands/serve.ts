import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Command } from 'commander';
import { systemClock } from '../../clock.js';
import { createLoggers, levelsFromEnv } from '../../log/index.js';
import { startServer } from '../../server/serve.js';
import { cliConfig } from '../config.js';
import { type CliIo, ExitCode } from '../io.js';

export interface ServeOptions {
  readonly host: string;
  readonly port: string;
  readonly socket?: string;
  readonly tlsCert?: string;
  readonly tlsKey?: string;
  readonly shutdownGrace: string;
}

/** `berth serve`; resolves when the server has stopped (SIGINT or SIGTERM). */
export function registerServe(
  program: Command,
  io: CliIo,
  setExit: (code: ExitCode) => void,
  version: string,
): void {
  program
    .command('serve')
    .description('run the Berth API (HTTP on 127.0.0.1:7300 by default; a unix socket and TLS on request)')
    .option('--host <address>', 'address to listen on (BERTH_HOST)', io.env.BERTH_HOST ?? '127.0.0.1')
    .option('--port <port>', 'TCP port (BERTH_PORT)', io.env.BERTH_PORT ?? '7300')
    .option(
      '--socket <path>',
      'also listen on this unix socket, mode 0600 (BERTH_SOCKET)',
      io.env.BERTH_SOCKET,
    )
    .option('--tls-cert <file>', 'serve HTTPS with this PEM certificate (with --tls-key)')
    .option('--tls-key <file>', 'the PEM private key of --tls-cert')
    .option(
      '--shutdown-grace <seconds>',
      'on SIGTERM/SIGINT, how long running deploys get to finish before they are recorded as interrupted',
      io.env.BERTH_SHUTDOWN_GRACE ?? '30',
    )
    .action(async (options: ServeOptions, command: Command) => {
      if ((options.tlsCert === undefined) !== (options.tlsKey === undefined)) {
        io.stderr('error SERVE_CONFIG_INVALID: --tls-cert and --tls-key go together\n');
        return setExit(ExitCode.Usage);
      }
      const grace = Number(options.shutdownGrace);
      if (!Number.isFinite(grace) || grace < 0 || grace > 3600) {
        io.stderr(
          `error SERVE_CONFIG_INVALID: --shutdown-grace ${options.shutdownGrace} is not a number of seconds\n  hint: give 0 to 3600, e.g. --shutdown-grace 60\n`,
        );
        return setExit(ExitCode.Usage);
      }
      const flags = command.optsWithGlobals() as { workspace?: string };
      const config = cliConfig(io.env, io.cwd, flags);
      const { config: levels } = levelsFromEnv(io.env, 'info');
      const server = await startServer(
        {
          host: options.host,
          port: Number(options.port),
          ...(options.socket ? { socketPath: resolve(io.cwd, options.socket) } : {}),
          ...(options.tlsCert && options.tlsKey
            ? {
                tls: { certFile: resolve(io.cwd, options.tlsCert), keyFile: resolve(io.cwd, options.tlsKey) },
              }
            : {}),
          stateDir: config.stateDir,
          workspace: config.workspace,
          ...(config.dockerHost ? { dockerHost: config.dockerHost } : {}),
          env: io.env,
          version,
          shutdownGraceMs: grace * 1000,
        },
        systemClock(),
        createLoggers(levels),
      );
      io.stdout(
        `berth serve: listening on ${server.addresses.join(' and ')} (workspace ${config.workspace})\n`,
      );
      if (server.setupTokenFile) {
        const token = readFileSync(server.setupTokenFile, 'utf8').trim();
        io.stdout(
          [
            'first start: there is no user yet, and no default password.',
            `one-time setup token (also in ${server.setupTokenFile}, mode 0600, valid 24h): ${token}`,
            'create the admin with it:',
            `  curl -X POST ${server.addresses[0]}/api/v1/setup -H 'content-type: application/json' \\`,
            `    -d '{"token":"<token>","username":"admin","password":"<a long passphrase>"}'`,
            '',
          ].join('\n'),
        );
      }
      await new Promise<void>((done) => {
        const stop = () => {
          process.off('SIGINT', stop);
          process.off('SIGTERM', stop);
          done();
        };
        process.once('SIGINT', stop);
        process.once('SIGTERM', stop);
      });
      io.stdout('berth serve: shutting down\n');
      await server.close();
      setExit(ExitCode.Ok);
    });
}
