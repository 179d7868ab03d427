import { mailProblems } from '../mail/evaluate.js';
import type { MailProblem, MailRuleId } from '../mail/problem.js';
import type { Hit, Rule, Severity, Snapshot } from '../types.js';

/** Each mail domain's problems (pure and cheap: every mail rule works them out again). */
function problems(snapshot: Snapshot): { stack: string; problem: MailProblem }[] {
  return (snapshot.mail ?? []).flatMap((facts) =>
    mailProblems(facts).map((problem) => ({ stack: facts.stack, problem })),
  );
}

/** A problem located at the x-berth.mail key it is about: the selector, or the domain. */
function hitOf(stack: string, problem: MailProblem): Hit {
  const at = problem.section
    ? ['x-berth', 'mail']
    : problem.selector === undefined
      ? ['x-berth', 'mail', problem.rule.startsWith('mail-dkim') ? 'dkim_selectors' : 'domain']
      : ['x-berth', 'mail', 'dkim_selectors', problem.selector];
  return { stack, path: at, evidence: problem.evidence, message: problem.message, fix: problem.fix };
}

function mailRule(id: MailRuleId, severity: Severity, title: string, rationale: string, fix: string): Rule {
  return {
    id,
    title,
    severity,
    category: 'standards',
    dns: true,
    rationale,
    fix,
    check: (snapshot) =>
      problems(snapshot)
        .filter((p) => p.problem.rule === id)
        .map((p) => hitOf(p.stack, p.problem)),
  };
}

export const mailSpfMissing = mailRule(
  'mail-spf-missing',
  'high',
  'Mail domain without a working SPF record',
  'Without one SPF record that receivers can evaluate, nothing says which servers may send as the ' +
    'domain: its mail lands in spam, and DMARC cannot pass on SPF.',
  'Publish one TXT record at the domain: "v=spf1 mx include:<your provider> -all".',
);

export const mailSpfPermissive = mailRule(
  'mail-spf-permissive',
  'high',
  'SPF record that lets anyone send',
  'An SPF record ending in +all passes every server on the internet, and ?all or no all at all leaves ' +
    'forged mail unjudged: the record protects nothing.',
  'End the SPF record with -all (or ~all while you watch the DMARC reports).',
);

export const mailDmarcMissing = mailRule(
  'mail-dmarc-missing',
  'high',
  'Mail domain without a DMARC policy',
  'Without a DMARC record receivers decide alone what to do with mail that fails SPF and DKIM, and ' +
    'large mailbox providers now require one from bulk senders.',
  'Publish a TXT record at _dmarc.<domain>: "v=DMARC1; p=quarantine; rua=mailto:dmarc@<domain>".',
);

export const mailDmarcNotEnforced = mailRule(
  'mail-dmarc-not-enforced',
  'medium',
  'DMARC policy that does not enforce',
  'p=none (or a pct under 100) only asks for reports: forged mail in the domain’s name is still ' +
    'delivered. It is the right first step, not a place to stay.',
  'Once the reports show your own mail passing, set p=quarantine or p=reject.',
);

export const mailDkimMissing = mailRule(
  'mail-dkim-missing',
  'high',
  'DKIM selector without a usable key',
  'Mail signed with a selector whose key is missing, revoked or malformed fails DKIM, and unsigned mail ' +
    'leaves DMARC resting on SPF alone, which forwarding breaks.',
  'Publish the signing key at <selector>._domainkey.<domain> ("v=DKIM1; k=rsa; p=<base64 key>").',
);

export const mailDkimWeakKey = mailRule(
  'mail-dkim-weak-key',
  'medium',
  'DKIM key under 2048 bits',
  'RSA keys under 2048 bits are within reach of factoring, and RFC 8301 asks signers for 2048; some ' +
    'receivers already treat 1024-bit signatures as weak.',
  'Sign with a new 2048-bit key under a new selector, publish it, then retire the old one.',
);

export const mailDnsUnanswered = mailRule(
  'mail-not-checked',
  'medium',
  'Mail DNS lookup without an answer',
  'A lookup that got no answer (SERVFAIL, a timeout) says nothing about the record: the check did not ' +
    'run, and receivers that meet the same failure defer or reject the mail.',
  'Run the audit again; if it persists, check the domain’s name servers or x-berth.mail.resolver.',
);

/** The mail rules, in RULE_IDS order. */
export const MAIL_RULES: readonly Rule[] = [
  mailSpfMissing,
  mailSpfPermissive,
  mailDmarcMissing,
  mailDmarcNotEnforced,
  mailDkimMissing,
  mailDkimWeakKey,
  mailDnsUnanswered,
];
