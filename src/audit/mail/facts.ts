/** A TXT lookup's answer: records, an answer without any (NXDOMAIN, or NOERROR with no TXT), or none. */
export type TxtAnswer =
  | { readonly status: 'found'; readonly records: readonly string[] }
  | { readonly status: 'none'; readonly rcode: 'NXDOMAIN' | 'NOERROR' }
  /** No answer to judge by (SERVFAIL, REFUSED, a timeout): nothing may be concluded from it. */
  | { readonly status: 'failed'; readonly rcode: string; readonly message: string };

/** Asks `server` (`ip[:port]`; undefined: the system's resolvers) for the TXT records of `name`. */
export type TxtLookup = (name: string, server: string | undefined) => Promise<TxtAnswer>;

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
  readonly txt: Readonly<Record<string, TxtAnswer>>;
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
