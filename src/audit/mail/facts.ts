/** The record types the mail checks ask for: TXT (SPF, DMARC, DKIM), and what SPF's `a`, `mx` and `exists` look up. */
export type DnsRecordType = 'TXT' | 'A' | 'AAAA' | 'MX';

/**
 * A lookup's answer: records (TXT strings joined, addresses, MX host names), an answer without any
 * (NXDOMAIN, or NOERROR with none of the type), or none.
 */
export type DnsAnswer =
  | { readonly status: 'found'; readonly records: readonly string[] }
  | { readonly status: 'none'; readonly rcode: 'NXDOMAIN' | 'NOERROR' }
  /** No answer to judge by (SERVFAIL, REFUSED, a timeout): nothing may be concluded from it. */
  | { readonly status: 'failed'; readonly rcode: string; readonly message: string };

/** Asks `server` (`ip[:port]`; undefined: the system's resolvers) for the `type` records of `name`. */
export type DnsLookup = (name: string, type: DnsRecordType, server: string | undefined) => Promise<DnsAnswer>;

/** What DNS says about one stack's mail domain (`x-berth.mail`), for the mail rules. */
export interface MailFacts {
  readonly stack: string;
  /** Why `x-berth.mail` could not be used (`resolver: give an IP address…`): nothing was looked up. */
  readonly invalid?: string;
  readonly domain: string;
  readonly selectors: readonly string[];
  /** The server asked, as reports name it: `ip[:port]` or `the system resolver`. */
  readonly resolver: string;
  /** The TXT answers by name (lower case, no final dot): the domain, SPF includes, DMARC, DKIM keys. */
  readonly txt: Readonly<Record<string, DnsAnswer>>;
  /**
   * The A, AAAA and MX answers of the names SPF's `a`, `mx` and `exists` terms name, by `hostKey`
   * (what the void-lookup limit is checked with). Absent: not looked up, and that limit is not checked.
   */
  readonly hosts?: Readonly<Record<string, DnsAnswer>>;
}

/** The key of a name's answer of one type in `MailFacts.hosts`: `A mail.example.com`. */
export function hostKey(type: Exclude<DnsRecordType, 'TXT'>, name: string): string {
  return `${type} ${name}`;
}

/** Where DMARC looks for the domain's policy, in order: `_dmarc.<domain>`, then each parent's. */
export function dmarcNames(domain: string): string[] {
  const labels = domain.split('.');
  return labels.slice(0, -1).map((_, i) => `_dmarc.${labels.slice(i).join('.')}`);
}

/** Where the key of a DKIM selector is published. */
export function dkimName(selector: string, domain: string): string {
  return `${selector.toLowerCase()}._domainkey.${domain}`;
}
