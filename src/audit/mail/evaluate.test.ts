import { generateKeyPairSync } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { mailProblems } from './evaluate.js';
import type { DnsAnswer, MailFacts } from './facts.js';
import type { MailProblem } from './problem.js';

const D = 'example.com';

function rsaKey(bits: number): string {
  const { publicKey } = generateKeyPairSync('rsa', { modulusLength: bits });
  return publicKey.export({ type: 'spki', format: 'der' }).toString('base64');
}

function ed25519Raw(): string {
  const { publicKey } = generateKeyPairSync('ed25519');
  return publicKey.export({ type: 'spki', format: 'der' }).subarray(12).toString('base64');
}

const RSA2048 = rsaKey(2048);

function found(...records: string[]): DnsAnswer {
  return { status: 'found', records };
}
const NX: DnsAnswer = { status: 'none', rcode: 'NXDOMAIN' };
const EMPTY: DnsAnswer = { status: 'none', rcode: 'NOERROR' };
const SERVFAIL: DnsAnswer = { status: 'failed', rcode: 'SERVFAIL', message: 'server failure' };

/** A clean domain: SPF through one include, DMARC p=reject, one 2048-bit DKIM key at selector s1. */
const CLEAN: Record<string, DnsAnswer> = {
  [D]: found('google-site-verification=abc', 'v=spf1 mx include:_spf.provider.example -all'),
  '_spf.provider.example': found('v=spf1 ip4:192.0.2.0/24 ip6:2001:db8::/32 ~all'),
  [`_dmarc.${D}`]: found('v=DMARC1; p=reject; rua=mailto:dmarc@example.com'),
  [`s1._domainkey.${D}`]: found(`v=DKIM1; k=rsa; p=${RSA2048}`),
};

function facts(txt: Record<string, DnsAnswer> = {}, selectors: readonly string[] = ['s1']): MailFacts {
  return { stack: 'shop', domain: D, selectors, resolver: '192.0.2.53', txt: { ...CLEAN, ...txt } };
}

function rules(problems: readonly MailProblem[]): string[] {
  return problems.map((p) => p.rule);
}

function only(txt: Record<string, DnsAnswer>, selectors?: readonly string[]): MailProblem {
  const problems = mailProblems(facts(txt, selectors));
  expect(problems).toHaveLength(1);
  const [problem] = problems;
  if (!problem) throw new Error('no problem');
  return problem;
}

function spf(record: string, extra: Record<string, DnsAnswer> = {}): MailProblem[] {
  return mailProblems(facts({ [D]: found(record), ...extra }));
}

/** `count` includes, each naming a record with `lookups` more `a` lookups. */
function includeChain(count: number, lookups: number): Record<string, DnsAnswer> {
  const txt: Record<string, DnsAnswer> = {};
  const names = Array.from({ length: count }, (_, i) => `i${i}.example`);
  txt[D] = found(`v=spf1 ${names.map((n) => `include:${n}`).join(' ')} -all`);
  for (const n of names) txt[n] = found(`v=spf1 ${'a '.repeat(lookups)}~all`);
  return txt;
}

describe('mailProblems: clean domain', () => {
  it('reports nothing', () => {
    expect(mailProblems(facts())).toEqual([]);
  });
  it('accepts ~all, a redirect to a record ending -all, and an inherited enforced DMARC', () => {
    const sub = 'mail.example.com';
    expect(
      mailProblems({
        ...facts(),
        domain: sub,
        txt: {
          [sub]: found('v=spf1 redirect=_spf.example.com'),
          '_spf.example.com': found('v=spf1 mx ~all'),
          [`_dmarc.${sub}`]: NX,
          '_dmarc.example.com': found('v=DMARC1; p=none; sp=reject'),
          [`s1._domainkey.${sub}`]: found(`v=DKIM1; p=${RSA2048}`),
        },
      }),
    ).toEqual([]);
  });
});

