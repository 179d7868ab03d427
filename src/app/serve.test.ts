import {
  chmodSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { GOOD_PASSWORD } from '../../test/support/auth.js';
import { quietLoggers } from '../../test/support/quiet-loggers.js';
import { systemClock } from '../clock.js';
import { checkServeConfig, type RunningServer, type ServeConfig, startServer } from './serve.js';

// `berth serve` on real sockets: a free TCP port on 127.0.0.1 and a unix socket in a temp folder.

const quiet = quietLoggers();
const cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

function config(over: Partial<ServeConfig> = {}): ServeConfig {
  const root = mkdtempSync(join(tmpdir(), 'berth-serve-'));
  cleanups.push(() => rmSync(root, { recursive: true, force: true }));
  writeFileSync(join(root, 'compose.yaml'), 'services:\n  web:\n    image: nginx:1.27\n');
  return {
    host: '127.0.0.1',
    port: 0,
    socketPath: join(root, 'berth.sock'),
    stateDir: join(root, 'state'),
    workspace: root,
    dockerHost: 'unix:///nonexistent/berth-serve-test.sock',
    env: {},
    version: 'test',
    ...over,
  };
}

async function start(c: ServeConfig): Promise<RunningServer> {
  const server = await startServer(c, systemClock(), quiet);
  cleanups.push(() => server.close());
  return server;
}

function overSocket(socketPath: string, path: string): Promise<number> {
  return new Promise((resolve, reject) => {
    request({ socketPath, path }, (res) => {
      res.resume();
      resolve(res.statusCode ?? 0);
    })
      .on('error', reject)
      .end();
  });
}

describe('berth serve', () => {
  it('listens on TCP and a 0600 unix socket, and writes a 0600 one-time setup token on first start', async () => {
    const c = config();
    const server = await start(c);
    const http = server.addresses[0] ?? '';
    expect(http).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect((await fetch(`${http}/healthz`)).status).toBe(200);
    // No engine at the configured socket: not ready, and it says which check fails.
    const ready = await fetch(`${http}/readyz`);
    expect(ready.status).toBe(503);
    expect(statSync(c.socketPath ?? '').mode & 0o777).toBe(0o600);
    expect(await overSocket(c.socketPath ?? '', '/healthz')).toBe(200);
    expect((await fetch(`${http}/api/v1/stacks`)).status).toBe(401);

    const file = server.setupTokenFile ?? '';
    expect(statSync(file).mode & 0o777).toBe(0o600);
    const token = readFileSync(file, 'utf8').trim();
    const setup = await fetch(`${http}/api/v1/setup`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ token, username: 'admin', password: 'harbor-quartz-lantern-mosaic' }),
    });
    expect(setup.status).toBe(201);
    // The token is dead, and so is its file.
    expect(existsSync(file)).toBe(false);
    await server.close();
    expect(existsSync(c.socketPath ?? '')).toBe(false);

    // Second start: a user exists, so no setup token is issued again.
    const again = await start({ ...c, socketPath: join(c.workspace, 'again.sock') });
    expect(again.setupTokenFile).toBeUndefined();
  });

  it('tightens an existing state folder open to other users to 0700 before writing in it', async () => {
    const c = config();
    mkdirSync(c.stateDir, { mode: 0o755 });
    chmodSync(c.stateDir, 0o755);
    const server = await start(c);
    expect(statSync(c.stateDir).mode & 0o777).toBe(0o700);
    expect(statSync(server.setupTokenFile ?? '').mode & 0o777).toBe(0o600);
  });

  it('fails on a port in use before it opens the state, and a later failure frees the port and socket', async () => {
    const holder = await start(config());
    const port = Number(new URL(holder.addresses[0] ?? '').port);
    const c = config({ port });
    await expect(startServer(c, systemClock(), quiet)).rejects.toMatchObject({
      code: 'ADDRESS_IN_USE',
      message: `127.0.0.1:${port} is in use by another process`,
    });
    expect(existsSync(c.stateDir)).toBe(false);
    await holder.close();

    // The state folder cannot be made (a file is in the way): bound by then, it lets everything go.
    writeFileSync(join(c.workspace, 'plain'), '');
    await expect(
      startServer({ ...c, stateDir: join(c.workspace, 'plain', 'state') }, systemClock(), quiet),
    ).rejects.toMatchObject({ code: 'STORE_IO' });
    expect(existsSync(c.socketPath ?? '')).toBe(false);
    const again = await start(c);
    expect(again.addresses[0]).toBe(`http://127.0.0.1:${port}`);
  });

  it.each([
    [{ port: 70_000 }, /not a TCP port/],
    [
      { socketPath: '/nonexistent/dir/b.sock' },
      'the folder /nonexistent/dir of --socket /nonexistent/dir/b.sock',
    ],
    [{ tls: { certFile: '/nonexistent/cert.pem', keyFile: '/nonexistent/key.pem' } }, /TLS file/],
  ] as const)('refuses a bad configuration before opening anything (%j)', (over, message) => {
    expect(() => checkServeConfig(config(over))).toThrow(message);
  });
});

describe('berth serve with a streams section', () => {
  it('holds each user to the configured number of open streams (429 past it)', async () => {
    const server = await start(config({ streams: { perUser: 1, total: 5 } }));
    const auth = server.berth.auth();
    const user = await auth.createUser({
      username: 'viewer',
      password: GOOD_PASSWORD,
      grants: [{ role: 'viewer' }],
    });
    const { token } = auth.createToken(user.id, { name: 't', role: 'viewer', expiresInDays: 1 });
    const http = server.addresses[0] ?? '';
    const headers = { authorization: `Bearer ${token}` };
    const held = new AbortController();
    const first = await fetch(`${http}/api/v1/events`, { headers, signal: held.signal });
    expect(first.status).toBe(200);
    try {
      const second = await fetch(`${http}/api/v1/events`, { headers });
      expect(second.status).toBe(429);
      expect(second.headers.get('retry-after')).toBe('5');
      await second.body?.cancel();
    } finally {
      held.abort();
    }
  });
});
