import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { listenError } from './listen-error.js';
import { httpListener } from './listener.js';

// Listening where it cannot, on real sockets: a port another server holds, a socket in a folder that
// is not there. Each failure is a coded error saying what and where, and leaves nothing listening.

const cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

/** A port on 127.0.0.1 held by another server until the test ends. */
async function occupiedPort(): Promise<number> {
  const server: Server = createServer();
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  cleanups.push(() => new Promise<void>((done) => server.close(() => done())));
  const address = server.address();
  if (typeof address !== 'object' || address === null) throw new Error('no port');
  return address.port;
}

const ok = () => undefined;

describe('httpListener failures', () => {
  it('says a port is in use by another process, and what to do', async () => {
    const port = await occupiedPort();
    const listener = httpListener({ host: '127.0.0.1', port }, ok, ok);
    await expect(listener.bind()).rejects.toMatchObject({
      name: 'ListenError',
      code: 'ADDRESS_IN_USE',
      message: `127.0.0.1:${port} is in use by another process`,
      hint: expect.stringContaining('pick another port with --port'),
    });
    // start() binds too, and fails the same way.
    await expect(listener.start()).rejects.toMatchObject({ code: 'ADDRESS_IN_USE' });
  });

  it('names the missing folder of a socket (the system calls it EACCES), and frees the TCP port', async () => {
    const root = mkdtempSync(join(tmpdir(), 'berth-listen-error-'));
    cleanups.push(() => rmSync(root, { recursive: true, force: true }));
    const socketPath = join(root, 'missing', 'b.sock');
    const listener = httpListener({ host: '127.0.0.1', port: 0, socketPath }, ok, ok);
    await expect(listener.bind()).rejects.toMatchObject({
      code: 'SOCKET_FOLDER_MISSING',
      message: `cannot create the socket ${socketPath}: the folder ${join(root, 'missing')} does not exist`,
    });
    // The TCP port it had taken first is given back.
    const [address] = listener.addresses;
    const port = Number(new URL(address ?? '').port);
    const again = httpListener({ host: '127.0.0.1', port }, ok, ok);
    await again.start();
    cleanups.push(async () => {
      await again.close?.();
    });
  });

  it('answers 503 between bind and start, then hands requests to the handler', async () => {
    const listener = httpListener(
      { host: '127.0.0.1', port: 0 },
      (_req, res) => {
        res.end('ok');
      },
      ok,
    );
    await listener.bind();
    cleanups.push(async () => {
      await listener.close?.();
    });
    const url = listener.addresses[0] ?? '';
    const early = await fetch(url);
    expect([
      early.status,
      early.headers.get('retry-after'),
      ((await early.json()) as { code?: string }).code,
    ]).toEqual([503, '1', 'STARTING']);
    await listener.start();
    expect(await (await fetch(url)).text()).toBe('ok');
  });
});

describe('listenError', () => {
  const refused = (code: string) => Object.assign(new Error(`listen ${code}`), { code });

  it.each([
    [
      'EACCES',
      80,
      'LISTEN_DENIED',
      'not allowed to listen on 0.0.0.0:80',
      /ports below 1024 need privileges/,
    ],
    [
      'EADDRNOTAVAIL',
      7300,
      'ADDRESS_NOT_AVAILABLE',
      'cannot listen on 0.0.0.0:7300: 0.0.0.0 is not an address of this machine',
      /--host 127\.0\.0\.1/,
    ],
    ['EMFILE', 7300, 'LISTEN_FAILED', 'cannot listen on 0.0.0.0:7300: listen EMFILE', /--host and --port/],
  ])('%s on port %d is %s', (code, port, expected, message, hint) => {
    const error = listenError(refused(code), { host: '0.0.0.0', port });
    expect([error.code, error.message]).toEqual([expected, message]);
    expect(error.hint).toMatch(hint);
  });

  it('brackets an IPv6 host, and tells a denied socket folder from a missing one', () => {
    expect(listenError(refused('EADDRINUSE'), { host: '::1', port: 7300 }).message).toBe(
      '[::1]:7300 is in use by another process',
    );
    expect(listenError(refused('EACCES'), '/run/berth/b.sock', true)).toMatchObject({
      code: 'LISTEN_DENIED',
      message: 'cannot create the socket /run/berth/b.sock: permission denied in /run/berth',
    });
  });
});
