import { generateKeyPairSync } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import {
  dmarcRecords,
  lookupTerms,
  parseDkim,
  parseDmarc,
  parseSpf,
  type SpfTerm,
  spfRecords,
  tagList,
} from './records.js';

function rsaKey(bits: number, type: 'spki' | 'pkcs1' = 'spki'): string {
  const { publicKey } = generateKeyPairSync('rsa', { modulusLength: bits });
  return publicKey.export({ type, format: 'der' }).toString('base64');
}

function ed25519Raw(): string {
  const { publicKey } = generateKeyPairSync('ed25519');
  // SPKI of an ed25519 key: a 12-byte header, then the raw 32-byte key.
  return publicKey.export({ type: 'spki', format: 'der' }).subarray(12).toString('base64');
}

function ed25519Spki(): string {
  const { publicKey } = generateKeyPairSync('ed25519');
  return publicKey.export({ type: 'spki', format: 'der' }).toString('base64');
}

function terms(record: string): readonly SpfTerm[] {
  const parsed = parseSpf(record);
  if (!parsed.ok) throw new Error(`expected a valid record, got: ${parsed.error}`);
  return parsed.terms;
}

function spfError(record: string): string {
  const parsed = parseSpf(record);
  if (parsed.ok) throw new Error(`expected ${record} to be invalid`);
  return parsed.error;
}

const RSA1024 = rsaKey(1024);
const RSA2048 = rsaKey(2048);

describe('spfRecords', () => {
  it('keeps only TXT strings that start v=spf1 alone or followed by a space, any case', () => {
    expect(
      spfRecords([
        'v=spf1 -all',
        'V=SPF1 mx -all',
        'v=spf1',
        'v=spf10 -all',
        'v=spf1-all',
        ' v=spf1 -all',
        'google-site-verification=x',
        'spf1 -all',
      ]),
    ).toEqual(['v=spf1 -all', 'V=SPF1 mx -all', 'v=spf1']);
  });
  it('returns nothing for no TXT records', () => {
    expect(spfRecords([])).toEqual([]);
  });
});

