import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import { createSecureContext, createServer, type Server } from 'node:tls';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DAY, selfSigned } from '../../../test/support/health/certs.js';
import { type CheckContext, runCheck } from './run.js';
import { serverNameOf } from './tls.js';

let server: Server;
let port: number;
/** The SNI name of every handshake that sent one, as the server saw it. */
const names: Array<string | undefined> = [];

// One server, two certificates chosen by SNI with different expiry, and a default one.
beforeAll(async () => {
  const [short, long, fallback] = await Promise.all([
    selfSigned('short.test', 5),
    selfSigned('long.test', 90),
    selfSigned('localhost', 400),
  ]);
  const contexts = new Map([
    ['short.test', createSecureContext(short)],
    ['long.test', createSecureContext(long)],
  ]);
  server = createServer({
    ...fallback,
    SNICallback: (name, done) => {
      names.push(name);
      done(null, contexts.get(name));
    },
  });
  server.on('tlsClientError', () => undefined);
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  port = (server.address() as AddressInfo).port;
});

afterAll(() => {
  server?.close();
});

const ctx = (over: Partial<CheckContext> = {}): CheckContext => ({
  signal: new AbortController().signal,
  timeoutMs: 5000,
  now: () => Date.now(),
  ...over,
});

const days = (ms: number | undefined) => (ms ?? Number.NaN) / DAY;

describe('tls probe', () => {
  it('reads the expiry of the certificate the server picks by SNI', async () => {
    const now = Date.now();
    const short = await runCheck(
      { type: 'tls', host: '127.0.0.1', port, servername: 'short.test' },
      ctx({ now: () => now }),
    );
    const long = await runCheck(
      { type: 'tls', host: '127.0.0.1', port, servername: 'long.test' },
      ctx({ now: () => now }),
    );
    expect(short).toMatchObject({ ok: true, measured: { connected: true } });
    expect(short.error).toBeUndefined();
    expect(days(short.measured.certificateExpirationMs)).toBeCloseTo(5, 2);
    expect(days(long.measured.certificateExpirationMs)).toBeCloseTo(90, 2);
    expect(short.measured.responseTimeMs).toBeGreaterThanOrEqual(0);
  });

  it('sends the host as SNI by default, and none for an IP', async () => {
    names.length = 0;
    const byName = await runCheck({ type: 'tls', host: 'localhost', port }, ctx());
    await runCheck({ type: 'tls', host: '127.0.0.1', port }, ctx());
    expect(names).toEqual(['localhost']);
    expect(days(byName.measured.certificateExpirationMs)).toBeCloseTo(400, 1);
  });

  it('fails an expired certificate (by the injected clock), with its date', async () => {
    const later = Date.now() + 10 * DAY;
    const out = await runCheck(
      { type: 'tls', host: '127.0.0.1', port, servername: 'short.test' },
      ctx({ now: () => later }),
    );
    expect(out.ok).toBe(false);
    expect(days(out.measured.certificateExpirationMs)).toBeCloseTo(-5, 2);
    expect(out.error).toMatch(
      new RegExp(
        `^certificate of short\\.test on 127\\.0\\.0\\.1:${port} expired on \\d{4}-\\d\\d-\\d\\dT.*Z \\(also not trusted: `,
      ),
    );
  });

  it('fails a certificate that is not valid yet', async () => {
    const earlier = Date.now() - 3 * DAY;
    const out = await runCheck(
      { type: 'tls', host: '127.0.0.1', port, servername: 'long.test' },
      ctx({ now: () => earlier }),
    );
    expect(out.ok).toBe(false);
    expect(out.error).toMatch(/ is not valid before /);
  });

  it('says when nothing listens', async () => {
    const closed = createServer();
    closed.listen(0, '127.0.0.1');
    await once(closed, 'listening');
    const free = (closed.address() as AddressInfo).port;
    closed.close();
    await once(closed, 'close');
    expect(await runCheck({ type: 'tls', host: '127.0.0.1', port: free }, ctx())).toMatchObject({
      ok: false,
      error: `connection refused on 127.0.0.1:${free}`,
      measured: { connected: false },
    });
  });

  it('picks the SNI name: the given one, else a host name, never an IP', () => {
    expect(serverNameOf({ host: '10.0.0.1', servername: 'a.test' })).toBe('a.test');
    expect(serverNameOf({ host: 'shop.example.com' })).toBe('shop.example.com');
    expect(serverNameOf({ host: '10.0.0.1' })).toBeUndefined();
    expect(serverNameOf({ host: '::1' })).toBeUndefined();
  });
});