describe('mailProblems: SPF', () => {
  it('reports a domain that does not exist once, as a likely typo, and nothing else about it', () => {
    const p = only({ [D]: NX });
    expect(p).toMatchObject({ rule: 'mail-spf-missing', evidence: 'spf:example.com:nxdomain' });
    expect(p.message).toContain('example.com does not exist (NXDOMAIN from 192.0.2.53)');
    expect(p.fix).toContain('typo');
  });
  it.each([
    ['NOERROR without TXT', EMPTY],
    ['TXT but no SPF', found('v=DMARC1; p=reject', 'v=spf10 -all')],
  ])('reports a missing record (%s)', (_, answer) => {
    const p = only({ [D]: answer });
    expect(p).toMatchObject({ rule: 'mail-spf-missing', evidence: 'spf:example.com:missing' });
    expect(p.message).toContain('publishes no SPF record');
    expect(p.fix).toContain('-all');
  });
  it('reports several records as broken', () => {
    const p = only({ [D]: found('v=spf1 -all', 'v=spf1 mx -all') });
    expect(p).toMatchObject({ rule: 'mail-spf-missing', evidence: 'spf:example.com:broken' });
    expect(p.message).toContain('2 SPF records');
  });
  it('reports an invalid record with the parse error', () => {
    const p = only({ [D]: found('v=spf1 ip4:300.1.1.1 -all') });
    expect(p).toMatchObject({ rule: 'mail-spf-missing', evidence: 'spf:example.com:broken' });
    expect(p.message).toContain('not a valid IPv4 network');
    expect(p.fix).toMatch(/^fix the SPF record/);
  });
  it('reports an include that names no SPF record, and an invalid included record', () => {
    const p = only({ [D]: found('v=spf1 include:nospf.example -all'), 'nospf.example': NX });
    expect(p.evidence).toBe('spf:example.com:broken');
    expect(p.message).toContain('nospf.example (through example.com) publishes no SPF record');
    const q = only({
      [D]: found('v=spf1 include:bad.example -all'),
      'bad.example': found('v=spf1 foo -all'),
    });
    expect(q.message).toContain('not an SPF mechanism');
  });
  it('reports include loops, direct and indirect, and a redirect to itself', () => {
    expect(rules(spf('v=spf1 include:example.com -all'))).toEqual(['mail-spf-missing']);
    const p = only({
      [D]: found('v=spf1 include:a.example -all'),
      'a.example': found('v=spf1 include:B.example ~all'),
      'b.example': found('v=spf1 include:a.example ~all'),
    });
    expect(p.evidence).toBe('spf:example.com:broken');
    expect(p.message).toContain('loop');
    expect(spf('v=spf1 redirect=example.com')[0]?.message).toContain('loop');
  });
  it('follows the same include twice without calling it a loop', () => {
    expect(spf('v=spf1 include:_spf.provider.example include:_spf.provider.example -all')).toEqual([]);
  });
  it('reports a redirect to a domain without SPF as broken', () => {
    const p = only({ [D]: found('v=spf1 redirect=gone.example'), 'gone.example': NX });
    expect(p).toMatchObject({ rule: 'mail-spf-missing', evidence: 'spf:example.com:broken' });
    expect(p.message).toContain('gone.example');
  });
  it('reports a redirect target without all as permissive', () => {
    const p = only({ [D]: found('v=spf1 redirect=r.example'), 'r.example': found('v=spf1 mx') });
    expect(p).toMatchObject({ rule: 'mail-spf-permissive', evidence: 'spf:example.com:permissive' });
    expect(p.message).toContain('ends without');
  });
  it('uses the all of the record over its redirect', () => {
    expect(spf('v=spf1 mx -all redirect=gone.example', { 'gone.example': NX })).toEqual([]);
  });
  it('counts lookups through nested includes: 10 is fine, 11 is broken', () => {
    expect(mailProblems(facts(includeChain(2, 4)))).toEqual([]);
    const p = only(includeChain(2, 5));
    expect(p).toMatchObject({ rule: 'mail-spf-missing', evidence: 'spf:example.com:broken' });
    expect(p.message).toContain('receivers give up after 10');
    const nested = {
      [D]: found('v=spf1 mx a include:n1.example -all'),
      'n1.example': found('v=spf1 a mx include:n2.example ~all'),
      'n2.example': found('v=spf1 a mx exists:%{i}.x.example ptr redirect=n3.example'),
      'n3.example': found('v=spf1 -all'),
    };
    expect(rules(mailProblems(facts(nested)))).toEqual(['mail-spf-missing']);
  });
  it('does not count a redirect that an all makes ignored (RFC 7208 §6.1)', () => {
    expect(spf(`v=spf1 ${'a '.repeat(10)}-all redirect=_spf.provider.example`)).toEqual([]);
  });
  it.each([
    ['v=spf1 +all', '`+all`'],
    ['v=spf1 mx all', '`+all`'],
    ['v=spf1 mx ?all', '`?all`'],
    ['v=spf1 mx', 'ends without'],
  ])('reports %s as permissive', (record, words) => {
    const [p, ...rest] = spf(record);
    expect(rest).toEqual([]);
    expect(p).toMatchObject({ rule: 'mail-spf-permissive', evidence: 'spf:example.com:permissive' });
    expect(p?.message).toContain(words);
  });
  it('reports an include of a +all record, but not of ?all, -include or an include without all', () => {
    const open = { 'open.example': found('v=spf1 +all') };
    const p = spf('v=spf1 include:open.example -all', open)[0];
    expect(p).toMatchObject({ rule: 'mail-spf-permissive', evidence: 'spf:example.com:permissive' });
    expect(p?.message).toContain('include:open.example passes every server');
    expect(spf('v=spf1 -include:open.example -all', open)).toEqual([]);
    expect(spf('v=spf1 ~include:open.example -all', open)).toEqual([]);
    expect(spf('v=spf1 include:q.example -all', { 'q.example': found('v=spf1 ?all') })).toEqual([]);
    expect(spf('v=spf1 include:n.example -all', { 'n.example': found('v=spf1 ip4:192.0.2.1') })).toEqual([]);
    const deep = { 'mid.example': found('v=spf1 include:open.example'), ...open };
    expect(rules(spf('v=spf1 include:mid.example -all', deep))).toEqual(['mail-spf-permissive']);
  });
  it('does not follow an include or redirect built from the sender (a macro), nor report it', () => {
    expect(spf('v=spf1 include:%{i}._ip.example -all')).toEqual([]);
    expect(spf('v=spf1 mx redirect=%{d}.spf.example')).toEqual([]);
  });
  it('ignores an include after -all, which a receiver never evaluates', () => {
    expect(spf('v=spf1 mx -all include:open.example', { 'open.example': found('v=spf1 +all') })).toEqual([]);
  });
});

