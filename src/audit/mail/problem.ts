// What the mail checks report, and how a lookup without an answer is told apart from a missing record.
import { type DnsAnswer, type DnsRecordType, hostKey, type MailFacts } from './facts.js';

export type MailRuleId =
  | 'mail-spf-missing'
  | 'mail-spf-permissive'
  | 'mail-dmarc-missing'
  | 'mail-dmarc-not-enforced'
  | 'mail-dkim-missing'
  | 'mail-dkim-weak-key'
  | 'mail-not-checked';

export interface MailProblem {
  readonly rule: MailRuleId;
  /** Stable facts for the fingerprint (never message text). */
  readonly evidence: string;
  readonly message: string;
  readonly fix: string;
  /** The DKIM selector (its index in `dkim_selectors`) the problem is about. */
  readonly selector?: number;
  /** About `x-berth.mail` as a whole (it is invalid), not one of its keys. */
  readonly section?: true;
}

export type Unanswered = {
  name: string;
  type: DnsRecordType;
  answer: Extract<DnsAnswer, { status: 'failed' }>;
};

export class Unanswerable extends Error {
  constructor(readonly unanswered: Unanswered) {
    super(unanswered.answer.message);
  }
}

const NOT_ASKED: Unanswered['answer'] = {
  status: 'failed',
  rcode: 'NOT ASKED',
  message: 'Berth did not look it up (more names than it follows)',
};

/** The TXT records at `name`; throws Unanswerable when the lookup got no answer (or was not made). */
export function txtAt(facts: MailFacts, name: string): readonly string[] {
  const answer = facts.txt[name] ?? NOT_ASKED;
  if (answer.status === 'failed') throw new Unanswerable({ name, type: 'TXT', answer });
  return answer.status === 'found' ? answer.records : [];
}

/**
 * The A, AAAA or MX records of `name` (empty: a void answer); undefined when the facts hold no such
 * lookups at all. Throws Unanswerable when this lookup got no answer (or was not made).
 */
export function hostsAt(
  facts: MailFacts,
  type: Exclude<DnsRecordType, 'TXT'>,
  name: string,
): readonly string[] | undefined {
  if (facts.hosts === undefined) return undefined;
  const answer = facts.hosts[hostKey(type, name)] ?? NOT_ASKED;
  if (answer.status === 'failed') throw new Unanswerable({ name, type, answer });
  return answer.status === 'found' ? answer.records : [];
}

/** Runs one check; a lookup without an answer becomes one `mail-not-checked` problem for it. */
export function answered(
  facts: MailFacts,
  check: (f: MailFacts) => MailProblem[],
  what: string,
): MailProblem[] {
  try {
    return check(facts);
  } catch (error: unknown) {
    if (!(error instanceof Unanswerable)) throw error;
    const { name, type, answer } = error.unanswered;
    return [unanswered(facts, name, answer, what, undefined, type)];
  }
}

export function unanswered(
  facts: MailFacts,
  name: string,
  answer: Unanswered['answer'],
  what: string,
  selector?: number,
  type: DnsRecordType = 'TXT',
): MailProblem {
  return {
    rule: 'mail-not-checked',
    evidence: type === 'TXT' ? `dns:${name}` : `dns:${type}:${name}`,
    message: `${what} of ${facts.domain} was not checked: ${type} ${name} got no answer from ${facts.resolver} (${answer.rcode}: ${answer.message})`,
    fix: "run the audit again; if it persists, check the domain's name servers (or set x-berth.mail.resolver to a resolver that answers)",
    ...(selector !== undefined ? { selector } : {}),
  };
}
