import { afterEach, describe, expect, it } from 'vitest';
import { type AuthFixture, authFixture, GOOD_PASSWORD, withAdmin } from '../../../test/support/auth.js';
import { CONTAINERS, TableStacks, tableControl } from '../../../test/support/control.js';
import { makeWorkspace, testDeps } from '../../../test/support/http-app.js';
import { SseReader } from '../../../test/support/sse.js';
import type { Grant } from '../../access/rbac.js';
import type { LogEntry } from '../../api/deploy.js';
import type { EventHub } from '../../events/hub.js';
import { openMemoryStore } from '../../store/index.js';
import { createApp } from '../app.js';
import { authServiceAuthenticator } from '../authenticator.js';

// Open streams follow the auth store: a revoked token, a deleted user, a logout, an expiry or a
// removed grant ends (or, for the events stream's stacks, narrows) what a stream already open sends.

/** Logs that follow: each pushed line is sent, until the request's signal aborts. */
class FollowStacks extends TableStacks {
  private readonly waiting: Array<(entry: LogEntry | undefined) => void> = [];
  private readonly queued: LogEntry[] = [];
  logSignal?: AbortSignal;

  push(line: string): void {
    const entry: LogEntry = { container: 'alpha-web-1', service: 'web', stream: 'stdout', line };
    const next = this.waiting.shift();
    if (next) next(entry);
    else this.queued.push(entry);
  }

  override async *logs(
    stack: string,
    options: { service?: string; signal?: AbortSignal },
  ): AsyncIterable<LogEntry> {
    yield* super.logs(stack, {});
    const signal = options.signal;
    this.logSignal = signal;
    while (signal?.aborted !== true) {
      const entry =
        this.queued.shift() ??
        (await new Promise<LogEntry | undefined>((resolve) => {
          this.waiting.push(resolve);
          signal?.addEventListener('abort', () => resolve(undefined), { once: true });
        }));
      if (entry === undefined) return;
      yield entry;
    }
  }
}

/** Reads NDJSON lines as they come; every wait is bounded. */
class LineReader {
  private readonly reader: ReadableStreamDefaultReader<Uint8Array>;
  private readonly decoder = new TextDecoder();
  private buffer = '';
  done = false;

  constructor(res: Response) {
    if (!res.body) throw new Error('no body');
    this.reader = res.body.getReader();
  }

  // biome-ignore lint/suspicious/noExplicitAny: tests read lines field by field
  async next(timeoutMs = 2000): Promise<any> {
    for (;;) {
      const end = this.buffer.indexOf('\n');
      if (end !== -1) {
        const line = this.buffer.slice(0, end);
        this.buffer = this.buffer.slice(end + 1);
        return JSON.parse(line);
      }
      if (this.done) return undefined;
      let timer: NodeJS.Timeout | undefined;
      const timeout = new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error(`no line within ${timeoutMs} ms`)), timeoutMs);
      });
      const result = await Promise.race([this.reader.read(), timeout]).finally(() => clearTimeout(timer));
      if (result.done) this.done = true;
      else this.buffer += this.decoder.decode(result.value, { stream: true });
    }
  }

  // biome-ignore lint/suspicious/noExplicitAny: tests read lines field by field
  async rest(): Promise<any[]> {
    const out = [];
    for (let line = await this.next(); line !== undefined; line = await this.next()) out.push(line);
    return out;
  }
}

let a: AuthFixture;
const cleanups: Array<() => void> = [];
afterEach(() => {
  for (const cleanup of cleanups.splice(0)) cleanup();
});

