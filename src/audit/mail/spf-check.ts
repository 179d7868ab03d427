// SPF as a receiver evaluates it (RFC 7208), from the collected TXT answers and the A, AAAA and MX
// answers of its terms. Pure.
import type { MailFacts } from './facts.js';
import { hostsAt, type MailProblem, txtAt } from './problem.js';
import { evaluatedTerms, hasSpfMacro, lookupTerms, parseSpf, type SpfTerm, spfRecords } from './records.js';

/** RFC 7208 §4.6.4: a check that needs more DNS lookups than this is a permerror. */
export const SPF_LOOKUP_LIMIT = 10;
/** RFC 7208 §4.6.4: receivers stop after this many lookups that found nothing ("void lookups"). */
export const SPF_VOID_LIMIT = 2;
/** RFC 7208 §4.6.4: an `mx` with more MX records than this is a permerror. */
export const SPF_MX_LIMIT = 10;
type SpfOutcome =
  | { kind: 'missing' | 'broken'; why: string; fix?: string }
  /** `passAll`: every server passes (`+all`), which also makes an `include:` of it pass everyone. */
  | { kind: 'permissive'; why: string; passAll: boolean }
  | { kind: 'ok' };

/** Where a record is read from: the domain's own, an `include:` target, or a `redirect=` target. */
type SpfRole = 'top' | 'include' | 'redirect';

interface SpfWalk {
  lookups: number;
  readonly path: string[];
  /** The terms whose lookup found nothing, as a sender over IPv4 and over IPv6 meets them. */
  readonly voids: { readonly v4: string[]; readonly v6: string[] };
}

/**
 * The void lookups of an `a`, `mx` or `exists` term (RFC 7208 §4.6.4): an `a` asks A of a sender over
 * IPv4 and AAAA over IPv6, `mx` and `exists` ask the same of both. A term built from the sender
 * (`%{i}`) cannot be asked without one; facts without host lookups check nothing.
 */
function voidLookups(facts: MailFacts, term: SpfTerm, name: string, walk: SpfWalk): SpfOutcome | undefined {
  if (term.kind !== 'a' && term.kind !== 'mx' && term.kind !== 'exists') return undefined;
  const target = (term.domain ?? name).toLowerCase();
  if (hasSpfMacro(target)) return undefined;
  const shown = term.domain === undefined ? `${term.kind} (${target})` : `${term.kind}:${target}`;
  if (term.kind === 'a') {
    const v4 = hostsAt(facts, 'A', target);
    const v6 = hostsAt(facts, 'AAAA', target);
    if (v4?.length === 0) walk.voids.v4.push(`${shown} has no IPv4 address`);
    if (v6?.length === 0) walk.voids.v6.push(`${shown} has no IPv6 address`);
  } else {
    const found = hostsAt(facts, term.kind === 'mx' ? 'MX' : 'A', target);
    if (found === undefined) return undefined;
    if (term.kind === 'mx' && found.length > SPF_MX_LIMIT)
      return {
        kind: 'broken',
        why: `\`${shown}\` in the SPF record of ${name} names ${found.length} mail servers, and receivers fail an \`mx\` with more than ${SPF_MX_LIMIT}`,
        fix: `in the SPF record of ${name}, name the sending servers with ip4:/ip6: or a: terms instead of \`${shown}\``,
      };
    if (found.length === 0) {
      const why = `${shown} has no ${term.kind === 'mx' ? 'MX record' : 'address'}`;
      walk.voids.v4.push(why);
      walk.voids.v6.push(why);
    }
  }
  const over = (['v4', 'v6'] as const).find((family) => walk.voids[family].length > SPF_VOID_LIMIT);
  if (over === undefined) return undefined;
  return {
    kind: 'broken',
    why: `checking the SPF record of ${facts.domain} for a sender over ${over === 'v4' ? 'IPv4' : 'IPv6'} meets ${walk.voids[over].length} lookups that find nothing (${walk.voids[over].join('; ')}), and receivers give up after ${SPF_VOID_LIMIT}`,
    fix: 'remove the terms that name hosts without addresses or MX records (servers that are gone), or publish their records',
  };
}

/** Follows an `include:` or `redirect=` to `target`, refusing loops. */
function follow(facts: MailFacts, target: string, walk: SpfWalk, role: SpfRole, from: string): SpfOutcome {
  if (walk.path.includes(target))
    return { kind: 'broken', why: `the SPF record of ${from} leads back to ${target} in a loop` };
  walk.path.push(target);
  const outcome = walkSpf(facts, target, walk, role);
  walk.path.pop();
  return outcome;
}

