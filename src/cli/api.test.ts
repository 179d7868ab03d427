import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { ApiConnection } from './api.js';
import { ApiRequestError } from './api-error.js';

const EchoSchema = z.object({ method: z.string(), url: z.string(), body: z.unknown() });

// ApiConnection against a real HTTP server, on TCP and on a unix socket.

const dir = mkdtempSync(join(tmpdir(), 'berth-api-'));
const socketPath = join(dir, 'api.sock');
const servers: Server[] = [];
let base = '';
/** What the last request sent: method, url, headers, body. */
let seen: { method?: string; url?: string; headers: IncomingMessage['headers']; body: string } = {
  headers: {},
  body: '',
};
let streamClosed: Promise<void> = Promise.resolve();

const problem = (res: ServerResponse, status: number, code: string, hint: string) => {
  res.writeHead(status, { 'content-type': 'application/problem+json' });
  res.end(
    JSON.stringify({
      type: 'x',
      title: 't',
      status,
      detail: `${code} detail`,
      code,
      hint,
      requestId: 'req-9',
    }),
  );
};

function handle(req: IncomingMessage, res: ServerResponse): void {
  let body = '';
  req.on('data', (c) => {
    body += c;
  });
  req.on('end', () => {
    seen = { method: req.method ?? '', url: req.url ?? '', headers: req.headers, body };
    const path = (req.url ?? '').split('?')[0];
    if (path === '/echo') {
      res.writeHead(200, { 'content-type': 'application/json', 'set-cookie': ['a=1; Path=/', 'b=2'] });
      res.end(
        JSON.stringify({ method: req.method, url: req.url, body: body === '' ? null : JSON.parse(body) }),
      );
    } else if (path === '/conflict') problem(res, 409, 'AUTH_USER_EXISTS', 'choose another username');
    else if (path === '/expired') problem(res, 401, 'UNAUTHENTICATED', 'send a token');
    else if (path === '/boom') problem(res, 500, 'INTERNAL', 'retry; report it with this requestId');
    else if (path === '/relogin') problem(res, 401, 'UNAUTHENTICATED', 'run `berth login`');
    else if (path === '/html') {
      res.writeHead(502, { 'content-type': 'text/html' });
      res.end('<h1>Bad gateway</h1>');
    } else if (path === '/stream') {
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      res.write('event: one\r\ndata: {"a":1}\r\n\r\n');
      setTimeout(() => res.write('data: {"b":'), 20);
      setTimeout(() => res.end('2}\nlast line without end'), 40);
    } else if (path === '/forever') {
      res.writeHead(200, { 'content-type': 'application/x-ndjson' });
      res.write('{"n":1}\n');
      streamClosed = new Promise((done) => res.on('close', () => done()));
      const timer = setInterval(() => res.write('{"n":2}\n'), 10);
      res.on('close', () => clearInterval(timer));
    } else problem(res, 404, 'NOT_FOUND', 'no such route');
  });
}

beforeAll(async () => {
  const tcp = createServer(handle);
  const unix = createServer(handle);
  servers.push(tcp, unix);
  await new Promise<void>((r) => tcp.listen(0, '127.0.0.1', r));
  await new Promise<void>((r) => unix.listen(socketPath, r));
  const address = tcp.address();
  base = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
});
afterAll(async () => {
  await Promise.all(servers.map((s) => new Promise((r) => s.close(r))));
  rmSync(dir, { recursive: true, force: true });
});

async function rejection(promise: Promise<unknown>): Promise<ApiRequestError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof ApiRequestError) return error;
    throw error;
  }
  throw new Error('resolved');
}

async function collect(lines: AsyncIterable<string>): Promise<string[]> {
  const out: string[] = [];
  for await (const line of lines) out.push(line);
  return out;
}