describe('parseSpf mechanisms', () => {
  it('reads an empty record as no terms', () => {
    expect(terms('v=spf1')).toEqual([]);
  });
  it('reads every qualifier of all, defaulting to +', () => {
    expect(terms('v=spf1 all +all -all ~all ?all')).toEqual(
      (['+', '+', '-', '~', '?'] as const).map((qualifier) => ({ kind: 'all', qualifier })),
    );
  });
  it('reads mechanism names case-insensitively and tolerates extra spaces', () => {
    expect(terms('v=spf1   MX   -ALL  ')).toEqual([
      { kind: 'mx', qualifier: '+' },
      { kind: 'all', qualifier: '-' },
    ]);
  });
  it('reads include and exists with their domain and qualifier', () => {
    expect(terms('v=spf1 include:_spf.example.com ~exists:%{i}.x.example -include:a.example')).toEqual([
      { kind: 'include', qualifier: '+', domain: '_spf.example.com' },
      { kind: 'exists', qualifier: '~', domain: '%{i}.x.example' },
      { kind: 'include', qualifier: '-', domain: 'a.example' },
    ]);
  });
  it('rejects include and exists without a domain or with a cidr', () => {
    expect(spfError('v=spf1 include -all')).toContain('include:example.com');
    expect(spfError('v=spf1 include: -all')).toContain('needs a domain');
    expect(spfError('v=spf1 exists -all')).toContain('exists:example.com');
    expect(spfError('v=spf1 include:a.example/24 -all')).toContain('needs a domain');
  });
  it('reads a, mx and ptr with or without a domain, and a/mx with (dual) cidr', () => {
    expect(
      terms('v=spf1 a mx ptr a:mail.example ?mx:mx.example ptr:example.org a/24 mx:m.example/24//64'),
    ).toEqual([
      { kind: 'a', qualifier: '+' },
      { kind: 'mx', qualifier: '+' },
      { kind: 'ptr', qualifier: '+' },
      { kind: 'a', qualifier: '+', domain: 'mail.example' },
      { kind: 'mx', qualifier: '?', domain: 'mx.example' },
      { kind: 'ptr', qualifier: '+', domain: 'example.org' },
      { kind: 'a', qualifier: '+' },
      { kind: 'mx', qualifier: '+', domain: 'm.example' },
    ]);
  });
  it('rejects a:, mx: with an empty domain and ptr with a cidr', () => {
    expect(spfError('v=spf1 a: -all')).toContain('malformed');
    expect(spfError('v=spf1 mx: -all')).toContain('malformed');
    expect(spfError('v=spf1 ptr/24 -all')).toContain('`ptr/24` is malformed');
  });
  it('rejects a and mx with a cidr that is not a number or over 32 (RFC 7208 §5.6 permerror)', () => {
    expect(parseSpf('v=spf1 mx/abc -all').ok).toBe(false);
    expect(parseSpf('v=spf1 a/33 -all').ok).toBe(false);
  });
  it('reads valid ip4 networks, with and without a prefix', () => {
    expect(terms('v=spf1 ip4:192.0.2.1 -ip4:198.51.100.0/24 ip4:0.0.0.0/0 ip4:10.0.0.1/32')).toEqual([
      { kind: 'ip4', qualifier: '+', network: '192.0.2.1' },
      { kind: 'ip4', qualifier: '-', network: '198.51.100.0/24' },
      { kind: 'ip4', qualifier: '+', network: '0.0.0.0/0' },
      { kind: 'ip4', qualifier: '+', network: '10.0.0.1/32' },
    ]);
  });
  it.each([
    'ip4',
    'ip4:',
    'ip4:256.1.1.1',
    'ip4:1.2.3',
    'ip4:1.2.3.4/33',
    'ip4:1.2.3.4/',
    'ip4:1.2.3.4/8/8',
    'ip4:2001:db8::1',
    'ip4:a.b.c.d',
  ])('rejects the ip4 network %s', (word) => {
    expect(spfError(`v=spf1 ${word} -all`)).toContain('not a valid IPv4 network');
  });
  it('reads valid ip6 networks, including ones with an embedded IPv4 tail', () => {
    expect(terms('v=spf1 ip6:2001:db8::/32 ~ip6:::1 ip6:::ffff:192.0.2.1 ip6:2001:DB8::1/128')).toEqual([
      { kind: 'ip6', qualifier: '+', network: '2001:db8::/32' },
      { kind: 'ip6', qualifier: '~', network: '::1' },
      { kind: 'ip6', qualifier: '+', network: '::ffff:192.0.2.1' },
      { kind: 'ip6', qualifier: '+', network: '2001:DB8::1/128' },
    ]);
  });
  it.each(['ip6', 'ip6:', 'ip6:192.0.2.1', 'ip6:2001:db8::/129', 'ip6:fe80::1%eth0', 'ip6:2001:gb8::1'])(
    'rejects the ip6 network %s',
    (word) => {
      expect(spfError(`v=spf1 ${word} -all`)).toContain('not a valid IPv6 network');
    },
  );
  it.each(['ip6:1::2::3', 'ip6:12345::1', 'ip6:1:2:3:4:5:6:7:8:9'])(
    'rejects the malformed ip6 address %s (a receiver permerrors)',
    (word) => {
      expect(parseSpf(`v=spf1 ${word} -all`).ok).toBe(false);
    },
  );
  it.each(['foo', 'ip4-1.2.3.4', 'include.example', '+', '-', 'all:x', 'all/24'])(
    'rejects the unknown or malformed term %s',
    (word) => {
      expect(parseSpf(`v=spf1 ${word} -all`).ok).toBe(false);
    },
  );
  it('names an unknown mechanism in the error', () => {
    expect(spfError('v=spf1 mx:a.example spf2:x -all')).toBe('`spf2:x` is not an SPF mechanism');
    expect(spfError('v=spf1 all:x')).toContain('takes no argument');
  });
});

