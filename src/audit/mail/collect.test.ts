import { generateKeyPairSync } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTxtZone, type TxtZone } from '../../../test/support/dns-zone.js';
import { writeTree } from '../../../test/support/tree.js';
import { builtinXBerthRegistry } from '../../app/registry.js';
import { auditPath } from '../index.js';
import { takeSnapshot } from '../snapshot.js';
import { collectMail } from './collect.js';
import { dnsLookup } from './resolver.js';

// The mail checks against a real DNS server (dns2 on 127.0.0.1): what is looked up, and what
// `berth audit --live` reports from the answers, located in the compose files.

const key2048 = generateKeyPairSync('rsa', { modulusLength: 2048 })
  .publicKey.export({ type: 'spki', format: 'der' })
  .toString('base64');
/** DNS carries strings of at most 255 bytes: a 2048-bit key comes in several. */
const chunks = (text: string) => text.match(/.{1,255}/g) ?? [];

let zone: TxtZone;

beforeAll(async () => {
  zone = await startTxtZone(
    {
      'good.test': [['v=spf1 include:_spf.provider.test -all']],
      '_spf.provider.test': [['v=spf1 ip4:192.0.2.0/24 ~all']],
      '_dmarc.good.test': [['v=DMARC1; p=reject; rua=mailto:dmarc@good.test']],
      'mautic._domainkey.news.good.test': [chunks(`v=DKIM1; k=rsa; p=${key2048}`)],
      'news.good.test': [['v=spf1 redirect=good.test'], ['google-site-verification=abc']],
      'shop.good.test': [['v=spf1 -all']],
      '_dmarc.shop.good.test': [['verification=not-a-dmarc-record']],
      'spoofy.test': [['v=spf1 a mx +all']],
      '_dmarc.spoofy.test': [['v=DMARC1; p=none']],
      'broken.test': 'SERVFAIL',
      '_dmarc.broken.test': 'SERVFAIL',
      'mautic._domainkey.broken.test': 'SERVFAIL',
      'stale.test': [
        ['v=spf1 a:old1.stale.test mx:gone.stale.test a:mail.stale.test a:old2.stale.test -all'],
      ],
      '_dmarc.stale.test': [['v=DMARC1; p=reject']],
    },
    ['mautic._domainkey.spoofy.test'],
    {
      'mail.stale.test': { A: ['192.0.2.25'], AAAA: ['2001:db8::25'] },
      'old2.stale.test': { AAAA: ['2001:db8::2'] },
    },
  );
});

afterAll(async () => {
  await zone?.close();
});

const stack = (domain: string, selectors: string[]) =>
  `services:\n  web:\n    image: nginx:1.27\nx-berth:\n  mail:\n    domain: ${domain}\n    dkim_selectors: [${selectors.join(', ')}]\n    resolver: "${zone.address}"\n`;

describe('collectMail', () => {
  it('asks for the domain, its SPF includes and redirects, DMARC up to the parent, and each DKIM key', async () => {
    const root = await writeTree({ 'compose.yaml': stack('news.good.test', ['mautic']) });
    const { snapshot } = await takeSnapshot(root, { env: {}, registry: builtinXBerthRegistry() });
    zone.asked.length = 0;
    const [facts, ...more] = await collectMail(snapshot.stacks, dnsLookup());
    expect(more).toEqual([]);
    // SPF, DMARC and DKIM are asked at once: the order between them is the network's.
    expect([...zone.asked].sort()).toEqual([
      '_dmarc.good.test',
      '_dmarc.news.good.test',
      '_spf.provider.test',
      'good.test',
      'mautic._domainkey.news.good.test',
      'news.good.test',
    ]);
    expect(facts).toMatchObject({ domain: 'news.good.test', selectors: ['mautic'], resolver: zone.address });
    expect(facts?.txt['news.good.test']).toEqual({
      status: 'found',
      records: ['v=spf1 redirect=good.test', 'google-site-verification=abc'],
    });
    expect(facts?.txt['_dmarc.news.good.test']).toEqual({ status: 'none', rcode: 'NXDOMAIN' });
  });

  it("goes on to the parent's DMARC when the subdomain's _dmarc holds TXT records but none is DMARC", async () => {
    const root = await writeTree({ 'compose.yaml': stack('shop.good.test', []) });
    const { snapshot } = await takeSnapshot(root, { env: {}, registry: builtinXBerthRegistry() });
    zone.asked.length = 0;
    const [facts] = await collectMail(snapshot.stacks, dnsLookup());
    expect(zone.asked).toContain('_dmarc.good.test');
    expect(facts?.txt['_dmarc.good.test']).toMatchObject({ status: 'found' });
  });

  it('looks nothing up for stacks without x-berth.mail', async () => {
    const root = await writeTree({ 'compose.yaml': 'services:\n  web:\n    image: nginx:1.27\n' });
    const { snapshot } = await takeSnapshot(root, { env: {}, registry: builtinXBerthRegistry() });
    zone.asked.length = 0;
    expect(await collectMail(snapshot.stacks, dnsLookup())).toEqual([]);
    expect(zone.asked).toEqual([]);
  });
});

