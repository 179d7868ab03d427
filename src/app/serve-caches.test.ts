import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { afterEach, describe, expect, it } from 'vitest';
import { quietLoggers } from '../../test/support/quiet-loggers.js';
import { CSRF_HEADER, SESSION_COOKIE } from '../api/http.js';
import { systemClock } from '../clock.js';
import { SETTLE_MS } from '../compose/workspace-source.js';
import { type RunningServer, startServer } from './serve.js';

// What `berth serve` keeps between requests (token principals, the workspace behind file watchers)
// never answers from the past: over real sockets, a revoked token fails on the very next request and
// a compose file edited on disk shows in the very next stack answer.

const quiet = quietLoggers();
const cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

const COMPOSE = 'services:\n  web:\n    image: nginx:1.27\n';
const PASSWORD = 'harbor-quartz-lantern-mosaic';

async function serve(): Promise<{ server: RunningServer; url: string; workspace: string }> {
  const root = mkdtempSync(join(tmpdir(), 'berth-serve-caches-'));
  cleanups.push(() => rmSync(root, { recursive: true, force: true }));
  writeFileSync(join(root, 'compose.yaml'), COMPOSE);
  const server = await startServer(
    {
      host: '127.0.0.1',
      port: 0,
      stateDir: join(root, 'state'),
      workspace: root,
      dockerHost: 'unix:///nonexistent/berth-serve-caches.sock',
      env: {},
      version: 'test',
    },
    systemClock(),
    quiet,
  );
  cleanups.push(() => server.close());
  return { server, url: server.addresses[0] ?? '', workspace: root };
}

async function json(url: string, init: RequestInit & { headers?: Record<string, string> } = {}) {
  const response = await fetch(url, {
    ...init,
    headers: { ...(init.body ? { 'content-type': 'application/json' } : {}), ...init.headers },
  });
  return { status: response.status, body: (await response.json()) as Record<string, unknown>, response };
}

/** Setup, a session, and a viewer token. */
async function signIn(server: RunningServer, url: string) {
  const setupToken = readFileSync(server.setupTokenFile ?? '', 'utf8').trim();
  const credentials = { username: 'admin', password: PASSWORD };
  const post = (path: string, body: unknown, headers: Record<string, string> = {}) =>
    json(`${url}${path}`, { method: 'POST', body: JSON.stringify(body), headers });
  expect((await post('/api/v1/setup', { token: setupToken, ...credentials })).status).toBe(201);
  const login = await post('/api/v1/login', credentials);
  const cookie = login.response.headers
    .getSetCookie()
    .map((c) => c.split(';')[0] ?? '')
    .find((c) => c.startsWith(`${SESSION_COOKIE}=`));
  const session = { cookie: cookie ?? '', [CSRF_HEADER]: String(login.body.csrfToken) };
  const created = await post('/api/v1/tokens', { name: 'ci', role: 'viewer', expiresInDays: 1 }, session);
  expect(created.status).toBe(201);
  return { session, token: String(created.body.token), tokenId: String(created.body.id) };
}

describe('berth serve keeps nothing past a change', () => {
  it('refuses a revoked token on the next request', async () => {
    const { server, url } = await serve();
    const { session, token, tokenId } = await signIn(server, url);
    const bearer = { authorization: `Bearer ${token}` };
    for (let i = 0; i < 3; i++)
      expect((await json(`${url}/api/v1/stacks`, { headers: bearer })).status).toBe(200);
    const revoked = await fetch(`${url}/api/v1/tokens/${tokenId}`, { method: 'DELETE', headers: session });
    expect(revoked.status).toBeLessThan(300);
    expect((await json(`${url}/api/v1/stacks`, { headers: bearer })).status).toBe(401);
  });

  it('shows a compose file edited on disk in the next stack answer', async () => {
    const { server, url, workspace } = await serve();
    const { token } = await signIn(server, url);
    const bearer = { authorization: `Bearer ${token}` };
    const services = async () => {
      const stacks = await json(`${url}/api/v1/stacks`, { headers: bearer });
      const name = String((stacks.body.items as { name: string }[])[0]?.name);
      return (await json(`${url}/api/v1/stacks/${name}`, { headers: bearer })).body.services;
    };
    // Files changed within the settle time are checked on every request: wait them out, so that the
    // answers come from the watchers, as they do on a server that has been running.
    await delay(SETTLE_MS + 100);
    expect(await services()).toEqual(['web']);
    expect(await services()).toEqual(['web']);
    for (const extra of ['db', 'cache']) {
      const current = readFileSync(join(workspace, 'compose.yaml'), 'utf8');
      writeFileSync(join(workspace, 'compose.yaml'), `${current}  ${extra}:\n    image: redis:7\n`);
      expect(await services()).toEqual(extra === 'db' ? ['db', 'web'] : ['cache', 'db', 'web']);
    }
  });
});
