/*
 * What receiving mail servers would make of a domain's SPF, DMARC and DKIM records, from the TXT
 * answers collected for it. Pure: each problem names the rule it belongs to, the record and what to
 * publish instead. A lookup that got no answer is said as such and never read as a missing record.
 */
import { dkimName, dmarcNames, type MailFacts } from './facts.js';
import { answered, type MailProblem, txtAt, Unanswerable, unanswered } from './problem.js';
import { dmarcRecords, parseDkim, parseDmarc } from './records.js';
import { spfProblems } from './spf-check.js';

/** RFC 8301 recommends 2048; verifiers must refuse keys under 1024 bits. */
const DKIM_MIN_BITS = 1024;
const DKIM_GOOD_BITS = 2048;

function dmarcProblems(facts: MailFacts): MailProblem[] {
  const d = facts.domain;
  const names = dmarcNames(d);
  const publish = `publish a TXT record at _dmarc.${d}: "v=DMARC1; p=quarantine; rua=mailto:dmarc@${d}" (p=reject once the reports are clean)`;
  for (const [index, name] of names.entries()) {
    const records = dmarcRecords(txtAt(facts, name));
    if (records.length === 0) continue;
    const inherited = index > 0 ? ` (the policy ${d} inherits from ${name.slice('_dmarc.'.length)})` : '';
    if (records.length > 1)
      return [
        {
          rule: 'mail-dmarc-missing',
          evidence: `dmarc:${d}:several`,
          message: `${name} publishes ${records.length} DMARC records${inherited}: receivers apply none of them`,
          fix: `keep one: ${publish}`,
        },
      ];
    const parsed = parseDmarc(records[0] ?? '');
    if (!parsed.ok)
      return [
        {
          rule: 'mail-dmarc-missing',
          evidence: `dmarc:${d}:invalid`,
          message: `the DMARC record at ${name}${inherited} is invalid: ${parsed.error}`,
          fix: `fix it: ${publish}`,
        },
      ];
    const policy = index > 0 ? (parsed.subdomainPolicy ?? parsed.policy) : parsed.policy;
    if (policy === 'none' || parsed.pct < 100)
      return [
        {
          rule: 'mail-dmarc-not-enforced',
          evidence: `dmarc:${d}:${policy}:${parsed.pct}`,
          message:
            policy === 'none'
              ? `the DMARC policy of ${d} is none${parsed.policyImplied ? ' (no p=, and an rua= asks for reports)' : ''}${inherited}: mail that fails SPF and DKIM is still delivered`
              : `the DMARC policy of ${d} applies to ${parsed.pct}% of failing mail${inherited}: the rest is ${policy === 'reject' ? 'quarantined' : 'delivered'}`,
          fix: `once its reports show your own mail passing, set p=quarantine or p=reject (and drop pct) at ${name}`,
        },
      ];
    return [];
  }
  return [
    {
      rule: 'mail-dmarc-missing',
      evidence: `dmarc:${d}:missing`,
      message: `${d} publishes no DMARC policy (no \`v=DMARC1\` record at ${names.join(' or ')}): receivers decide alone what to do with forged mail`,
      fix: publish,
    },
  ];
}

