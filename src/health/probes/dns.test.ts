import dns2, { type DnsServer, Packet, type Resource } from 'dns2';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DnsRecord } from '../probe-types.js';
import { rcodeOf } from './dns.js';
import { type CheckContext, runCheck } from './run.js';

// A real DNS server over UDP on 127.0.0.1 (dns2), with a small zone; names it does not know are
// NXDOMAIN, `broken.test` is SERVFAIL, `silent.test` is never answered.

const { TYPE, CLASS } = Packet;
/** RFC 1035 §4.1.1 response codes (dns2 3.0's types do not declare Packet.RCODE). */
const RCODE = { SERVFAIL: 2, NXDOMAIN: 3 } as const;
type Answer = Omit<Resource, 'toBuffer' | 'name' | 'class' | 'ttl'>;

const ZONE: Record<string, Answer[]> = {
  'a.test': [
    { type: TYPE.A, address: '192.0.2.1' },
    { type: TYPE.A, address: '192.0.2.2' },
    { type: TYPE.AAAA, address: '2001:db8::1' },
    { type: TYPE.TXT, data: ['v=spf1 ', 'include:_spf.a.test ~all'] },
    { type: TYPE.TXT, data: 'hello' },
    { type: TYPE.MX, priority: 20, exchange: 'mx2.a.test' },
    { type: TYPE.MX, priority: 10, exchange: 'mx1.a.test' },
  ],
  'www.a.test': [{ type: TYPE.CNAME, domain: 'a.test' }],
  'v4only.test': [{ type: TYPE.A, address: '192.0.2.9' }],
};

let server: DnsServer;
let address: string;

beforeAll(async () => {
  server = dns2.createServer({
    udp: true,
    handle: (request, send) => {
      const response = Packet.createResponseFromRequest(request);
      const [question] = request.questions;
      if (!question) return;
      const name = question.name.toLowerCase();
      if (name === 'silent.test') return;
      if (name === 'broken.test') {
        response.header.rcode = RCODE.SERVFAIL;
      } else if (!(name in ZONE)) {
        response.header.rcode = RCODE.NXDOMAIN;
      } else {
        for (const answer of ZONE[name] ?? []) {
          if (answer.type === question.type) {
            response.answers.push({ name, class: CLASS.IN, ttl: 60, ...answer } as Resource);
          }
        }
      }
      void send(response);
    },
  });
  const listening = await server.listen({ udp: { port: 0, address: '127.0.0.1' } });
  address = `127.0.0.1:${listening.udp?.port}`;
});

afterAll(async () => {
  await server?.close();
});

const ctx = (over: Partial<CheckContext> = {}): CheckContext => ({
  signal: new AbortController().signal,
  timeoutMs: 2000,
  now: () => Date.now(),
  ...over,
});

const ask = (name: string, record: DnsRecord, over: Partial<CheckContext> = {}) =>
  runCheck({ type: 'dns', name, record, server: address }, ctx(over));

describe('dns probe', () => {
  it('A: every address, the first as ip', async () => {
    const out = await ask('a.test', 'A');
    expect(out).toMatchObject({
      ok: true,
      measured: { dnsRcode: 'NOERROR', body: '192.0.2.1\n192.0.2.2', ip: '192.0.2.1' },
    });
    expect(out.measured.responseTimeMs).toBeGreaterThanOrEqual(0);
  });

  it('AAAA', async () => {
    expect(await ask('a.test', 'AAAA')).toMatchObject({
      ok: true,
      measured: { body: '2001:db8::1', ip: '2001:db8::1' },
    });
  });

  it('CNAME, without an ip', async () => {
    const out = await ask('www.a.test', 'CNAME');
    expect(out).toMatchObject({ ok: true, measured: { dnsRcode: 'NOERROR', body: 'a.test' } });
    expect(out.measured.ip).toBeUndefined();
  });

  it('TXT: the chunks of a record joined, one record per line', async () => {
    const out = await ask('a.test', 'TXT');
    expect(out.ok).toBe(true);
    expect(out.measured.body?.split('\n').sort()).toEqual(['hello', 'v=spf1 include:_spf.a.test ~all']);
  });

  it('MX: preference and exchange, by preference', async () => {
    expect(await ask('a.test', 'MX')).toMatchObject({
      ok: true,
      measured: { body: '10 mx1.a.test\n20 mx2.a.test' },
    });
  });

  it('NXDOMAIN: not ok, with the code and who said so', async () => {
    expect(await ask('nope.test', 'A')).toMatchObject({
      ok: false,
      error: `A nope.test: no such name (NXDOMAIN from ${address})`,
      measured: { dnsRcode: 'NXDOMAIN', body: '' },
    });
  });

  it('a name without records of the type: NOERROR, but not ok', async () => {
    expect(await ask('v4only.test', 'AAAA')).toMatchObject({
      ok: false,
      error: `no AAAA v4only.test record (asked ${address})`,
      measured: { dnsRcode: 'NOERROR', body: '' },
    });
  });

  it('SERVFAIL', async () => {
    expect(await ask('broken.test', 'A')).toMatchObject({
      ok: false,
      error: `A broken.test: ${address} answered SERVFAIL`,
      measured: { dnsRcode: 'SERVFAIL' },
    });
  });

  it('a server that never answers: TIMEOUT, on time', async () => {
    const out = await ask('silent.test', 'A', { timeoutMs: 300 });
    expect(out.ok).toBe(false);
    expect(out.measured.dnsRcode).toBe('TIMEOUT');
    // The resolver's own timeout and the run's are the same; either may say it first.
    expect(out.error).toMatch(/^(timed out after 300ms|A silent\.test: no answer from .* within 300ms)$/);
    expect(out.latencyMs).toBeLessThan(1500);
  });

  it('an invalid server is an error, not a throw', async () => {
    const out = await runCheck({ type: 'dns', name: 'a.test', record: 'A', server: 'not-an-ip' }, ctx());
    expect(out.ok).toBe(false);
    expect(out.error).toMatch(/^invalid DNS server "not-an-ip": /);
  });

  it('maps c-ares codes to DNS answer codes', () => {
    expect(rcodeOf('ENODATA')).toBe('NOERROR');
    expect(rcodeOf('ENOTFOUND')).toBe('NXDOMAIN');
    expect(rcodeOf('EREFUSED')).toBe('REFUSED');
    expect(rcodeOf('ETIMEOUT')).toBe('TIMEOUT');
    expect(rcodeOf('ECONNREFUSED')).toBe('CONNREFUSED');
    expect(rcodeOf(undefined)).toBe('ERROR');
  });
});
