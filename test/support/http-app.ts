import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Grant, Principal } from '../../src/access/rbac.js';
import type { Role } from '../../src/access/roles.js';
import type { ReadinessCheck } from '../../src/api/system.js';
import { builtinXBerthRegistry } from '../../src/app/registry.js';
import type { LoadOptions } from '../../src/compose/stack.js';
import { workspaceLoads, workspaceStacks, workspaceValidator } from '../../src/compose/workspace-source.js';
import { workspaceUnreadable } from '../../src/deploy/stack-source.js';
import { createMetrics } from '../../src/metrics/registry.js';
import { type AppDeps, createApp } from '../../src/server/app.js';
import { authServiceAuthenticator } from '../../src/server/authenticator.js';
import type { Authenticator } from '../../src/server/context.js';
import type { AuthRouteDeps } from '../../src/server/routes/auth.js';
import type { ControlDeps } from '../../src/server/routes/control.js';
import type { Route } from '../../src/server/routes/registry.js';
import { type AuditLogStore, type DeploymentStore, openMemoryStore } from '../../src/store/index.js';
import type { AuthFixture } from './auth.js';

/** Test-only: a principal with these grants, reachable through `Authorization: Bearer <name>`. */
export function principal(name: string, grants: readonly Grant[], extra: Partial<Principal> = {}): Principal {
  return { kind: 'token', userId: `u-${name}`, name, grants, ...extra };
}

export interface TestSession {
  readonly principal: Principal;
  readonly csrf: string;
}

/**
 * An Authenticator over fixed tables: bearer tokens are the keys of `tokens`, session cookies the
 * keys of `sessions`. Same contract as the real adapter: undefined for anything unknown.
 */
export function tableAuthenticator(
  tokens: Readonly<Record<string, Principal>>,
  sessions: Readonly<Record<string, TestSession>> = {},
): Authenticator {
  return {
    principalFor({ authorization, sessionCookie }) {
      const bearer = /^Bearer (\S+)$/.exec(authorization ?? '')?.[1];
      if (bearer !== undefined) return Object.hasOwn(tokens, bearer) ? tokens[bearer] : undefined;
      if (sessionCookie !== undefined && Object.hasOwn(sessions, sessionCookie)) {
        const session = sessions[sessionCookie];
        return session ? { ...session.principal, kind: 'user', sessionId: sessionCookie } : undefined;
      }
      return undefined;
    },
    checkCsrf(sessionId, csrf) {
      const session = Object.hasOwn(sessions, sessionId) ? sessions[sessionId] : undefined;
      return session !== undefined && csrf !== undefined && csrf === session.csrf;
    },
    // The tables never change: a principal stays what it was.
    current: (principal) => principal,
    onChange: () => () => {},
  };
}

/** A clock that moves 7 ms each time it is read: request durations are non-zero and deterministic. */
export function steppingClock(): { now(): Date } {
  let ms = Date.UTC(2025, 0, 1);
  return {
    now: () => {
      ms += 7;
      return new Date(ms);
    },
  };
}

/** A workspace on disk: alpha and beta in the catalog with metadata, gamma without, delta invalid. */
export function makeWorkspace(): { root: string; cleanup: () => void } {
  const root = mkdtempSync(join(tmpdir(), 'berth-server-'));
  const stack = (name: string, compose: string) => {
    mkdirSync(join(root, name));
    writeFileSync(join(root, name, 'compose.yaml'), compose);
  };
  stack('alpha', 'services:\n  web:\n    image: nginx:1.27\n  worker:\n    image: busybox:1.36\n');
  stack('beta', 'services:\n  api:\n    image: nginx:1.27\n');
  stack('gamma', 'services:\n  db:\n    image: postgres:16\n');
  stack('delta', 'services:\n  bad:\n    image: nginx:1.27\n    depends_on: [missing]\n');
  writeFileSync(
    join(root, 'berth.yaml'),
    [
      'stacks:',
      '  alpha:',
      '    path: alpha',
      '    group: web',
      '    owner: team-a',
      '    description: The alpha site',
      '    environment: production',
      '  beta:',
      '    path: beta',
      '    group: web',
      '    environment: staging',
      '  gamma:',
      '    path: gamma',
      '  delta:',
      '    path: delta',
      '',
    ].join('\n'),
  );
  return { root, cleanup: () => rmSync(root, { recursive: true, force: true }) };
}

export interface TestDepsOptions {
  readonly root: string;
  readonly authenticator: Authenticator;
  readonly ready?: () => Promise<readonly ReadinessCheck[]>;
  readonly logger?: AppDeps['logger'];
  readonly maxBodyBytes?: number;
  /** Mounts the setup/login/logout routes over a real auth service (see auth.ts here). */
  readonly authRoutes?: AuthRouteDeps;
  /** Where mutating calls are recorded; defaults to a private in-memory store. */
  readonly auditLog?: AuditLogStore;
  /** Mounts the stack-operation routes (see control.ts here). */
  readonly control?: ControlDeps;
  /** Where the stack list reads each stack's latest deployment; defaults to a private in-memory store. */
  readonly deployments?: Pick<DeploymentStore, 'latest'>;
}