describe('mailProblems: DMARC', () => {
  const sub = 'mail.example.com';
  function subFacts(txt: Record<string, DnsAnswer>): MailFacts {
    return {
      ...facts(),
      domain: sub,
      txt: {
        [sub]: found('v=spf1 -all'),
        [`s1._domainkey.${sub}`]: found(`v=DKIM1; p=${RSA2048}`),
        ...txt,
      },
    };
  }
  it('reports a missing record, naming where it looked', () => {
    const p = only({ [`_dmarc.${D}`]: found('v=spf1 -all') });
    expect(p).toMatchObject({ rule: 'mail-dmarc-missing', evidence: 'dmarc:example.com:missing' });
    expect(p.message).toContain('_dmarc.example.com');
    const [q] = mailProblems(subFacts({ '_dmarc.mail.example.com': NX, '_dmarc.example.com': EMPTY }));
    expect(q?.message).toContain('_dmarc.mail.example.com or _dmarc.example.com');
  });
  it('reports several records', () => {
    const p = only({ [`_dmarc.${D}`]: found('v=DMARC1; p=reject', 'v=DMARC1; p=none') });
    expect(p).toMatchObject({ rule: 'mail-dmarc-missing', evidence: 'dmarc:example.com:several' });
    expect(p.message).toContain('2 DMARC records');
  });
  it('reports an invalid record with the parse error', () => {
    const p = only({ [`_dmarc.${D}`]: found('v=DMARC1; p=block') });
    expect(p).toMatchObject({ rule: 'mail-dmarc-missing', evidence: 'dmarc:example.com:invalid' });
    expect(p.message).toContain('`p=block`');
  });
  it('reports p=none and pct under 100 as not enforced', () => {
    const none = only({ [`_dmarc.${D}`]: found('v=DMARC1; p=none; rua=mailto:d@example.com') });
    expect(none).toMatchObject({ rule: 'mail-dmarc-not-enforced', evidence: 'dmarc:example.com:none:100' });
    expect(none.message).toContain('is none');
    const pct = only({ [`_dmarc.${D}`]: found('v=DMARC1; p=quarantine; pct=25') });
    expect(pct).toMatchObject({
      rule: 'mail-dmarc-not-enforced',
      evidence: 'dmarc:example.com:quarantine:25',
    });
    expect(pct.message).toContain('25%');
  });
  it('says what receivers do with the mail pct= leaves out: quarantine under reject, delivery under quarantine', () => {
    const reject = only({ [`_dmarc.${D}`]: found('v=DMARC1; p=reject; pct=50') });
    expect(reject.message).toContain('the rest is quarantined');
    const quarantine = only({ [`_dmarc.${D}`]: found('v=DMARC1; p=quarantine; pct=50') });
    expect(quarantine.message).toContain('the rest is delivered');
  });
  it('reads a record with rua= but no p= as p=none and says why', () => {
    const p = only({ [`_dmarc.${D}`]: found('v=DMARC1; rua=mailto:d@example.com') });
    expect(p).toMatchObject({ rule: 'mail-dmarc-not-enforced', evidence: 'dmarc:example.com:none:100' });
    expect(p.message).toContain('no p=');
  });
  it('ignores sp= for the domain itself', () => {
    expect(mailProblems(facts({ [`_dmarc.${D}`]: found('v=DMARC1; p=reject; sp=none') }))).toEqual([]);
  });
  it('inherits the parent policy, using sp= when given', () => {
    const sp = mailProblems(
      subFacts({ [`_dmarc.${sub}`]: NX, '_dmarc.example.com': found('v=DMARC1; p=reject; sp=none') }),
    );
    expect(rules(sp)).toEqual(['mail-dmarc-not-enforced']);
    expect(sp[0]?.evidence).toBe('dmarc:mail.example.com:none:100');
    expect(sp[0]?.message).toContain('inherits from example.com');
    const parentNone = mailProblems(
      subFacts({ [`_dmarc.${sub}`]: NX, '_dmarc.example.com': found('v=DMARC1; p=none') }),
    );
    expect(parentNone.map((p) => p.evidence)).toEqual(['dmarc:mail.example.com:none:100']);
    const own = mailProblems(subFacts({ [`_dmarc.${sub}`]: found('v=DMARC1; p=reject') }));
    expect(own).toEqual([]);
  });
});