describe('parseSpf modifiers', () => {
  it('reads redirect and exp, with names in any case', () => {
    expect(terms('v=spf1 REDIRECT=_spf.example.com exp=explain.%{d}')).toEqual([
      { kind: 'redirect', domain: '_spf.example.com' },
      { kind: 'exp', domain: 'explain.%{d}' },
    ]);
  });
  it('ignores unknown modifiers, even repeated ones', () => {
    expect(terms('v=spf1 foo=bar foo=baz x-y.z_1=1 -all')).toEqual([{ kind: 'all', qualifier: '-' }]);
  });
  it('rejects a duplicate redirect= or exp= (RFC 7208 §6)', () => {
    expect(spfError('v=spf1 redirect=a.example redirect=b.example')).toBe('`redirect=` appears twice');
    expect(spfError('v=spf1 redirect=a.example Redirect=b.example')).toContain('appears twice');
    expect(spfError('v=spf1 exp=a.example exp=b.example -all')).toBe('`exp=` appears twice');
  });
  it('rejects redirect= and exp= without a domain', () => {
    expect(spfError('v=spf1 redirect=')).toBe('`redirect=` names no domain');
    expect(spfError('v=spf1 -all exp=')).toContain('names no domain');
    expect(spfError('v=spf1 redirect=a.example/24')).toContain('names no domain');
  });
});

describe('lookupTerms', () => {
  it('counts include, a, mx, ptr, exists and redirect, not ip4, ip6, all or exp', () => {
    expect(lookupTerms(terms('v=spf1 ip4:192.0.2.1 ip6:::1 -all exp=x.example'))).toBe(0);
    expect(
      lookupTerms(terms('v=spf1 include:a.example a mx ptr exists:b.example ip4:192.0.2.0/24 redirect=c')),
    ).toBe(6);
  });
  it('counts only what a receiver reaches: nothing after the first all, no redirect beside an all', () => {
    expect(
      lookupTerms(
        terms('v=spf1 include:a.example a mx ptr exists:b.example ip4:192.0.2.0/24 -all redirect=c'),
      ),
    ).toBe(5);
    expect(lookupTerms(terms('v=spf1 a -all mx include:x.example'))).toBe(1);
    expect(lookupTerms(terms('v=spf1 a a a a a a a a a a a'))).toBe(11);
    expect(lookupTerms([])).toBe(0);
  });
});

describe('tagList', () => {
  it('reads tags in order, lower-cases names and trims values', () => {
    const tags = tagList(' V = DMARC1 ;P=Reject;  rua = mailto:d@example.com ;');
    expect(tags && [...tags.entries()]).toEqual([
      ['v', 'DMARC1'],
      ['p', 'Reject'],
      ['rua', 'mailto:d@example.com'],
    ]);
  });
  it('keeps = inside a value, allows empty values, skips empty parts', () => {
    const tags = tagList('a=x=y;; b= ;c_1=2;');
    expect(tags && [...tags.entries()]).toEqual([
      ['a', 'x=y'],
      ['b', ''],
      ['c_1', '2'],
    ]);
    expect(tagList('')?.size).toBe(0);
    expect(tagList(' ; ; ')?.size).toBe(0);
  });
  it.each(['p', 'p=reject; rua', '=x', ' =x', '1a=x', 'a-b=x', 'p=none; P=reject', 'a=1;a=2'])(
    'rejects the tag list %j',
    (record) => {
      expect(tagList(record)).toBeUndefined();
    },
  );
});