async function fixture(options: { heartbeatMs?: number } = {}) {
  a = authFixture();
  const adminId = await withAdmin(a);
  const workspace = makeWorkspace();
  const store = openMemoryStore({ now: () => new Date() });
  const stacks = new FollowStacks(CONTAINERS);
  const control = tableControl(store, stacks, { heartbeatMs: options.heartbeatMs ?? 60_000 });
  const app = createApp(
    testDeps({
      root: workspace.root,
      authenticator: authServiceAuthenticator(a.auth),
      control,
      authRoutes: { auth: a.auth, auditLog: a.auditLog, clock: a.clock, secureCookies: false },
    }),
  );
  cleanups.push(
    () => store.close(),
    () => workspace.cleanup(),
    () => a.cleanup(),
  );
  const admin = a.auth.createToken(adminId, { name: 'admin', role: 'admin', expiresInDays: 30 }).token;
  const as = (token: string, method: string, path: string, body?: unknown) =>
    app.request(path, {
      method,
      headers: {
        Authorization: `Bearer ${token}`,
        ...(body === undefined ? {} : { 'Content-Type': 'application/json' }),
      },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
  /** A user with these grants and a token of `role`; returns the token and its id. */
  const user = async (username: string, grants: Grant[], role: Grant['role'] = 'viewer') => {
    const created = await a.auth.createUser({ username, password: GOOD_PASSWORD, grants });
    const token = a.auth.createToken(created.id, { name: 'cli', role, expiresInDays: 1 });
    return { id: created.id, token: token.token, tokenId: token.id };
  };
  return { app, stacks, hub: control.hub as EventHub, admin, as, user };
}

const publish = (hub: EventHub, stack: string, message: string) =>
  hub.publish({ kind: 'container', type: 'start', stack, message });

describe('an open logs stream', () => {
  it('ends with an AUTH_REVOKED line, and stops following, when its user is deleted', async () => {
    const f = await fixture();
    const olga = await f.user('olga', [{ role: 'operator', stack: 'alpha' }], 'operator');
    const res = await f.as(olga.token, 'GET', '/api/v1/stacks/alpha/logs?follow=true&tail=0');
    expect(res.status).toBe(200);
    const lines = new LineReader(res);
    f.stacks.push('before');
    const seen = [await lines.next(), await lines.next(), await lines.next()];
    expect(seen.map((l) => l.line)).toEqual([
      'hello from alpha-web-1',
      'hello from alpha-worker-1',
      'before',
    ]);

    expect((await f.as(f.admin, 'DELETE', '/api/v1/users/olga')).status).toBe(200);
    f.stacks.push('secret after the deletion');
    const rest = await lines.rest();
    expect(rest).toEqual([{ error: expect.objectContaining({ code: 'AUTH_REVOKED' }) }]);
    expect(lines.done).toBe(true);
    // The engine's follow was stopped, and the token no longer answers.
    expect(f.stacks.logSignal?.aborted).toBe(true);
    expect((await f.as(olga.token, 'GET', '/api/v1/whoami')).status).toBe(401);
  });

  it('ends with FORBIDDEN when its user loses the operator role on the stack', async () => {
    const f = await fixture();
    const olga = await f.user('olga', [{ role: 'operator' }], 'operator');
    const lines = new LineReader(await f.as(olga.token, 'GET', '/api/v1/stacks/alpha/logs?follow=true'));
    await lines.next();
    const put = await f.as(f.admin, 'PUT', '/api/v1/users/olga/grants', { grants: [{ role: 'viewer' }] });
    expect(put.status).toBe(200);
    f.stacks.push('secret after the demotion');
    const rest = await lines.rest();
    expect(rest.at(-1)).toEqual({ error: expect.objectContaining({ code: 'FORBIDDEN' }) });
    expect(rest.map((l) => l.line)).not.toContain('secret after the demotion');
  });

  it('keeps going when a change leaves its access as it was', async () => {
    const f = await fixture();
    const olga = await f.user('olga', [{ role: 'operator', stack: 'alpha' }], 'operator');
    await f.user('other', [{ role: 'viewer' }]);
    const lines = new LineReader(await f.as(olga.token, 'GET', '/api/v1/stacks/alpha/logs?follow=true'));
    await lines.next();
    await lines.next();
    expect((await f.as(f.admin, 'DELETE', '/api/v1/users/other')).status).toBe(200);
    f.stacks.push('still mine');
    expect((await lines.next()).line).toBe('still mine');
  });
});

describe('an open events stream', () => {
  it('ends with an `error` event AUTH_REVOKED when its token is revoked', async () => {
    const f = await fixture();
    const vera = await f.user('vera', [{ role: 'viewer' }]);
    const res = await f.as(vera.token, 'GET', '/api/v1/events');
    expect(res.status).toBe(200);
    const sse = new SseReader(res);
    publish(f.hub, 'alpha', 'e1');
    expect((await sse.next())?.data.message).toBe('e1');

    // Revoked by itself (as `berth logout` does); a session of its owner could too.
    expect((await f.as(vera.token, 'DELETE', `/api/v1/tokens/${vera.tokenId}`)).status).toBe(200);
    publish(f.hub, 'alpha', 'after the revocation');
    const rest = await sse.rest();
    expect(rest.map((m) => [m.event, m.data.code])).toEqual([['error', 'AUTH_REVOKED']]);
    expect(rest[0]?.data).toEqual({
      code: 'AUTH_REVOKED',
      message: expect.stringContaining('no longer valid'),
      hint: expect.any(String),
    });
    expect(sse.done).toBe(true);
    expect(f.hub.subscribers).toBe(0);
  });

  it('ends when the session that opened it logs out', async () => {
    const f = await fixture();
    await f.user('vera', [{ role: 'viewer' }]);
    const login = await f.app.request('/api/v1/login', {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ username: 'vera', password: GOOD_PASSWORD }),
    });
    expect(login.status).toBe(200);
    const cookie = (login.headers.get('set-cookie') ?? '').split(';')[0] ?? '';
    const { csrfToken } = (await login.json()) as { csrfToken: string };
    const sse = new SseReader(await f.app.request('/api/v1/events', { headers: { Cookie: cookie } }));
    publish(f.hub, 'alpha', 'e1');
    expect((await sse.next())?.data.message).toBe('e1');
    const out = await f.app.request('/api/v1/logout', {
      method: 'POST',
      headers: { Cookie: cookie, 'X-CSRF-Token': csrfToken },
    });
    expect(out.status).toBe(200);
    expect((await sse.rest()).map((m) => [m.event, m.data.code])).toEqual([['error', 'AUTH_REVOKED']]);
  });

  it("stops sending a stack's events once its user's grant on that stack is removed, and goes on with the others", async () => {
    const f = await fixture();
    const vera = await f.user('vera', [
      { role: 'viewer', stack: 'alpha' },
      { role: 'viewer', stack: 'beta' },
    ]);
    const sse = new SseReader(await f.as(vera.token, 'GET', '/api/v1/events'));
    publish(f.hub, 'alpha', 'alpha 1');
    expect((await sse.next())?.data.message).toBe('alpha 1');

    const grants = { grants: [{ role: 'viewer', stack: 'beta' }] };
    expect((await f.as(f.admin, 'PUT', '/api/v1/users/vera/grants', grants)).status).toBe(200);
    publish(f.hub, 'alpha', 'alpha 2');
    publish(f.hub, 'beta', 'beta 1');
    expect((await sse.next())?.data.message).toBe('beta 1');
    await sse.cancel();
  });

  it('asked for one stack, ends with FORBIDDEN when the grant on that stack is removed', async () => {
    const f = await fixture();
    const vera = await f.user('vera', [
      { role: 'viewer', stack: 'alpha' },
      { role: 'viewer', stack: 'beta' },
    ]);
    const sse = new SseReader(await f.as(vera.token, 'GET', '/api/v1/events?stack=alpha'));
    publish(f.hub, 'alpha', 'alpha 1');
    expect((await sse.next())?.data.message).toBe('alpha 1');
    const grants = { grants: [{ role: 'viewer', stack: 'beta' }] };
    expect((await f.as(f.admin, 'PUT', '/api/v1/users/vera/grants', grants)).status).toBe(200);
    publish(f.hub, 'alpha', 'alpha 2');
    expect((await sse.rest()).map((m) => [m.event, m.data.code ?? m.data.message])).toEqual([
      ['error', 'FORBIDDEN'],
    ]);
  });

  it('ends at the first heartbeat after its token expired', async () => {
    const f = await fixture({ heartbeatMs: 5 });
    const vera = await f.user('vera', [{ role: 'viewer' }]);
    const sse = new SseReader(await f.as(vera.token, 'GET', '/api/v1/events'));
    publish(f.hub, 'alpha', 'e1');
    expect((await sse.next())?.data.message).toBe('e1');
    // Still valid: heartbeats go on.
    expect(await sse.frame()).toEqual({ comment: 'keep-alive' });
    a.clock.advance(86_400_000);
    const rest = await sse.rest();
    expect(rest.map((m) => [m.event, m.data.code])).toEqual([['error', 'AUTH_REVOKED']]);
  });
});