describe('berth audit --live: the mail rules', () => {
  const audit = async (root: string, live: boolean) =>
    auditPath({
      path: root,
      load: { env: {}, registry: builtinXBerthRegistry() },
      ...(live ? { live: { containers: [] }, lookupDns: dnsLookup() } : {}),
      failOn: 'high',
      date: new Date('2026-12-07T00:00:00Z'),
      version: 'test',
    });

  it('finds nothing wrong with a domain whose SPF, DMARC and DKIM hold, through a redirect and its parent', async () => {
    const root = await writeTree({ 'news/compose.yaml': stack('news.good.test', ['mautic']) });
    const { result } = await audit(root, true);
    expect(result.findings.filter((f) => f.rule.startsWith('mail-'))).toEqual([]);
    expect(result.skipped).toEqual([]);
  });

  it('reports each weakness at the x-berth.mail key it is about, and a lookup without answer as unchecked', async () => {
    const root = await writeTree({
      'spoofy/compose.yaml': stack('spoofy.test', ['mautic']),
      'dark/compose.yaml': stack('broken.test', ['mautic']),
    });
    const { result } = await audit(root, true);
    const mail = result.findings.filter((f) => f.rule.startsWith('mail-'));
    expect(mail.map((f) => [f.stack, f.rule, f.evidence])).toEqual([
      ['spoofy', 'mail-dkim-missing', 'dkim:mautic._domainkey.spoofy.test:missing'],
      ['spoofy', 'mail-spf-permissive', 'spf:spoofy.test:permissive'],
      ['dark', 'mail-not-checked', 'dns:_dmarc.broken.test'],
      ['dark', 'mail-not-checked', 'dns:broken.test'],
      ['dark', 'mail-not-checked', 'dns:mautic._domainkey.broken.test'],
      ['spoofy', 'mail-dmarc-not-enforced', 'dmarc:spoofy.test:none:100'],
    ]);
    const line = (f: (typeof mail)[number]) => readFileSync(f.file, 'utf8').split('\n')[f.line - 1];
    const spf = mail.find((f) => f.rule === 'mail-spf-permissive');
    expect([spf?.file, spf && line(spf)]).toEqual([`${root}/spoofy/compose.yaml`, '    domain: spoofy.test']);
    const dkim = mail.find((f) => f.rule === 'mail-dkim-missing');
    expect(dkim && line(dkim)).toBe('    dkim_selectors: [mautic]');
    expect(spf?.message).toContain('`+all` in spoofy.test lets any server send as it');
    const servfail = mail.find((f) => f.evidence === 'dns:broken.test');
    expect(servfail?.message).toContain(
      `SPF of broken.test was not checked: TXT broken.test got no answer from ${zone.address} (SERVFAIL`,
    );
  });

  it('fails SPF whose terms meet more than two names that find nothing, as receivers do', async () => {
    const root = await writeTree({ 'stale/compose.yaml': stack('stale.test', []) });
    zone.askedHosts.length = 0;
    const { result } = await audit(root, true);
    expect([...zone.askedHosts].sort()).toEqual([
      'A mail.stale.test',
      'A old1.stale.test',
      'A old2.stale.test',
      'AAAA mail.stale.test',
      'AAAA old1.stale.test',
      'AAAA old2.stale.test',
      'MX gone.stale.test',
    ]);
    const spf = result.findings.filter((f) => f.rule === 'mail-spf-missing');
    expect(spf.map((f) => f.evidence)).toEqual(['spf:stale.test:broken']);
    // old2 has an IPv6 address: over IPv6 only two lookups find nothing, over IPv4 three.
    expect(spf[0]?.message).toContain(
      'for a sender over IPv4 meets 3 lookups that find nothing (a:old1.stale.test has no IPv4 address; mx:gone.stale.test has no MX record; a:old2.stale.test has no IPv4 address)',
    );
  });

  it('says an invalid x-berth.mail left the mail unchecked, at the section, and looks nothing up', async () => {
    const root = await writeTree({
      'shop/compose.yaml': `services:\n  web:\n    image: nginx:1.27\nx-berth:\n  mail:\n    domain: shop.test\n    dkim_selectors: [mautic]\n    resolver: dns.google\n`,
    });
    zone.asked.length = 0;
    const { result } = await audit(root, true);
    const mail = result.findings.filter((f) => f.rule.startsWith('mail-'));
    expect(mail.map((f) => [f.rule, f.line, f.evidence])).toEqual([
      ['mail-not-checked', 5, 'invalid-settings'],
    ]);
    expect(mail[0]?.message).toBe(
      'x-berth.mail of shop is invalid (resolver: give an IP address, `ip:port` or `[ipv6]:port`): its SPF, DKIM and DMARC were not checked',
    );
    expect(zone.asked).toEqual([]);
  });

  it('skips the mail rules without --live, saying what they need', async () => {
    const root = await writeTree({ 'spoofy/compose.yaml': stack('spoofy.test', ['mautic']) });
    const { result } = await audit(root, false);
    expect(result.findings.filter((f) => f.rule.startsWith('mail-'))).toEqual([]);
    expect(result.skipped.filter((s) => s.rule.startsWith('mail-'))).toContainEqual({
      rule: 'mail-spf-missing',
      why: 'needs DNS lookups of the x-berth.mail domains: run `berth audit --dns` (or --live)',
    });
  });
});
