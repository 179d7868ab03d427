import { readFileSync } from 'node:fs';
import type { Command } from 'commander';
import { type CliIo, ExitCode } from '../io.js';

export interface ServeOptions {
  readonly host?: string;
  readonly port?: string;
  readonly socket?: string;
  readonly tlsCert?: string;
  readonly tlsKey?: string;
  readonly shutdownGrace?: string;
  readonly config?: string;
}

const PRECEDENCE_HELP = `
Each setting comes from, in order: its flag, its environment variable, the config file
(--config FILE or BERTH_CONFIG), then the default. The config file is YAML:

  host: 127.0.0.1        # BERTH_HOST
  port: 7300             # BERTH_PORT
  socket: berth.sock     # BERTH_SOCKET
  tls: {cert: tls/cert.pem, key: tls/key.pem}
  workspace: stacks      # -w, BERTH_WORKSPACE
  stateDir: state        # BERTH_STATE_DIR
  dockerHost: unix:///var/run/docker.sock   # DOCKER_HOST
  shutdownGrace: 30      # seconds; BERTH_SHUTDOWN_GRACE
  allowedHosts: [berth.example.com]   # names in Host beyond localhost and IPs; BERTH_ALLOWED_HOSTS

Relative paths in the file are relative to the file's folder. A bad setting stops serve
before it opens anything (exit 2).
`;

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
    .option('--config <file>', 'read settings from this YAML file (BERTH_CONFIG)')
    .option('--host <address>', 'address to listen on (BERTH_HOST; default 127.0.0.1)')
    .option('--port <port>', 'TCP port (BERTH_PORT; default 7300)')
    .option('--socket <path>', 'also listen on this unix socket, mode 0600 (BERTH_SOCKET)')
    .option('--tls-cert <file>', 'serve HTTPS with this PEM certificate (with --tls-key)')
    .option('--tls-key <file>', 'the PEM private key of --tls-cert')
    .option(
      '--shutdown-grace <seconds>',
      'on SIGTERM/SIGINT, how long running deploys get to finish before they are recorded as interrupted: one deadline for the whole shutdown, shared with job runs, backups and alert deliveries (BERTH_SHUTDOWN_GRACE; default 30)',
    )
    .addHelpText('after', PRECEDENCE_HELP)
    .action(async (options: ServeOptions, command: Command) => {
      const { workspace, verbose, logLevel } = command.optsWithGlobals() as {
        workspace?: string;
        verbose?: number;
        logLevel?: string;
      };
      // The whole server is loaded here, when it is asked for: never for the other commands.
      const [
        { startServer },
        { systemClock },
        { formatServeConfigProblem, loadServeConfig },
        log,
        { handleCrashes },
      ] = await Promise.all([
        import('../../app/serve.js'),
        import('../../clock.js'),
        import('../../config/serve.js'),
        import('../../log/index.js'),
        import('../../app/crash.js'),
      ]);
      const loaded = loadServeConfig(
        { ...options, ...(workspace === undefined ? {} : { workspace }) },
        io.env,
        io.cwd,
      );
      // As for every command: --log-level (or -v) over BERTH_LOG_LEVEL, then info; per-component variables on top.
      const levels = log.resolveLevels(
        io.env,
        { ...(verbose === undefined ? {} : { verbose }), ...(logLevel === undefined ? {} : { logLevel }) },
        'info',
      );
      if (!loaded.ok || levels.problems.length > 0) {
        for (const error of loaded.ok ? [] : loaded.errors) io.stderr(formatServeConfigProblem(error));
        for (const problem of levels.problems) io.stderr(log.describeLevelProblem(problem));
        return setExit(ExitCode.Usage);
      }
      const config = loaded.settings;
      const loggers = log.createLoggers(levels.config);
      const server = await startServer(
        {
          host: config.host,
          port: config.port,
          ...(config.socketPath ? { socketPath: config.socketPath } : {}),
          ...(config.tls ? { tls: config.tls } : {}),
          stateDir: config.stateDir,
          workspace: config.workspace,
          ...(config.dockerHost ? { dockerHost: config.dockerHost } : {}),
          dockerConfigDir: config.dockerConfigDir,
          env: io.env,
          version,
          shutdownGraceMs: config.shutdownGraceMs,
          ...(config.allowedHosts ? { allowedHosts: config.allowedHosts } : {}),
          ...(config.backup ? { backup: config.backup } : {}),
          ...(config.alerts ? { alerts: config.alerts } : {}),
          ...(config.streams ? { streams: config.streams } : {}),
          ...(config.connectionsPerAddress === undefined
            ? {}
            : { limits: { maxConnectionsPerAddress: config.connectionsPerAddress } }),
        },
        systemClock(),
        loggers,
      );
      // An error that escapes every handler is a defect: logged, work in flight recorded, exit 70.
      const unhandle = handleCrashes({
        source: process,
        logger: loggers.for('server'),
        stderr: io.stderr,
        stop: () => server.close(0),
        exit: (code) => process.exit(code),
      });
      io.stdout(
        `berth serve: listening on ${server.addresses.join(' and ')} (workspace ${config.workspace})\n`,
      );
      if (server.setupTokenFile) {
        const token = readFileSync(server.setupTokenFile, 'utf8').trim();
        io.stdout(
          [
            'first start: there is no user yet, and no default password.',
            `one-time setup token (also in ${server.setupTokenFile}, mode 0600, valid 24h): ${token}`,
            `create the admin with it: open ${server.addresses[0]}/ in a browser (it leads to the setup form), or`,
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
      unhandle();
      setExit(ExitCode.Ok);
    });
}
