import { once } from 'node:events';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { request as httpRequest, type IncomingHttpHeaders } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { getRequestListener } from '@hono/node-server';
import { afterEach, describe, expect, it } from 'vitest';
import { selfSigned } from '../../test/support/health/certs.js';
import { HSTS, hostAllowed, httpListener, type ListenConfig } from './listener.js';

// The listener on real sockets: 127.0.0.1 on a free port and a unix socket in a temp folder.

const cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'berth-listener-'));
  cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

/** A listener over a handler that answers `ok`, or streams for `streamMs` on /stream. */
async function start(config: Partial<ListenConfig> = {}, streamMs = 0) {
  const handler = getRequestListener(async (req) => {
    if (new URL(req.url).pathname !== '/stream') return new Response('ok');
    const body = new ReadableStream<Uint8Array>({
      async start(controller) {
        const end = Date.now() + streamMs;
        while (Date.now() < end) {
          controller.enqueue(new TextEncoder().encode('data: tick\n\n'));
          await new Promise((done) => setTimeout(done, 100));
        }
        controller.close();
      },
    });
    return new Response(body, { headers: { 'Content-Type': 'text/event-stream' } });
  });
  const listener = httpListener({ host: '127.0.0.1', port: 0, ...config }, handler, () => {});
  await listener.start();
  cleanups.push(async () => {
    await listener.close?.();
  });
  return listener;
}

interface Answer {
  readonly status: number;
  readonly headers: IncomingHttpHeaders;
  readonly body: string;
}

function get(
  target: { url?: string; socketPath?: string },
  options: { host?: string; path?: string; tls?: boolean } = {},
): Promise<Answer> {
  const url = target.url ? new URL(target.url) : undefined;
  const send = options.tls ? httpsRequest : httpRequest;
  return new Promise((resolve, reject) => {
    send(
      {
        ...(url ? { hostname: url.hostname, port: url.port } : { socketPath: target.socketPath }),
        path: options.path ?? '/',
        headers: options.host === undefined ? {} : { host: options.host },
        ...(options.tls ? { rejectUnauthorized: false } : {}),
      },
      (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => {
          body += chunk;
        });
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
      },
    )
      .on('error', reject)
      .end();
  });
}

describe('the Host allow-list', () => {
  it('accepts localhost, *.localhost and IP addresses, and the listed names, with any port', () => {
    const allowed = ['berth.example.com', '.internal'];
    for (const host of [
      'localhost',
      'localhost:7300',
      'app.localhost:80',
      '127.0.0.1:7300',
      '[::1]:7300',
      '[::1]',
      '10.1.2.3',
      'Berth.Example.COM.:443',
      'internal',
      'ci.internal:7300',
      undefined,
    ]) {
      expect(hostAllowed(host, allowed), String(host)).toBe(true);
    }
    for (const host of [
      'evil.example',
      'berth.example.com.evil.example',
      'xberth.example.com',
      'localhost.evil.example',
      'internal.evil',
      '',
      'a b',
      'berth.example.com:port',
      '[::1',
    ]) {
      expect(hostAllowed(host, allowed), host).toBe(false);
    }
    expect(hostAllowed('anything.example', ['*'])).toBe(true);
  });

  it('refuses another name over TCP with 421 and a problem naming the setting; the unix socket is not checked', async () => {
    const dir = tempDir();
    const socketPath = join(dir, 'berth.sock');
    const listener = await start({ socketPath, allowedHosts: ['berth.example.com'] });
    const url = listener.addresses[0] ?? '';
    const port = new URL(url).port;

    const rebound = await get({ url }, { host: `rebind.evil.example:${port}` });
    expect(rebound.status).toBe(421);
    expect(rebound.headers['content-type']).toBe('application/problem+json');
    const problem = JSON.parse(rebound.body) as { code: string; status: number; hint: string };
    expect(problem).toMatchObject({ code: 'HOST_NOT_ALLOWED', status: 421 });
    expect(problem.hint).toContain('allowedHosts');
    expect(rebound.body).not.toContain('ok');

    for (const host of [`localhost:${port}`, `127.0.0.1:${port}`, `[::1]:${port}`, 'berth.example.com']) {
      const res = await get({ url }, { host });
      expect([host, res.status, res.body]).toEqual([host, 200, 'ok']);
    }
    expect((await get({ socketPath }, { host: 'rebind.evil.example' })).status).toBe(200);
  });

  it('accepts the name it listens on', async () => {
    const listener = await start({ host: 'localhost' });
    const url = listener.addresses[0] ?? '';
    expect((await get({ url }, { host: 'localhost' })).status).toBe(200);
  });
});

describe('HSTS', () => {
  it('is sent under TLS only', async () => {
    const dir = tempDir();
    const { key, cert } = await selfSigned('localhost', 1);
    writeFileSync(join(dir, 'key.pem'), key);
    writeFileSync(join(dir, 'cert.pem'), cert);
    const tls = await start({ tls: { certFile: join(dir, 'cert.pem'), keyFile: join(dir, 'key.pem') } });
    const secure = await get({ url: tls.addresses[0] ?? '' }, { tls: true });
    expect(secure.status).toBe(200);
    expect(secure.headers['strict-transport-security']).toBe('max-age=31536000');
    expect(HSTS).toBe('max-age=31536000');

    const plain = await start();
    expect(
      (await get({ url: plain.addresses[0] ?? '' })).headers['strict-transport-security'],
    ).toBeUndefined();
  });
});

describe('timeouts and caps', () => {
  it('ends a client that sends its headers too slowly with 408', async () => {
    const listener = await start({ limits: { headersTimeoutMs: 300, requestTimeoutMs: 300 } });
    const { port } = new URL(listener.addresses[0] ?? '');
    const socket = connect(Number(port), '127.0.0.1');
    await once(socket, 'connect');
    socket.write('GET / HTTP/1.1\r\nHost: localhost\r\n');
    let received = '';
    socket.on('data', (chunk: Buffer) => {
      received += chunk.toString();
    });
    const started = Date.now();
    await once(socket, 'close');
    expect(received).toMatch(/^HTTP\/1\.1 408/);
    expect(Date.now() - started).toBeLessThan(5000);
  });

  it('lets a response stream longer than the request timeout', async () => {
    const listener = await start({ limits: { headersTimeoutMs: 300, requestTimeoutMs: 300 } }, 1200);
    const res = await get({ url: listener.addresses[0] ?? '' }, { path: '/stream' });
    expect(res.status).toBe(200);
    expect(res.body.split('data: tick').length - 1).toBeGreaterThanOrEqual(8);
  });

  it('closes connections beyond the cap', async () => {
    const listener = await start({ limits: { maxConnections: 1 } });
    const { port } = new URL(listener.addresses[0] ?? '');
    const first = connect(Number(port), '127.0.0.1');
    await once(first, 'connect');
    cleanups.push(() => {
      first.destroy();
    });
    // Give the server the time to count the first connection.
    await new Promise((done) => setTimeout(done, 50));
    const second = connect(Number(port), '127.0.0.1');
    second.on('error', () => {});
    second.write('GET / HTTP/1.1\r\nHost: localhost\r\n\r\n');
    let received = '';
    second.on('data', (chunk: Buffer) => {
      received += chunk.toString();
    });
    await once(second, 'close');
    expect(received).toBe('');
  });
});