describe('dmarcRecords', () => {
  it('keeps records whose first tag is v=DMARC1 exactly', () => {
    expect(
      dmarcRecords([
        'v=DMARC1; p=reject',
        'v = DMARC1 ;p=none',
        'v=DMARC1',
        'v=dmarc1; p=reject',
        'v=DMARC10; p=reject',
        'p=reject; v=DMARC1',
        'v=spf1 -all',
      ]),
    ).toEqual(['v=DMARC1; p=reject', 'v = DMARC1 ;p=none', 'v=DMARC1']);
  });
});

describe('parseDmarc', () => {
  it('reads p, sp, pct and rua', () => {
    expect(parseDmarc('v=DMARC1; p=reject; sp=quarantine; pct=50; rua=mailto:d@example.com')).toEqual({
      ok: true,
      policy: 'reject',
      subdomainPolicy: 'quarantine',
      pct: 50,
      reports: true,
    });
  });
  it('reads a record without p= but with rua= as p=none (RFC 7489 §6.6.3)', () => {
    expect(parseDmarc('v=DMARC1; rua=mailto:d@example.com')).toEqual({
      ok: true,
      policy: 'none',
      pct: 100,
      reports: true,
      policyImplied: true,
    });
  });
  it('defaults pct to 100, reports to false, leaves sp out, reads policies in any case', () => {
    expect(parseDmarc('v=DMARC1; p=None')).toEqual({ ok: true, policy: 'none', pct: 100, reports: false });
    expect(parseDmarc('v=DMARC1; p=quarantine; rua=')).toEqual({
      ok: true,
      policy: 'quarantine',
      pct: 100,
      reports: false,
    });
  });
  it('accepts pct 0 and 100', () => {
    expect(parseDmarc('v=DMARC1; p=reject; pct=0')).toMatchObject({ ok: true, pct: 0 });
    expect(parseDmarc('v=DMARC1; p=reject; pct=100')).toMatchObject({ ok: true, pct: 100 });
  });
  it.each([
    ['v=DMARC1; p', 'not a list'],
    ['v=DMARC1; p=none; p=reject', 'not a list'],
    ['v=DMARC1', 'no policy'],
    ['v=DMARC1; p=block', '`p=block` is not none, quarantine or reject'],
    ['v=DMARC1; p=reject; sp=all', '`sp=all` is not'],
    ['v=DMARC1; p=reject; pct=101', '`pct=101` is not a percentage'],
    ['v=DMARC1; p=reject; pct=-1', 'percentage'],
    ['v=DMARC1; p=reject; pct=50%', 'percentage'],
    ['v=DMARC1; p=reject; pct=', 'percentage'],
  ])('rejects %j (%s)', (record, error) => {
    const parsed = parseDmarc(record);
    expect(parsed.ok).toBe(false);
    if (!parsed.ok) expect(parsed.error).toContain(error);
  });
});

