import type { StackFacts } from '../types.js';
import { type DnsAnswer, type DnsLookup, dkimName, dmarcNames, hostKey, type MailFacts } from './facts.js';
import { dmarcRecords, evaluatedTerms, hasSpfMacro, parseSpf, spfRecords } from './records.js';
import { MailSettingsSchema, mailSettings } from './settings.js';

/**
 * SPF names followed per domain: the domain, then `include:` and `redirect=` targets breadth first.
 * A receiver gives up after 10 lookups, and every followed name costs one: past this the verdict is
 * already "too many lookups".
 */
const MAX_SPF_NAMES = 12;
/**
 * A, AAAA and MX lookups per domain for SPF's `a`, `mx` and `exists` terms (an `a` costs two). Every
 * term costs one of the 10 lookups a receiver allows, so a record past this already has too many.
 */
const MAX_HOST_LOOKUPS = 2 * 12;

type HostQuery = { readonly type: 'A' | 'AAAA' | 'MX'; readonly name: string };

/** The terms a receiver evaluates in a record's answer, when it holds exactly one SPF record that parses. */
function spfTerms(answer: DnsAnswer | undefined) {
  if (answer?.status !== 'found') return [];
  const [record, ...more] = spfRecords(answer.records);
  if (record === undefined || more.length > 0) return [];
  const parsed = parseSpf(record);
  return parsed.ok ? evaluatedTerms(parsed.terms) : [];
}

/** The SPF targets a receiver reaches from a record's answer (includes, then a redirect), lower case. */
function spfTargets(answer: DnsAnswer | undefined): string[] {
  return spfTerms(answer).flatMap((t) =>
    (t.kind === 'include' || t.kind === 'redirect') && !hasSpfMacro(t.domain) ? [t.domain.toLowerCase()] : [],
  );
}

/** What the `a`, `mx` and `exists` terms of the record at `name` look up (void lookups are counted on them). */
function hostQueries(answer: DnsAnswer | undefined, name: string): HostQuery[] {
  return spfTerms(answer).flatMap((t): HostQuery[] => {
    if (t.kind !== 'a' && t.kind !== 'mx' && t.kind !== 'exists') return [];
    const target = (t.domain ?? name).toLowerCase();
    if (hasSpfMacro(target)) return [];
    if (t.kind === 'a')
      return [
        { type: 'A', name: target },
        { type: 'AAAA', name: target },
      ];
    return [{ type: t.kind === 'mx' ? 'MX' : 'A', name: target }];
  });
}

/**
 * Lookups shared by every stack of one audit: each name is asked once per resolver, and a resolver
 * that timed out is not waited for again (its later names are answered as not asked), so a dead
 * resolver costs one timeout, not one per name and stack.
 */
function sharedLookup(lookup: DnsLookup): DnsLookup {
  const answers = new Map<string, Promise<DnsAnswer>>();
  const silent = new Set<string>();
  return (name, type, server) => {
    const key = `${server ?? ''} ${type} ${name}`;
    let answer = answers.get(key);
    if (!answer) {
      answer = silent.has(server ?? '')
        ? Promise.resolve<DnsAnswer>({
            status: 'failed',
            rcode: 'TIMEOUT',
            message: 'not asked: the resolver did not answer an earlier lookup of this audit',
          })
        : lookup(name, type, server).then((a) => {
            if (a.status === 'failed' && (a.rcode === 'TIMEOUT' || a.rcode === 'CONNREFUSED'))
              silent.add(server ?? '');
            return a;
          });
      answers.set(key, answer);
    }
    return answer;
  };
}

/**
 * The answers one stack's mail checks need, asked of its resolver: SPF (with its terms' hosts), DMARC
 * and DKIM at once.
 */
async function factsOf(
  stack: string,
  settings: NonNullable<ReturnType<typeof mailSettings>>,
  lookup: DnsLookup,
): Promise<MailFacts> {
  const { domain, resolver } = settings;
  const txt: Record<string, DnsAnswer> = {};
  const hosts: Record<string, DnsAnswer> = {};
  const ask = async (name: string) => {
    const answer = await lookup(name, 'TXT', resolver);
    txt[name] = answer;
    return answer;
  };
  const spf = async () => {
    const queue = [domain];
    const asked = new Set<string>();
    const hostLookups: Promise<void>[] = [];
    for (let i = 0; i < queue.length && i < MAX_SPF_NAMES; i++) {
      const name = queue[i] ?? domain;
      const answer = await ask(name);
      for (const target of spfTargets(answer)) if (!queue.includes(target)) queue.push(target);
      for (const { type, name: host } of hostQueries(answer, name)) {
        const key = hostKey(type, host);
        if (asked.has(key) || asked.size >= MAX_HOST_LOOKUPS) continue;
        asked.add(key);
        hostLookups.push(
          lookup(host, type, resolver).then((answer) => {
            hosts[key] = answer;
          }),
        );
      }
    }
    await Promise.all(hostLookups);
  };
  // DMARC: the domain's own policy, else the nearest parent's (the organizational domain's). A name
  // whose TXT records hold no DMARC record counts as none (RFC 7489 §6.6.3).
  const dmarc = async () => {
    for (const name of dmarcNames(domain)) {
      const answer = await ask(name);
      if (answer.status === 'failed') break;
      if (answer.status === 'found' && dmarcRecords(answer.records).length > 0) break;
    }
  };
  const selectors = settings.dkim_selectors;
  await Promise.all([spf(), dmarc(), ...selectors.map((s) => ask(dkimName(s, domain)))]);
  return { stack, domain, selectors, resolver: resolver ?? 'the system resolver', txt, hosts };
}

/** A stack whose x-berth.mail cannot be used: reported as not checked, with what is wrong. */
function invalidFacts(
  stack: string,
  written: unknown,
  issue: { path: readonly PropertyKey[]; message: string } | undefined,
): MailFacts {
  const domain = (written as { domain?: unknown } | null)?.domain;
  const at = issue && issue.path.length > 0 ? `${issue.path.map(String).join('.')}: ` : '';
  return {
    stack,
    domain: typeof domain === 'string' ? domain : '',
    selectors: [],
    resolver: '',
    txt: {},
    invalid: `${at}${issue?.message ?? 'it is not valid'}`,
  };
}

/**
 * What DNS says about the mail domain of every stack with `x-berth.mail`: the lookups `berth audit
 * --live` makes for the mail rules. No stack with the section: no lookup at all.
 */
export async function collectMail(stacks: readonly StackFacts[], lookup: DnsLookup): Promise<MailFacts[]> {
  const shared = sharedLookup(lookup);
  const facts = stacks.map(async (stack): Promise<MailFacts | undefined> => {
    const settings = mailSettings(stack.loaded.xberth.stack);
    if (settings) return factsOf(stack.name, settings, shared);
    // An audit reads files leniently: an invalid x-berth.mail is dropped from the values, not refused.
    const written = stack.loaded.written(['x-berth', 'mail']);
    if (written === undefined) return undefined;
    const parsed = MailSettingsSchema.safeParse(written);
    return invalidFacts(stack.name, written, parsed.success ? undefined : parsed.error.issues[0]);
  });
  return (await Promise.all(facts)).filter((f): f is MailFacts => f !== undefined);
}