describe('mailProblems: DKIM', () => {
  const at = (record: string): Record<string, DnsAnswer> => ({ [`s1._domainkey.${D}`]: found(record) });
  it('reports an empty selector list as unsigned mail', () => {
    const p = only({}, []);
    expect(p).toMatchObject({ rule: 'mail-dkim-missing', evidence: 'dkim:example.com:unsigned' });
    expect(p.selector).toBeUndefined();
  });
  it('reports a selector without a key, lower-casing the selector', () => {
    const p = only({ [`mail2024._domainkey.${D}`]: NX }, ['Mail2024']);
    expect(p).toMatchObject({
      rule: 'mail-dkim-missing',
      evidence: 'dkim:mail2024._domainkey.example.com:missing',
      selector: 0,
    });
    expect(p.message).toContain('selector Mail2024');
  });
  it.each([
    ['p=', 'revoked'],
    ['v=DKIM1; k=rsa; p=', 'revoked'],
    ['v=DKIM1; k=rsa; p=AAAA', 'invalid'],
    ['k=rsa; v=DKIM1; p=x', 'invalid'],
  ])('reports %j as %s', (record, kind) => {
    expect(only(at(record))).toMatchObject({
      rule: 'mail-dkim-missing',
      evidence: `dkim:s1._domainkey.example.com:${kind}`,
      selector: 0,
    });
  });
  it('reports a 512-bit key as missing and a 1024-bit key as weak', () => {
    const small = only(at(`v=DKIM1; p=${rsaKey(512)}`));
    expect(small).toMatchObject({
      rule: 'mail-dkim-missing',
      evidence: 'dkim:s1._domainkey.example.com:bits-512',
    });
    expect(small.message).toContain('512 bits');
    const weak = only(at(`v=DKIM1; p=${rsaKey(1024)}`));
    expect(weak).toMatchObject({
      rule: 'mail-dkim-weak-key',
      evidence: 'dkim:s1._domainkey.example.com:bits-1024',
      selector: 0,
    });
    expect(weak.message).toContain('1024 bits');
  });
  it('accepts 2048-bit RSA keys, and ed25519 keys beside an RSA one', () => {
    expect(mailProblems(facts(at(`v=DKIM1; k=rsa; p=${RSA2048}`)))).toEqual([]);
    const both = {
      [`s1._domainkey.${D}`]: found(`v=DKIM1; k=ed25519; p=${ed25519Raw()}`),
      [`s2._domainkey.${D}`]: found(`v=DKIM1; k=rsa; p=${RSA2048}`),
    };
    expect(mailProblems(facts(both, ['s1', 's2']))).toEqual([]);
  });
  it('reports mail signed with ed25519 keys only as weak: many receivers do not verify ed25519', () => {
    const p = only(at(`v=DKIM1; k=ed25519; p=${ed25519Raw()}`));
    expect(p).toMatchObject({ rule: 'mail-dkim-weak-key', evidence: 'dkim:example.com:ed25519-only' });
    expect(p.selector).toBeUndefined();
    expect(p.fix).toContain('2048-bit RSA key as well');
    // An unanswered RSA selector beside it: not known to be ed25519 only.
    const unknown = mailProblems(
      facts({ ...at(`v=DKIM1; k=ed25519; p=${ed25519Raw()}`), [`s2._domainkey.${D}`]: SERVFAIL }, [
        's1',
        's2',
      ]),
    );
    expect(unknown.map((x) => x.rule)).toEqual(['mail-not-checked']);
  });
  it('reports several records at one selector', () => {
    const p = only({ [`s1._domainkey.${D}`]: found(`p=${RSA2048}`, `p=${RSA2048}`) });
    expect(p).toMatchObject({
      rule: 'mail-dkim-missing',
      evidence: 'dkim:s1._domainkey.example.com:several',
    });
    expect(p.fix).toMatch(/^keep one/);
  });
  it('checks every selector and numbers problems by selector index', () => {
    const problems = mailProblems(
      facts({ [`s2._domainkey.${D}`]: found(`p=${rsaKey(1024)}`), [`s3._domainkey.${D}`]: EMPTY }, [
        's1',
        's2',
        's3',
      ]),
    );
    expect(problems.map((p) => [p.rule, p.selector])).toEqual([
      ['mail-dkim-weak-key', 1],
      ['mail-dkim-missing', 2],
    ]);
  });
});

