import { describe, expect, it } from 'vitest';
import { type DnsAnswer, hostKey, type MailFacts } from './facts.js';
import { answered } from './problem.js';
import { spfProblems } from './spf-check.js';

// RFC 7208 §4.6.4 beyond the 10 lookups: at most two lookups that find nothing ("void lookups"),
// and at most 10 MX records per `mx`, as a receiver meets them evaluating the record for a sender
// that matches none of its terms.

const D = 'example.com';
const found = (...records: string[]): DnsAnswer => ({ status: 'found', records });
const NX: DnsAnswer = { status: 'none', rcode: 'NXDOMAIN' };
const EMPTY: DnsAnswer = { status: 'none', rcode: 'NOERROR' };
const SERVFAIL: DnsAnswer = { status: 'failed', rcode: 'SERVFAIL', message: 'server failure' };

type Hosts = Record<string, { A?: DnsAnswer; AAAA?: DnsAnswer; MX?: DnsAnswer }>;

function facts(txt: Record<string, DnsAnswer>, hosts: Hosts | undefined): MailFacts {
  const answers: Record<string, DnsAnswer> = {};
  for (const [name, byType] of Object.entries(hosts ?? {}))
    for (const [type, answer] of Object.entries(byType))
      answers[hostKey(type as 'A' | 'AAAA' | 'MX', name)] = answer;
  return {
    stack: 'shop',
    domain: D,
    selectors: [],
    resolver: '192.0.2.53',
    txt,
    ...(hosts ? { hosts: answers } : {}),
  };
}

/** What the SPF check reports, a lookup without an answer included (as mailProblems runs it). */
function check(record: string, hosts: Hosts | undefined, txt: Record<string, DnsAnswer> = {}) {
  return answered(facts({ [D]: found(record), ...txt }, hosts), spfProblems, 'SPF');
}

const GONE = { A: NX, AAAA: NX };
const UP = { A: found('192.0.2.10'), AAAA: found('2001:db8::10') };

describe('SPF void lookups', () => {
  it('allows two lookups that find nothing, and fails the third', () => {
    const hosts = { 'old1.example': GONE, 'old2.example': GONE, 'old3.example': GONE, 'mail.example': UP };
    expect(check('v=spf1 a:old1.example a:old2.example a:mail.example -all', hosts)).toEqual([]);
    const [p, ...rest] = check(
      'v=spf1 a:old1.example a:old2.example a:mail.example a:old3.example -all',
      hosts,
    );
    expect(rest).toEqual([]);
    expect(p).toMatchObject({ rule: 'mail-spf-missing', evidence: 'spf:example.com:broken' });
    expect(p?.message).toBe(
      'checking the SPF record of example.com for a sender over IPv4 meets 3 lookups that find nothing (a:old1.example has no IPv4 address; a:old2.example has no IPv4 address; a:old3.example has no IPv4 address), and receivers give up after 2, so receivers cannot tell which servers may send as example.com',
    );
    expect(p?.fix).toContain('remove the terms that name hosts without addresses or MX records');
  });

  it('counts an a per address family: IPv6-only hosts are void for senders over IPv4', () => {
    const v6 = { A: EMPTY, AAAA: found('2001:db8::1') };
    const v4 = { A: found('192.0.2.1'), AAAA: EMPTY };
    const record = 'v=spf1 a:h1.example a:h2.example a:h3.example -all';
    const over = (hosts: Hosts) => check(record, hosts)[0]?.message ?? '';
    expect(over({ 'h1.example': v6, 'h2.example': v6, 'h3.example': v6 })).toContain(
      'for a sender over IPv4',
    );
    expect(over({ 'h1.example': v4, 'h2.example': v4, 'h3.example': v4 })).toContain(
      'for a sender over IPv6',
    );
    expect(check(record, { 'h1.example': v4, 'h2.example': v6, 'h3.example': v4 })).toEqual([]);
  });

  it('counts mx and exists for both families, and a bare a or mx names the record it is in', () => {
    const txt = { 'inc.example': found('v=spf1 a mx ~all') };
    const hosts = { 'inc.example': { A: EMPTY, AAAA: EMPTY, MX: EMPTY }, 'probe.example': { A: NX } };
    expect(check('v=spf1 include:inc.example -all', hosts, txt)).toEqual([]);
    const [p] = check('v=spf1 include:inc.example exists:probe.example -all', hosts, txt);
    expect(p?.message).toContain(
      '(a (inc.example) has no IPv4 address; mx (inc.example) has no MX record; exists:probe.example has no address)',
    );
  });

  it('fails an mx with more than 10 mail servers', () => {
    const servers = (n: number) => found(...Array.from({ length: n }, (_, i) => `mx${i}.example.com`));
    expect(check('v=spf1 mx -all', { [D]: { MX: servers(10) } })).toEqual([]);
    const [p] = check('v=spf1 mx -all', { [D]: { MX: servers(11) } });
    expect(p).toMatchObject({ rule: 'mail-spf-missing', evidence: 'spf:example.com:broken' });
    expect(p?.message).toContain(
      '`mx (example.com)` in the SPF record of example.com names 11 mail servers, and receivers fail an `mx` with more than 10',
    );
    expect(p?.fix).toContain('ip4:/ip6: or a: terms');
  });

  it('says the record was not checked when a host lookup got no answer', () => {
    const [p, ...rest] = check('v=spf1 a:flaky.example -all', { 'flaky.example': { A: SERVFAIL, AAAA: NX } });
    expect(rest).toEqual([]);
    expect(p).toMatchObject({ rule: 'mail-not-checked', evidence: 'dns:A:flaky.example' });
    expect(p?.message).toContain('SPF of example.com was not checked: A flaky.example got no answer');
  });

  it('does not look past the first all, nor at targets built from the sender', () => {
    const hosts = { 'old1.example': GONE, 'old2.example': GONE };
    expect(check('v=spf1 a:old1.example a:old2.example -all a:old3.example', hosts)).toEqual([]);
    expect(check('v=spf1 a:old1.example a:old2.example exists:%{i}.spf.example -all', hosts)).toEqual([]);
  });

  it('checks no void lookups when the facts hold no host lookups', () => {
    expect(check('v=spf1 a:old1.example a:old2.example a:old3.example -all', undefined)).toEqual([]);
  });
});