describe('ApiConnection', () => {
  it.each([
    ['tcp', () => base],
    ['a unix socket', () => `unix:${socketPath}`],
  ])('sends JSON with the bearer token and the query, and parses the answer (%s)', async (_name, url) => {
    const api = new ApiConnection({ url: url(), token: 'berth_secret' });
    const answer = await api.json('POST', '/echo', EchoSchema, {
      body: { x: 1 },
      query: { limit: 5, follow: true, skip: undefined, q: 'a b' },
      headers: { 'x-csrf-token': 'c' },
    });
    expect(answer).toEqual({ method: 'POST', url: '/echo?limit=5&follow=true&q=a+b', body: { x: 1 } });
    expect(seen.headers.authorization).toBe('Bearer berth_secret');
    expect(seen.headers['content-type']).toBe('application/json');
    expect(seen.headers['x-csrf-token']).toBe('c');
  });

  it('refuses an answer that does not match its schema, saying what was expected', async () => {
    const error = await rejection(
      new ApiConnection({ url: base }).json('POST', '/echo', z.object({ missing: z.string() })),
    );
    expect(error).toMatchObject({ code: 'INVALID_RESPONSE', status: 0 });
    expect(error.message).toMatch(/POST \/echo does not match the API/);
    expect(error.message).toMatch(/missing/);
  });

  it('sends no Authorization header without a token, and keeps a base path', async () => {
    await new ApiConnection({ url: `${base}/` }).json('GET', '/echo', z.unknown());
    expect(seen.headers.authorization).toBeUndefined();
    expect(seen.body).toBe('');
    await new ApiConnection({ url: `${base}/prefix` }).request('GET', '/echo');
    expect(seen.url).toBe('/prefix/echo');
  });

  it('turns a problem into ApiRequestError with code, hint, status and request id', async () => {
    const error = await rejection(new ApiConnection({ url: base }).json('GET', '/conflict', z.unknown()));
    expect(error).toMatchObject({
      code: 'AUTH_USER_EXISTS',
      message: 'AUTH_USER_EXISTS detail',
      hint: 'choose another username',
      status: 409,
      requestId: 'req-9',
    });
  });

  it('adds "log in again" to a 401 unless the server already says so', async () => {
    const api = new ApiConnection({ url: base, token: 'old' });
    expect((await rejection(api.json('GET', '/expired', z.unknown()))).hint).toBe(
      'send a token; log in again with `berth login`',
    );
    expect((await rejection(api.json('GET', '/relogin', z.unknown()))).hint).toBe('run `berth login`');
  });

  it('puts the request id of a server error in the hint, since only the hint is printed', async () => {
    const error = await rejection(new ApiConnection({ url: base }).json('GET', '/boom', z.unknown()));
    expect(error).toMatchObject({ code: 'INTERNAL', status: 500, requestId: 'req-9' });
    expect(error.hint).toBe('retry; report it with this requestId (request id req-9)');
  });

  it('says so when the answer is not a Berth problem', async () => {
    const error = await rejection(new ApiConnection({ url: base }).json('GET', '/html', z.unknown()));
    expect(error).toMatchObject({ code: 'HTTP_502', status: 502 });
    expect(error.hint).toMatch(/Berth server/);
  });

  it('returns any status with headers and body from request()', async () => {
    const api = new ApiConnection({ url: base });
    const ok = await api.request('POST', '/echo', { body: { y: 2 } });
    expect(ok.status).toBe(200);
    expect(ok.headers['set-cookie']).toEqual(['a=1; Path=/', 'b=2']);
    expect(JSON.parse(ok.body).body).toEqual({ y: 2 });
    expect((await api.request('GET', '/conflict')).status).toBe(409);
  });

  it('streams lines as they arrive, without line ends', async () => {
    const api = new ApiConnection({ url: `unix:${socketPath}` });
    expect(await collect(api.lines('GET', '/stream'))).toEqual([
      'event: one',
      'data: {"a":1}',
      '',
      'data: {"b":2}',
      'last line without end',
    ]);
  });

  it('throws the problem of a non-2xx stream', async () => {
    const error = await rejection(collect(new ApiConnection({ url: base }).lines('GET', '/conflict')));
    expect(error.code).toBe('AUTH_USER_EXISTS');
  });

  it('ends a stream cleanly when the signal is aborted, closing the request', async () => {
    const controller = new AbortController();
    const got: string[] = [];
    for await (const line of new ApiConnection({ url: base }).lines('GET', '/forever', {
      signal: controller.signal,
    })) {
      got.push(line);
      if (got.length === 3) controller.abort();
    }
    expect(got.slice(0, 3)).toEqual(['{"n":1}', '{"n":2}', '{"n":2}']);
    await streamClosed;
    // Already aborted: nothing is sent.
    expect(
      await collect(new ApiConnection({ url: base }).lines('GET', '/forever', { signal: controller.signal })),
    ).toEqual([]);
  });

  it('closes the request when the caller stops reading early', async () => {
    for await (const line of new ApiConnection({ url: base }).lines('GET', '/forever')) {
      expect(line).toBe('{"n":1}');
      break;
    }
    await streamClosed;
  });

  it.each([
    ['a closed port', () => 'http://127.0.0.1:1'],
    ['a missing socket', () => `unix:${join(dir, 'none.sock')}`],
    ['an unknown host', () => 'http://berth.invalid:7300'],
  ])('reports %s as SERVER_UNREACHABLE, naming the URL', async (_name, url) => {
    const error = await rejection(
      new ApiConnection({ url: url() }).json('GET', '/api/v1/whoami', z.unknown()),
    );
    expect(error.code).toBe('SERVER_UNREACHABLE');
    expect(error.status).toBe(0);
    expect(error.message).toContain(url());
    expect(error.hint).toContain(url());
    expect(error.hint).toContain('berth serve');
  });

  it.each(['ftp://host', 'not a url', 'unix:relative.sock'])('refuses the URL %s', (url) => {
    expect(() => new ApiConnection({ url })).toThrow(expect.objectContaining({ code: 'INVALID_SERVER_URL' }));
  });

  // A self-signed certificate made with openssl (skipped where there is none): HTTPS is spoken, and
  // an untrusted certificate gets its own error pointing at NODE_EXTRA_CA_CERTS.
  it.skipIf(!hasOpenssl())('speaks HTTPS and reports an untrusted certificate as TLS_FAILED', async () => {
    const key = join(dir, 'key.pem');
    const cert = join(dir, 'cert.pem');
    execFileSync(
      'openssl',
      [
        'req',
        '-x509',
        '-newkey',
        'rsa:2048',
        '-nodes',
        '-keyout',
        key,
        '-out',
        cert,
        '-days',
        '1',
        '-subj',
        '/CN=127.0.0.1',
        '-addext',
        'subjectAltName=IP:127.0.0.1',
      ],
      { stdio: 'ignore' },
    );
    const tls = createHttpsServer({ key: readFileSync(key), cert: readFileSync(cert) }, handle);
    servers.push(tls);
    await new Promise<void>((r) => tls.listen(0, '127.0.0.1', r));
    const address = tls.address();
    const url = `https://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
    const error = await rejection(new ApiConnection({ url }).json('GET', '/echo', z.unknown()));
    expect(error.code).toBe('TLS_FAILED');
    expect(error.hint).toContain('NODE_EXTRA_CA_CERTS');
  });
});

function hasOpenssl(): boolean {
  try {
    execFileSync('openssl', ['version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}