function dkimProblems(facts: MailFacts): MailProblem[] {
  const d = facts.domain;
  if (facts.selectors.length === 0)
    return [
      {
        rule: 'mail-dkim-missing',
        evidence: `dkim:${d}:unsigned`,
        message: `mail from ${d} is not DKIM-signed (x-berth.mail.dkim_selectors is empty): DMARC then rests on SPF alone, which forwarding breaks`,
        fix: `have the mail server sign with a 2048-bit key, publish it at <selector>._domainkey.${d} and list the selector in dkim_selectors`,
      },
    ];
  const problems: MailProblem[] = [];
  /** The key type of each selector whose key verifiers accept. */
  const accepted: string[] = [];
  for (const [index, selector] of facts.selectors.entries()) {
    const name = dkimName(selector, d);
    const publish = `publish the public key the mail server signs with at ${name}: "v=DKIM1; k=rsa; p=<base64 key>", 2048 bits`;
    let records: readonly string[];
    try {
      records = txtAt(facts, name);
    } catch (error: unknown) {
      if (!(error instanceof Unanswerable)) throw error;
      problems.push(unanswered(facts, name, error.unanswered.answer, `DKIM selector ${selector}`, index));
      continue;
    }
    const missing = (evidence: string, why: string, fix = publish, fails = 'fails DKIM'): MailProblem => ({
      rule: 'mail-dkim-missing',
      evidence: `dkim:${name}:${evidence}`,
      message: `${why}: mail signed with selector ${selector} ${fails}`,
      fix,
      selector: index,
    });
    if (records.length === 0) {
      problems.push(missing('missing', `no DKIM key is published at ${name}`));
      continue;
    }
    if (records.length > 1) {
      problems.push(
        missing(
          'several',
          `${name} publishes ${records.length} TXT records and verifiers pick any one of them`,
          `keep one: ${publish}`,
          'fails DKIM at some receivers',
        ),
      );
      continue;
    }
    const key = parseDkim(records[0] ?? '');
    if (!key.ok) {
      problems.push(
        missing(key.revoked ? 'revoked' : 'invalid', `the DKIM record at ${name} is unusable: ${key.error}`),
      );
      continue;
    }
    if (key.keyType !== 'rsa' || key.bits >= DKIM_MIN_BITS) accepted.push(key.keyType);
    if (key.keyType !== 'rsa' || key.bits >= DKIM_GOOD_BITS) continue;
    if (key.bits < DKIM_MIN_BITS) {
      problems.push(
        missing(
          `bits-${key.bits}`,
          `the DKIM key at ${name} has ${key.bits} bits; verifiers refuse keys under ${DKIM_MIN_BITS}`,
        ),
      );
      continue;
    }
    problems.push({
      rule: 'mail-dkim-weak-key',
      evidence: `dkim:${name}:bits-${key.bits}`,
      message: `the DKIM key at ${name} has ${key.bits} bits, under the ${DKIM_GOOD_BITS} RFC 8301 recommends`,
      fix: `sign with a new 2048-bit key under a new selector, publish it, then retire ${selector}`,
      selector: index,
    });
  }
  // RFC 8463 §1: receivers that do not verify ed25519 see such a signature as none; sign with RSA too.
  if (accepted.length === facts.selectors.length && accepted.every((type) => type === 'ed25519'))
    problems.push({
      rule: 'mail-dkim-weak-key',
      evidence: `dkim:${d}:ed25519-only`,
      message: `mail from ${d} is DKIM-signed with ed25519 keys only: receivers that do not verify ed25519 (many still do not) see it as unsigned`,
      fix: `sign with a 2048-bit RSA key as well (RFC 8463 advises both), under a new selector listed in dkim_selectors`,
    });
  return problems;
}

/** Every problem of one mail domain: SPF, DMARC, then DKIM per selector. */
export function mailProblems(facts: MailFacts): MailProblem[] {
  if (facts.invalid !== undefined)
    return [
      {
        rule: 'mail-not-checked',
        evidence: 'invalid-settings',
        message: `x-berth.mail of ${facts.stack} is invalid (${facts.invalid}): its SPF, DKIM and DMARC were not checked`,
        fix: 'fix x-berth.mail (`berth validate` shows the line); it takes domain, dkim_selectors and an optional resolver',
        section: true,
      },
    ];
  const own = facts.txt[facts.domain];
  if (own?.status === 'none' && own.rcode === 'NXDOMAIN')
    return [
      {
        rule: 'mail-spf-missing',
        evidence: `spf:${facts.domain}:nxdomain`,
        message: `${facts.domain} does not exist (NXDOMAIN from ${facts.resolver}): receivers refuse mail from it, and it has no SPF, DMARC or DKIM to check`,
        fix: 'check x-berth.mail.domain for a typo: it is the domain in the From: address of the mail the stack sends',
      },
    ];
  return [
    ...answered(facts, spfProblems, 'SPF'),
    ...answered(facts, dmarcProblems, 'DMARC'),
    ...dkimProblems(facts),
  ];
}
