import { Resolver } from 'node:dns/promises';
import type { DnsAnswer, DnsLookup, DnsRecordType } from './facts.js';

/**
 * The first try's timeout and the tries (a lost UDP answer is tried again): c-ares lengthens the
 * timeout on the retry, so a resolver that never answers costs about 4 s (measured on Node 20).
 */
const TIMEOUT_MS = 1_500;
const TRIES = 2;

function codeOf(error: unknown): string {
  const code = (error as { code?: unknown }).code;
  return typeof code === 'string' ? code : 'ERROR';
}

/** c-ares' error codes as DNS answers: ENODATA is NOERROR without records of the type, ENOTFOUND NXDOMAIN. */
export function dnsAnswerOf(error: unknown): DnsAnswer {
  const code = codeOf(error);
  if (code === 'ENODATA') return { status: 'none', rcode: 'NOERROR' };
  if (code === 'ENOTFOUND') return { status: 'none', rcode: 'NXDOMAIN' };
  const rcode = {
    ESERVFAIL: 'SERVFAIL',
    EREFUSED: 'REFUSED',
    ETIMEOUT: 'TIMEOUT',
    ECONNREFUSED: 'CONNREFUSED',
  }[code];
  return {
    status: 'failed',
    rcode: rcode ?? code.replace(/^E/, ''),
    message: error instanceof Error ? error.message : String(error),
  };
}

/** Lookups through node's resolver (c-ares): the given server, or the system's. */
export function dnsLookup(): DnsLookup {
  const resolvers = new Map<string, Resolver>();
  const resolverFor = (server: string | undefined) => {
    const key = server ?? '';
    let resolver = resolvers.get(key);
    if (!resolver) {
      resolver = new Resolver({ timeout: TIMEOUT_MS, tries: TRIES });
      if (server !== undefined) resolver.setServers([server]);
      resolvers.set(key, resolver);
    }
    return resolver;
  };
  return async (name, type, server) => {
    try {
      const records = await recordsOf(resolverFor(server), name, type);
      // An answer whose records are all of other types: a CNAME the resolver did not follow.
      if (records.length === 0)
        return {
          status: 'failed',
          rcode: 'NOERROR',
          message: `the answer held no ${type} record, only other types (a CNAME this resolver does not follow: ask a recursive resolver)`,
        };
      return { status: 'found', records };
    } catch (error: unknown) {
      return dnsAnswerOf(error);
    }
  };
}

/** One type's records as text: TXT strings joined (DNS splits long ones), addresses, MX host names. */
async function recordsOf(resolver: Resolver, name: string, type: DnsRecordType): Promise<string[]> {
  switch (type) {
    case 'TXT':
      return (await resolver.resolveTxt(name)).map((chunks) => chunks.join(''));
    case 'A':
      return resolver.resolve4(name);
    case 'AAAA':
      return resolver.resolve6(name);
    case 'MX':
      return (await resolver.resolveMx(name)).map((mx) => mx.exchange);
  }
}