describe('parseDkim', () => {
  it('reads the size of RSA keys published as SubjectPublicKeyInfo', () => {
    expect(parseDkim(`v=DKIM1; k=rsa; p=${RSA2048}`)).toEqual({ ok: true, keyType: 'rsa', bits: 2048 });
    expect(parseDkim(`v=DKIM1; p=${RSA1024}`)).toEqual({ ok: true, keyType: 'rsa', bits: 1024 });
    expect(parseDkim(`p=${rsaKey(512)}`)).toEqual({ ok: true, keyType: 'rsa', bits: 512 });
  });
  it('reads a bare PKCS#1 RSA key, and k= in any case', () => {
    expect(parseDkim(`v=DKIM1; k=RSA; p=${rsaKey(1024, 'pkcs1')}`)).toEqual({
      ok: true,
      keyType: 'rsa',
      bits: 1024,
    });
  });
  it('removes whitespace inside p=', () => {
    const spaced = RSA2048.replace(/(.{60})/g, '$1 \t ');
    expect(parseDkim(`v=DKIM1; k=rsa; p= ${spaced} ; t=s`)).toEqual({ ok: true, keyType: 'rsa', bits: 2048 });
  });
  it('reads a raw 32-byte ed25519 key (RFC 8463)', () => {
    expect(parseDkim(`v=DKIM1; k=ed25519; p=${ed25519Raw()}`)).toEqual({ ok: true, keyType: 'ed25519' });
  });
  it('rejects an ed25519 key published as SubjectPublicKeyInfo or of the wrong size', () => {
    expect(parseDkim(`v=DKIM1; k=ed25519; p=${ed25519Spki()}`)).toEqual({
      ok: false,
      error: 'its ed25519 key is 44 bytes, not 32',
    });
    expect(parseDkim(`k=ed25519; p=${RSA1024}`)).toMatchObject({ ok: false });
  });
  it('rejects an ed25519 SPKI published under k=rsa', () => {
    expect(parseDkim(`v=DKIM1; k=rsa; p=${ed25519Spki()}`)).toEqual({
      ok: false,
      error: 'its key (`p=`) is not a base64 RSA public key',
    });
  });
  it.each(['p=', 'p= ', 'v=DKIM1; k=rsa; p=', 'v=DKIM1; p=;'])('reads %j as revoked', (record) => {
    expect(parseDkim(record)).toEqual({
      ok: false,
      error: 'its key is empty (`p=`), which means revoked',
      revoked: true,
    });
  });
  it('rejects a wrong v= and a v= that is not the first tag', () => {
    expect(parseDkim(`v=DKIM2; p=${RSA1024}`)).toEqual({
      ok: false,
      error: '`v=DKIM2` must be `v=DKIM1`, the first tag',
    });
    expect(parseDkim(`v=dkim1; p=${RSA1024}`)).toMatchObject({ ok: false });
    expect(parseDkim(`k=rsa; v=DKIM1; p=${RSA1024}`)).toMatchObject({
      ok: false,
      error: expect.stringContaining('the first tag'),
    });
  });
  it('rejects an unknown k=, a missing p= and a record that is no tag list', () => {
    expect(parseDkim(`v=DKIM1; k=dsa; p=${RSA1024}`)).toEqual({
      ok: false,
      error: '`k=dsa` is not a key type verifiers know (rsa, ed25519)',
    });
    expect(parseDkim('v=DKIM1; k=rsa')).toEqual({ ok: false, error: 'it has no public key (`p=`)' });
    expect(parseDkim(RSA1024)).toMatchObject({ ok: false, error: expect.stringContaining('not a list') });
    expect(parseDkim(`v=DKIM1; p=${RSA1024}; p=${RSA2048}`)).toMatchObject({ ok: false });
  });
  it.each(['not*base64!', 'AAAA', 'MIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEA', RSA2048.slice(0, 200)])(
    'rejects the garbage key %j',
    (p) => {
      expect(parseDkim(`v=DKIM1; k=rsa; p=${p}`)).toEqual({
        ok: false,
        error: 'its key (`p=`) is not a base64 RSA public key',
      });
    },
  );
  it('reads tag names case-sensitively (RFC 6376 §3.2): `P=` is no key, `V=DKIM1` no version', () => {
    expect(parseDkim(`v=DKIM1; k=rsa; P=${RSA2048}`)).toEqual({
      ok: false,
      error: 'it has no public key (`p=`)',
    });
    expect(parseDkim(`V=DKIM1; p=${RSA2048}`)).toEqual({ ok: true, keyType: 'rsa', bits: 2048 });
  });
  it('rejects a key restricted to sha1 (h=sha1), which RFC 8301 forbids verifiers to accept', () => {
    expect(parseDkim(`v=DKIM1; h=sha1; k=rsa; p=${RSA2048}`).ok).toBe(false);
    expect(parseDkim(`v=DKIM1; h=sha1:sha256; k=rsa; p=${RSA2048}`)).toEqual({
      ok: true,
      keyType: 'rsa',
      bits: 2048,
    });
  });
});