/** One SPF record and what it includes, in order; the first problem ends the walk. */
function walkSpf(facts: MailFacts, name: string, walk: SpfWalk, role: SpfRole): SpfOutcome {
  const records = spfRecords(txtAt(facts, name));
  const where = role === 'top' ? name : `${name} (through ${walk.path.slice(0, -1).join(' → ')})`;
  if (records.length === 0)
    return role === 'top'
      ? { kind: 'missing', why: `${name} publishes no SPF record (a TXT record starting \`v=spf1\`)` }
      : { kind: 'broken', why: `${where} publishes no SPF record, which makes the whole check fail` };
  if (records.length > 1)
    return {
      kind: 'broken',
      why: `${where} publishes ${records.length} SPF records; receivers fail them all`,
    };
  const parsed = parseSpf(records[0] ?? '');
  if (!parsed.ok) return { kind: 'broken', why: `the SPF record of ${where} is invalid: ${parsed.error}` };
  walk.lookups += lookupTerms(parsed.terms);
  if (walk.lookups > SPF_LOOKUP_LIMIT)
    return {
      kind: 'broken',
      why: `checking the SPF record of ${facts.domain} needs at least ${walk.lookups} DNS lookups, and receivers give up after ${SPF_LOOKUP_LIMIT}`,
    };
  // As a receiver reads it: term by term up to the first `all` (what follows is never reached).
  for (const term of evaluatedTerms(parsed.terms)) {
    const voided = voidLookups(facts, term, name, walk);
    if (voided) return voided;
    // A target built from the sender (`%{i}`) cannot be followed without one: it counted its lookup.
    if ((term.kind === 'include' || term.kind === 'redirect') && hasSpfMacro(term.domain)) {
      if (term.kind === 'redirect') return { kind: 'ok' };
      continue;
    }
    if (term.kind === 'include') {
      const target = term.domain.toLowerCase();
      const inner = follow(facts, target, walk, 'include', name);
      if (inner.kind === 'broken') return inner;
      // Only an include that matches everyone matters: a failing or neutral include matches no one.
      if (inner.kind === 'permissive' && inner.passAll && term.qualifier === '+')
        return {
          kind: 'permissive',
          why: `include:${target} passes every server (${inner.why})`,
          passAll: true,
        };
    } else if (term.kind === 'all') {
      if (term.qualifier === '+')
        return { kind: 'permissive', why: `\`+all\` in ${where} lets any server send as it`, passAll: true };
      if (term.qualifier === '?')
        return {
          kind: 'permissive',
          why: `\`?all\` in ${where} says nothing about other servers`,
          passAll: false,
        };
      return { kind: 'ok' };
    } else if (term.kind === 'redirect') {
      return follow(facts, term.domain.toLowerCase(), walk, 'redirect', name);
    }
  }
  // An included record that matches no one is fine; the record that decides must end in an `all`.
  return role === 'include'
    ? { kind: 'ok' }
    : {
        kind: 'permissive',
        why: `the SPF record of ${where} ends without \`-all\` or \`~all\`, so other servers are neutral`,
        passAll: false,
      };
}

export function spfProblems(facts: MailFacts): MailProblem[] {
  const d = facts.domain;
  const outcome = walkSpf(facts, d, { lookups: 0, path: [d], voids: { v4: [], v6: [] } }, 'top');
  const publish = `publish one TXT record at ${d} naming the servers that send its mail and ending in -all, like "v=spf1 mx include:<your provider> -all"`;
  switch (outcome.kind) {
    case 'ok':
      return [];
    case 'missing':
    case 'broken':
      return [
        {
          rule: 'mail-spf-missing',
          evidence: `spf:${d}:${outcome.kind}`,
          message: `${outcome.why}, so receivers cannot tell which servers may send as ${d}`,
          fix: outcome.fix ?? (outcome.kind === 'missing' ? publish : `fix the SPF record: ${publish}`),
        },
      ];
    case 'permissive':
      return [
        {
          rule: 'mail-spf-permissive',
          evidence: `spf:${d}:permissive`,
          message: `${outcome.why}: mail forged as ${d} is ${outcome.passAll ? 'passed' : 'not failed'}`,
          fix: `end the SPF record of ${d} with -all (or ~all while you check its reports)`,
        },
      ];
  }
}
