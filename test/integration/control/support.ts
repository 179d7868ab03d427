import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Engine, EngineEvent } from '../../../src/engine/model.js';
import { berth, type CliRun } from '../../support/cli.js';
import { type ServeChild, serveOver } from '../../support/serve-process.js';
import { SseReader } from '../../support/sse.js';

/**
 * A `berth serve` child over a workspace, plus the CLI (in-process) logged in to it as an admin.
 * Every CLI output and every HTTP body read through `fetchText` is kept in `seen`, so a test can
 * check that no planted secret ever came out.
 */
export interface ControlHarness {
  readonly server: ServeChild;
  readonly stateDir: string;
  readonly configDir: string;
  readonly adminPassword: string;
  readonly seen: string[];
  cli(argv: string[], stdin?: string): Promise<CliRun>;
  /** The saved API token of the logged-in admin. */
  token(): string;
  fetchText(
    path: string,
    init?: RequestInit & { token?: string | null },
  ): Promise<{ status: number; body: string }>;
  stop(): Promise<number | null>;
  cleanup(): void;
}

export async function startControl(options: {
  workspace: string;
  env: Record<string, string>;
  args?: string[];
}): Promise<ControlHarness> {
  const stateDir = mkdtempSync(join(tmpdir(), 'berth-control-state-'));
  const configDir = mkdtempSync(join(tmpdir(), 'berth-control-config-'));
  const adminPassword = `admin-${Math.random().toString(36).slice(2)}-${Date.now()}`;
  const server = await serveOver(
    { home: configDir, stateDir, workspace: options.workspace },
    {
      ...(options.args ? { args: options.args } : {}),
      env: {
        BERTH_LOG_LEVEL: 'debug',
        ...(process.env.DOCKER_HOST ? { DOCKER_HOST: process.env.DOCKER_HOST } : {}),
        ...options.env,
      },
    },
  );
  const seen: string[] = [];
  const cliEnv = { XDG_CONFIG_HOME: configDir, HOME: configDir };
  const cli = async (argv: string[], stdin?: string) => {
    const run = await berth(argv, {
      cwd: options.workspace,
      env: cliEnv,
      ...(stdin !== undefined ? { stdin } : {}),
    });
    seen.push(run.stdout, run.stderr);
    return run;
  };
  const init = await cli(
    [
      'admin',
      'init',
      server.url,
      '--username',
      'root',
      '--setup-token-file',
      join(stateDir, 'setup-token'),
      '--password-stdin',
    ],
    adminPassword,
  );
  if (init.code !== 0) throw new Error(`admin init failed: ${init.stdout}${init.stderr}`);
  const { readFileSync } = await import('node:fs');
  const credentials = JSON.parse(readFileSync(join(configDir, 'berth', 'credentials.json'), 'utf8')) as {
    token: string;
  };
  return {
    server,
    stateDir,
    configDir,
    adminPassword,
    seen,
    cli,
    token: () => credentials.token,
    fetchText: async (path, init = {}) => {
      const { token, ...rest } = init;
      const headers = new Headers(rest.headers);
      const bearer = token === undefined ? credentials.token : token;
      if (bearer !== null) headers.set('authorization', `Bearer ${bearer}`);
      const res = await fetch(`${server.url}${path}`, { ...rest, headers });
      const body = await res.text();
      seen.push(body);
      return { status: res.status, body };
    },
    stop: () => server.stop('SIGTERM'),
    cleanup: () => {
      for (const dir of [stateDir, configDir]) rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** An event of the stream, as the tests read it. */
export interface StreamedEvent {
  readonly id: number;
  readonly kind: string;
  readonly type: string;
  readonly stack?: string;
  readonly message: string;
}

/** Reads an SSE body until `until` is true for an event (or the stream ends), each wait bounded. */
export async function readEvents(
  url: string,
  token: string,
  until: (event: StreamedEvent) => boolean,
  timeoutMs = 30_000,
): Promise<StreamedEvent[]> {
  const res = await fetch(url, { headers: { authorization: `Bearer ${token}` } });
  const sse = new SseReader(res);
  const events: StreamedEvent[] = [];
  try {
    for (let m = await sse.next(timeoutMs); m !== undefined; m = await sse.next(timeoutMs)) {
      if (m.id === undefined) continue; // gap / reset notices carry no event
      events.push(m.data as StreamedEvent);
      if (until(m.data as StreamedEvent)) break;
    }
  } finally {
    await sse.cancel().catch(() => undefined);
  }
  return events;
}

/** A workspace with one stack, named from `prefix` and the time, holding `compose`. */
export interface OneStackWorkspace {
  readonly workspace: string;
  readonly stack: string;
  remove(): void;
}

export function oneStackWorkspace(prefix: string, compose: string): OneStackWorkspace {
  const stack = `${prefix}${Date.now().toString(36)}`;
  const workspace = mkdtempSync(join(tmpdir(), `berth-${prefix}-ws-`));
  mkdirSync(join(workspace, stack));
  writeFileSync(join(workspace, stack, 'compose.yaml'), compose);
  return { workspace, stack, remove: () => rmSync(workspace, { recursive: true, force: true }) };
}

/** Stops a shutdown test's harness: its stack removed in-process (both servers are stopped by then). */
export async function stopOneStack(h: ControlHarness | undefined, ws: OneStackWorkspace | undefined) {
  if (ws) await h?.cli(['--local', 'down', ws.stack, '--volumes']).catch(() => undefined);
  await h?.stop();
  h?.cleanup();
  ws?.remove();
}

/** One service that sleeps, with a job `long` (`sleep 90`) to be caught running (shutdown, crash). */
export const LONG_JOB_COMPOSE = `services:
  app:
    image: local/busybox:1
    command: ["sleep", "600"]
    stop_signal: SIGKILL
    x-berth:
      jobs:
        long:
          schedule: "@every 24h"
          command: [sleep, "90"]
`;

/** POSTs `{}` as JSON to a path of the harness's server. */
export const postJson = (h: ControlHarness, path: string) =>
  h.fetchText(path, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });

/** Deploys `stack` through the API and waits until its operation finished. */
export async function deployAndWait(h: ControlHarness, stack: string): Promise<void> {
  const up = JSON.parse((await postJson(h, `/api/v1/stacks/${stack}/up`)).body) as { id: string };
  await readEvents(
    `${h.server.url}/api/v1/events?operation=${up.id}`,
    h.token(),
    (e) => e.kind === 'operation' && e.type === 'finished',
    120_000,
  );
}

/** The engine's events for one container from now on; `until` resolves at the first that matches. */
export function engineEvents(engine: Engine, name: string) {
  const controller = new AbortController();
  const seen: EngineEvent[] = [];
  const waiters: Array<{ match: (e: EngineEvent) => boolean; resolve: () => void }> = [];
  const stream = engine.events.stream(
    { filters: { types: ['container'], containers: [name] }, since: Date.now() - 1000 },
    controller.signal,
  );
  const reading = (async () => {
    try {
      for await (const event of stream) {
        seen.push(event);
        for (const w of waiters.filter((w) => w.match(event))) w.resolve();
      }
    } catch (error: unknown) {
      if (!controller.signal.aborted) throw error;
    }
  })();
  return {
    until: (match: (e: EngineEvent) => boolean, what: string) =>
      Promise.race([
        new Promise<void>((resolve) => {
          if (seen.some(match)) resolve();
          else waiters.push({ match, resolve });
        }),
        reading.then(() => {
          throw new Error(`the engine's event stream ended before ${what}`);
        }),
        new Promise<never>((_, reject) =>
          setTimeout(() => reject(new Error(`no engine event for ${what} within 120 s`)), 120_000).unref(),
        ),
      ]),
    close: () => controller.abort(),
  };
}
