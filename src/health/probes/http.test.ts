import { once } from 'node:events';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createServer as createHttpsServer, type Server as HttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { DAY, selfSigned } from '../../../test/support/health/certs.js';
import type { ProbeCheck } from '../probe-types.js';
import { MAX_BODY_BYTES } from './http.js';
import { type CheckContext, runCheck } from './run.js';

interface Seen {
  readonly method: string;
  readonly url: string;
  readonly headers: IncomingMessage['headers'];
  readonly body: string;
}

const servers: Array<Server | HttpsServer> = [];

afterEach(async () => {
  for (const server of servers.splice(0)) {
    server.closeAllConnections();
    server.close();
  }
});

/** A loopback server answering with `handle`; records every request it got. */
async function serve(
  handle: (req: IncomingMessage, res: ServerResponse, seen: Seen) => void,
  tls?: { key: string; cert: string },
): Promise<{ port: number; base: string; seen: Seen[] }> {
  const server = tls ? createHttpsServer(tls) : createServer();
  const seen: Seen[] = [];
  server.on('request', (req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const entry = {
        method: req.method ?? '',
        url: req.url ?? '',
        headers: req.headers,
        body: Buffer.concat(chunks).toString(),
      };
      seen.push(entry);
      handle(req, res, entry);
    });
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  servers.push(server);
  const { port } = server.address() as AddressInfo;
  return { port, base: `${tls ? 'https' : 'http'}://127.0.0.1:${port}`, seen };
}

const ctx = (over: Partial<CheckContext> = {}): CheckContext => ({
  signal: new AbortController().signal,
  timeoutMs: 5000,
  now: () => Date.now(),
  ...over,
});

const http = (url: string, over: Partial<Extract<ProbeCheck, { type: 'http' }>> = {}): ProbeCheck => ({
  type: 'http',
  target: { url },
  method: 'GET',
  headers: {},
  followRedirects: true,
  verifyTls: true,
  ...over,
});