describe('mailProblems: unanswered lookups', () => {
  it('never reads a SERVFAIL for the domain as a missing SPF record, and still checks DMARC and DKIM', () => {
    const problems = mailProblems(facts({ [D]: SERVFAIL, [`_dmarc.${D}`]: found('v=DMARC1; p=none') }, []));
    expect(rules(problems)).toEqual(['mail-not-checked', 'mail-dmarc-not-enforced', 'mail-dkim-missing']);
    expect(problems[0]?.evidence).toBe('dns:example.com');
    expect(problems[0]?.message).toContain('SPF of example.com was not checked');
    expect(problems[0]?.message).toContain('192.0.2.53 (SERVFAIL: server failure)');
  });
  it('reports a failed include and a name that was never looked up as unanswered', () => {
    const failed = only({ [D]: found('v=spf1 include:x.example -all'), 'x.example': SERVFAIL });
    expect(failed).toMatchObject({ rule: 'mail-not-checked', evidence: 'dns:x.example' });
    const notAsked = only({ [D]: found('v=spf1 include:unknown.example -all') });
    expect(notAsked).toMatchObject({ rule: 'mail-not-checked', evidence: 'dns:unknown.example' });
    expect(notAsked.message).toContain('NOT ASKED');
  });
  it('reports a SERVFAIL at _dmarc, or at a parent after NXDOMAIN, as unanswered', () => {
    const p = only({ [`_dmarc.${D}`]: SERVFAIL });
    expect(p).toMatchObject({ rule: 'mail-not-checked', evidence: 'dns:_dmarc.example.com' });
    expect(p.message).toContain('DMARC of example.com was not checked');
    const sub = 'mail.example.com';
    const problems = mailProblems({
      ...facts(),
      domain: sub,
      txt: {
        [sub]: found('v=spf1 +all'),
        [`_dmarc.${sub}`]: NX,
        '_dmarc.example.com': SERVFAIL,
        [`s1._domainkey.${sub}`]: found(`p=${RSA2048}`),
      },
    });
    expect(problems.map((q) => [q.rule, q.evidence])).toEqual([
      ['mail-spf-permissive', 'spf:mail.example.com:permissive'],
      ['mail-not-checked', 'dns:_dmarc.example.com'],
    ]);
  });
  it('reports a SERVFAIL at one selector for that selector only', () => {
    const problems = mailProblems(
      facts({ [`s2._domainkey.${D}`]: SERVFAIL, [`s3._domainkey.${D}`]: NX }, ['s1', 's2', 's3']),
    );
    expect(problems.map((p) => [p.rule, p.evidence, p.selector])).toEqual([
      ['mail-not-checked', 'dns:s2._domainkey.example.com', 1],
      ['mail-dkim-missing', 'dkim:s3._domainkey.example.com:missing', 2],
    ]);
    expect(problems[0]?.message).toContain('DKIM selector s2 of example.com');
  });
  it('reports every check unanswered when all lookups fail', () => {
    const problems = mailProblems(
      facts({ [D]: SERVFAIL, [`_dmarc.${D}`]: SERVFAIL, [`s1._domainkey.${D}`]: SERVFAIL }),
    );
    expect(problems.map((p) => p.evidence)).toEqual([
      'dns:example.com',
      'dns:_dmarc.example.com',
      'dns:s1._domainkey.example.com',
    ]);
  });
});

describe('mailProblems: invalid settings', () => {
  it('reports only that the mail was not checked, at the section', () => {
    const invalid: MailFacts = { ...facts(), invalid: 'resolver: give an IP address' };
    expect(mailProblems(invalid)).toEqual([
      expect.objectContaining({ rule: 'mail-not-checked', evidence: 'invalid-settings', section: true }),
    ]);
  });
});
