import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type RunningServer, startServer } from '../../src/app/serve.js';
import { main } from '../../src/cli/main.js';
import { systemClock } from '../../src/clock.js';
import { quietLoggers } from './quiet-loggers.js';

// Test-only: a real `berth serve` in-process (127.0.0.1, port 0, and a unix socket; temp state and
// workspace; no Docker needed) and the CLI run in-process against it with its own config folder.

const quiet = quietLoggers();

export const ADMIN_PASSWORD = 'harbor-quartz-lantern-mosaic';
export const USER_PASSWORD = 'violet-ember-tidal-drum';

export interface TestServer {
  readonly url: string;
  readonly socketUrl: string;
  readonly setupTokenFile: string;
  /** A temp folder for this test: the CLI's XDG_CONFIG_HOME is `<root>/config`. */
  readonly root: string;
  close(): Promise<void>;
}

export async function startTestServer(): Promise<TestServer> {
  const root = mkdtempSync(join(tmpdir(), 'berth-cli-remote-'));
  writeFileSync(join(root, 'compose.yaml'), 'services:\n  web:\n    image: nginx:1.27\n');
  let server: RunningServer;
  try {
    server = await startServer(
      {
        host: '127.0.0.1',
        port: 0,
        socketPath: join(root, 'berth.sock'),
        stateDir: join(root, 'state'),
        workspace: root,
        dockerHost: 'unix:///nonexistent/berth-cli-test.sock',
        env: {},
        version: 'test',
      },
      systemClock(),
      quiet,
    );
  } catch (error) {
    rmSync(root, { recursive: true, force: true });
    throw error;
  }
  return {
    url: server.addresses[0] ?? '',
    socketUrl: server.addresses[1] ?? '',
    setupTokenFile: server.setupTokenFile ?? '',
    root,
    close: async () => {
      await server.close();
      rmSync(root, { recursive: true, force: true });
    },
  };
}

export interface CliRun {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** The CLI in-process; `stdin` is what standard input holds (absent: the command cannot read it). */
export async function run(
  server: Pick<TestServer, 'root'>,
  argv: string[],
  options: { stdin?: string; env?: Record<string, string> } = {},
): Promise<CliRun> {
  let stdout = '';
  let stderr = '';
  const stdin = options.stdin;
  const code = await main(argv, {
    stdout: (t) => {
      stdout += t;
    },
    stderr: (t) => {
      stderr += t;
    },
    env: { HOME: server.root, XDG_CONFIG_HOME: join(server.root, 'config'), ...options.env },
    cwd: server.root,
    ...(stdin === undefined ? {} : { readStdin: async () => stdin }),
  });
  return { code, stdout, stderr };
}

export const credentialsFile = (server: Pick<TestServer, 'root'>): string =>
  join(server.root, 'config', 'berth', 'credentials.json');

/** `berth admin init` as `admin`, which leaves a saved login; returns that run. */
export async function initAdmin(server: TestServer): Promise<CliRun> {
  return run(
    server,
    [
      'admin',
      'init',
      server.url,
      '--username',
      'admin',
      '--setup-token-file',
      server.setupTokenFile,
      '--password-stdin',
    ],
    { stdin: `${ADMIN_PASSWORD}\n` },
  );
}

/** The saved login's token (tests only: the CLI never prints it). */
export const savedToken = (server: Pick<TestServer, 'root'>): string =>
  (JSON.parse(readFileSync(credentialsFile(server), 'utf8')) as { token: string }).token;