/** Why the workspace at `root` cannot be read (as `berth serve` says it), from a cached load. */
function workspaceErrors(root: string, load: LoadOptions): () => Promise<Error | undefined> {
  const loads = workspaceLoads(root, load);
  return async () => workspaceUnreadable(await loads(), root);
}

/** Real workspace reading and validation over `root`; responses checked against their schemas. */
export function testDeps(options: TestDepsOptions): AppDeps {
  const load = { env: {}, registry: builtinXBerthRegistry() };
  let n = 0;
  const clock = steppingClock();
  const deployments = options.deployments ?? openMemoryStore(clock).deployments;
  return {
    authenticator: options.authenticator,
    auditLog: options.auditLog ?? options.authRoutes?.auditLog ?? openMemoryStore(clock).auditLog,
    metrics: createMetrics(),
    clock,
    version: '0.0.0-test',
    newRequestId: () => `req-${++n}`,
    checkResponses: true,
    ready:
      options.ready ??
      (async () => [
        { name: 'store', ok: true },
        { name: 'engine', ok: true },
      ]),
    listStacks: workspaceStacks(options.root, load),
    workspaceError: workspaceErrors(options.root, load),
    lastDeployments: (stacks) => deployments.latest(stacks),
    validate: workspaceValidator(options.root, load),
    workspaceRoot: options.root,
    ...(options.logger ? { logger: options.logger } : {}),
    ...(options.maxBodyBytes ? { maxBodyBytes: options.maxBodyBytes } : {}),
    ...(options.authRoutes ? { authRoutes: options.authRoutes } : {}),
    ...(options.control ? { control: options.control } : {}),
  };
}

/** The request a route's example describes, as `app.request` arguments. */
export function exampleRequest(
  route: Route,
  headers: Record<string, string> = {},
): { path: string; init: RequestInit } {
  let path = route.path;
  for (const [key, value] of Object.entries(route.example.params ?? {})) {
    path = path.replace(`:${key}`, encodeURIComponent(String(value)));
  }
  const query = new URLSearchParams(
    Object.entries(route.example.query ?? {}).map(([k, v]) => [k, String(v)] as [string, string]),
  ).toString();
  const init: RequestInit = { method: route.method, headers: { ...headers } };
  if (route.body) {
    init.body = JSON.stringify(route.example.body ?? {});
    init.headers = { ...headers, 'Content-Type': 'application/json' };
  }
  return { path: query ? `${path}?${query}` : path, init };
}

/** Grants of exactly `role` (or none, for "below viewer"), globally or on one stack. */
export function grantsOf(role: Role | undefined, stack?: string): Grant[] {
  if (role === undefined) return [];
  return [stack === undefined ? { role } : { role, stack }];
}

/**
 * The app over an auth fixture's real auth service and store, with no workspace: the routes of
 * setup, login, tokens, users and the audit log (unless `authRoutes` is false), answers checked
 * against their schemas. `authenticator` replaces the real one (e.g. a tableAuthenticator).
 */
export function authApp(
  f: AuthFixture,
  options: {
    authenticator?: Authenticator;
    authRoutes?: boolean;
    secureCookies?: boolean;
    /** The workspace's stack names (none by default). */
    stacks?: readonly string[];
    /** Why the workspace file cannot be read (it can, by default). */
    workspaceError?: Error;
  } = {},
) {
  return createApp({
    authenticator: options.authenticator ?? authServiceAuthenticator(f.auth),
    auditLog: f.auditLog,
    metrics: createMetrics(),
    clock: f.clock,
    version: 'test',
    checkResponses: true,
    ready: async () => [{ name: 'store', ok: true }],
    listStacks: async () =>
      (options.stacks ?? []).map((name) => ({
        name,
        group: null,
        owner: null,
        description: null,
        environment: null,
        valid: true,
        services: [],
      })),
    lastDeployments: () => new Map(),
    validate: async () => ({ files: [] }),
    workspaceRoot: '/nonexistent',
    ...(options.workspaceError ? { workspaceError: async () => options.workspaceError } : {}),
    ...(options.authRoutes === false
      ? {}
      : {
          authRoutes: {
            auth: f.auth,
            auditLog: f.auditLog,
            clock: f.clock,
            secureCookies: options.secureCookies ?? false,
          },
        }),
  });
}

/** A request to `app` as the bearer `token`, with a JSON body when one is given. */
export function requestAs(
  app: { request(path: string, init: RequestInit): Response | Promise<Response> },
  method: string,
  path: string,
  token: string,
  body?: unknown,
): Promise<Response> {
  return Promise.resolve(
    app.request(path, {
      method,
      headers: {
        Authorization: `Bearer ${token}`,
        ...(body !== undefined ? { 'Content-Type': 'application/json' } : {}),
      },
      ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
    }),
  );
}

/** requestAs, and the answer's status and JSON body (read field by field by the route tests). */
export async function callAs(
  app: { request(path: string, init: RequestInit): Response | Promise<Response> },
  method: string,
  path: string,
  token: string,
  body?: unknown,
  // biome-ignore lint/suspicious/noExplicitAny: test responses are read field by field
): Promise<{ status: number; json: any }> {
  const res = await requestAs(app, method, path, token, body);
  return { status: res.status, json: await res.json() };
}
