import type { StackFacts } from '../types.js';
import { dkimName, dmarcNames, type MailFacts, type TxtAnswer, type TxtLookup } from './facts.js';
import { parseSpf, spfRecords } from './records.js';
import { MailSettingsSchema, mailSettings } from './settings.js';

/**
 * SPF names followed per domain: the domain, then `include:` and `redirect=` targets breadth first.
 * A receiver gives up after 10 lookups, and every followed name costs one: past this the verdict is
 * already "too many lookups".
 */
const MAX_SPF_NAMES = 12;

/** The SPF targets a record's answer leads to (its includes and redirect), lower case. */
function spfTargets(answer: TxtAnswer | undefined): string[] {
  if (answer?.status !== 'found') return [];
  const [record, ...more] = spfRecords(answer.records);
  if (record === undefined || more.length > 0) return [];
  const parsed = parseSpf(record);
  if (!parsed.ok) return [];
  return parsed.terms.flatMap((t) =>
    t.kind === 'include' || t.kind === 'redirect' ? [t.domain.toLowerCase()] : [],
  );
}

/** The TXT answers one stack's mail checks need, asked of its resolver. */
async function factsOf(
  stack: string,
  settings: NonNullable<ReturnType<typeof mailSettings>>,
  lookup: TxtLookup,
) {
  const { domain, resolver } = settings;
  const txt: Record<string, TxtAnswer> = {};
  const ask = async (name: string) => {
    txt[name] ??= await lookup(name, resolver);
    return txt[name];
  };
  const spfQueue = [domain];
  for (let i = 0; i < spfQueue.length && i < MAX_SPF_NAMES; i++) {
    for (const target of spfTargets(await ask(spfQueue[i] ?? domain)))
      if (!spfQueue.includes(target)) spfQueue.push(target);
  }
  // DMARC: the domain's own policy, else the nearest parent's (the organizational domain's).
  for (const name of dmarcNames(domain)) {
    const answer = await ask(name);
    if (answer.status !== 'none') break;
  }
  const selectors = settings.dkim_selectors;
  await Promise.all(selectors.map((s) => ask(dkimName(s, domain))));
  const facts: MailFacts = {
    stack,
    domain,
    selectors,
    resolver: resolver ?? 'the system resolver',
    txt,
  };
  return facts;
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
export async function collectMail(stacks: readonly StackFacts[], lookup: TxtLookup): Promise<MailFacts[]> {
  const facts: MailFacts[] = [];
  for (const stack of stacks) {
    const settings = mailSettings(stack.loaded.xberth.stack);
    if (settings) {
      facts.push(await factsOf(stack.name, settings, lookup));
      continue;
    }
    // An audit reads files leniently: an invalid x-berth.mail is dropped from the values, not refused.
    const written = stack.loaded.written(['x-berth', 'mail']);
    if (written === undefined) continue;
    const parsed = MailSettingsSchema.safeParse(written);
    facts.push(invalidFacts(stack.name, written, parsed.success ? undefined : parsed.error.issues[0]));
  }
  return facts;
}