describe('http probe', () => {
  it('measures status, body, time, address; 2xx is ok', async () => {
    const { base } = await serve((_req, res) => res.end('{"status":"UP"}'));
    const out = await runCheck(http(`${base}/health`), ctx());
    expect(out).toMatchObject({
      ok: true,
      measured: { status: 200, body: '{"status":"UP"}', connected: true, ip: '127.0.0.1' },
    });
    expect(out.error).toBeUndefined();
    expect(out.measured.responseTimeMs).toBeGreaterThanOrEqual(0);
  });

  it('fails a 5xx with the status and where, keeping what it measured', async () => {
    const { base, port } = await serve((_req, res) => {
      res.statusCode = 503;
      res.end('down');
    });
    const out = await runCheck(http(`${base}/health`), ctx());
    expect(out).toMatchObject({ ok: false, error: `HTTP 503 from http://127.0.0.1:${port}/health` });
    expect(out.measured).toMatchObject({ status: 503, body: 'down', connected: true });
  });

  it('sends the method, headers and body', async () => {
    const { base, seen } = await serve((_req, res) => res.end('ok'));
    await runCheck(
      http(`${base}/hook`, { method: 'post', headers: { 'X-Probe': 'berth' }, body: '{"ping":1}' }),
      ctx(),
    );
    expect(seen).toHaveLength(1);
    expect(seen[0]).toMatchObject({ method: 'POST', url: '/hook', body: '{"ping":1}' });
    expect(seen[0]?.headers['x-probe']).toBe('berth');
  });

  it('follows relative redirects when asked, and reports the redirect itself when not', async () => {
    const { base, seen } = await serve((req, res) => {
      if (req.url === '/a') res.writeHead(302, { location: 'b' }).end();
      else res.end(`at ${req.url}`);
    });
    const followed = await runCheck(http(`${base}/a`), ctx());
    expect(followed).toMatchObject({ ok: true, measured: { status: 200, body: 'at /b' } });
    const kept = await runCheck(http(`${base}/a`, { followRedirects: false }), ctx());
    expect(kept).toMatchObject({ ok: true, measured: { status: 302 } });
    expect(seen.map((s) => s.url)).toEqual(['/a', '/b', '/a']);
  });

  it('gives up after 10 redirects', async () => {
    const { base, seen } = await serve((req, res) => {
      const n = Number(req.url?.slice(1));
      res.writeHead(301, { location: `/${n + 1}` }).end();
    });
    const out = await runCheck(http(`${base}/0`), ctx());
    expect(out.ok).toBe(false);
    expect(out.error).toMatch(/^more than 10 redirects, the last from http:\/\/127\.0\.0\.1:\d+\/10$/);
    expect(seen).toHaveLength(11);
  });

  it('turns a POST into a GET without body after a 303, and drops credentials on another origin', async () => {
    const other = await serve((_req, res) => res.end('other'));
    const { base, seen } = await serve((_req, res) =>
      res.writeHead(303, { location: `${other.base}/x` }).end(),
    );
    const out = await runCheck(
      http(`${base}/form`, {
        method: 'POST',
        body: 'a=1',
        headers: { Authorization: 'Bearer t0ken', 'X-Keep': '1' },
      }),
      ctx(),
    );
    expect(out).toMatchObject({ ok: true, measured: { body: 'other' } });
    expect(seen[0]?.headers.authorization).toBe('Bearer t0ken');
    expect(other.seen[0]).toMatchObject({ method: 'GET', body: '' });
    expect(other.seen[0]?.headers.authorization).toBeUndefined();
    expect(other.seen[0]?.headers['x-keep']).toBe('1');
  });

  it('fails a redirect to an invalid Location, or to a server that is gone, saying where', async () => {
    const gone = await serve(() => undefined);
    servers.pop()?.close();
    const { base, port } = await serve((req, res) => {
      if (req.url === '/bad') res.writeHead(302, { location: 'http://[::1' }).end();
      else res.writeHead(302, { location: `${gone.base}/` }).end();
    });
    expect(await runCheck(http(`${base}/bad`), ctx())).toMatchObject({
      ok: false,
      error: `http://127.0.0.1:${port}/bad redirected to an invalid Location`,
      measured: { status: 302 },
    });
    expect(await runCheck(http(`${base}/gone`), ctx())).toMatchObject({
      ok: false,
      error: `connection refused on 127.0.0.1:${gone.port}`,
      measured: { connected: false },
    });
  });

  it('keeps at most 1 MiB of the body', async () => {
    const { base } = await serve((_req, res) => res.end('x'.repeat(3 * MAX_BODY_BYTES)));
    const out = await runCheck(http(base), ctx());
    expect(out.ok).toBe(true);
    expect(out.measured.body).toHaveLength(MAX_BODY_BYTES);
  });

  it('times out on a server that never answers, and ends right then', async () => {
    const { base } = await serve(() => undefined);
    const out = await runCheck(http(base), ctx({ timeoutMs: 200 }));
    expect(out).toMatchObject({ ok: false, error: 'timed out after 200ms', measured: { connected: true } });
    expect(out.latencyMs).toBeLessThan(1000);
  });

  it('times out on a body that never ends', async () => {
    const { base } = await serve((_req, res) => res.write('partial'));
    const out = await runCheck(http(base), ctx({ timeoutMs: 300 }));
    // connected: the runner itself ended on the signal (the backstop would know nothing).
    expect(out).toMatchObject({ ok: false, error: 'timed out after 300ms', measured: { connected: true } });
    expect(out.latencyMs).toBeLessThan(1000);
  });

  it('says when the connection is refused, and where', async () => {
    const { port } = await serve(() => undefined);
    for (const server of servers.splice(0)) server.close();
    const out = await runCheck(http(`http://127.0.0.1:${port}/`), ctx());
    expect(out).toMatchObject({
      ok: false,
      error: `connection refused on 127.0.0.1:${port}`,
      measured: { connected: false },
    });
  });

  it('reaches a service port through resolvePort, and says when it cannot', async () => {
    const { port, seen } = await serve((_req, res) => res.end('svc'));
    const check: ProbeCheck = { ...http(''), target: { port: 8080, path: 'health' } } as ProbeCheck;
    const out = await runCheck(
      check,
      ctx({ resolvePort: async (p) => ({ host: '127.0.0.1', port: p - 8080 + port }) }),
    );
    expect(out).toMatchObject({ ok: true, measured: { body: 'svc' } });
    expect(seen[0]?.url).toBe('/health');
    expect(await runCheck(check, ctx())).toMatchObject({
      ok: false,
      error: 'no address is known for port 8080 of the service',
    });
  });

  it('never shows the user info or query of a URL in an error', async () => {
    const { base, seen } = await serve((_req, res) => {
      res.statusCode = 500;
      res.end();
    });
    const url = base.replace('//', '//admin:s3cret@');
    const out = await runCheck(http(`${url}/x?token=abc123`), ctx());
    expect(out.error).toMatch(/^HTTP 500 from http:\/\/127\.0\.0\.1:\d+\/x$/);
    expect(seen[0]?.headers.authorization).toBe(`Basic ${Buffer.from('admin:s3cret').toString('base64')}`);
  });

  it('ends when the monitor stops', async () => {
    const { base } = await serve(() => undefined);
    const stop = new AbortController();
    const out = runCheck(http(base), ctx({ signal: stop.signal }));
    setTimeout(() => stop.abort(), 50);
    expect(await out).toMatchObject({ ok: false, error: 'cancelled (the monitor stopped)' });
  });
});

describe('https probe', () => {
  it('measures the certificate expiry, and fails an untrusted one only with verifyTls', async () => {
    const { key, cert } = await selfSigned('localhost', 30);
    const { base } = await serve((_req, res) => res.end('secure'), { key, cert });
    expect(base.startsWith('https://')).toBe(true);
    const now = Date.now();
    const lax = await runCheck(http(base, { verifyTls: false }), ctx({ now: () => now }));
    expect(lax).toMatchObject({ ok: true, measured: { status: 200, body: 'secure', connected: true } });
    expect(Math.abs((lax.measured.certificateExpirationMs ?? 0) - 30 * DAY)).toBeLessThan(60_000);

    const strict = await runCheck(http(base), ctx());
    expect(strict).toMatchObject({ ok: false, measured: { connected: true, ip: '127.0.0.1' } });
    expect(strict.error).toMatch(
      /^TLS certificate of 127\.0\.0\.1:\d+ is not trusted: self[- ]signed certificate/,
    );
    expect(strict.measured.status).toBeUndefined();
  });
});
