import { Resolver } from 'node:dns/promises';
import type { TxtAnswer, TxtLookup } from './facts.js';

/** How long one TXT lookup may take, per try, and the tries (a lost UDP answer is tried again). */
const TIMEOUT_MS = 3_000;
const TRIES = 2;

function codeOf(error: unknown): string {
  const code = (error as { code?: unknown }).code;
  return typeof code === 'string' ? code : 'ERROR';
}

/** c-ares' error codes as DNS answers: ENODATA is NOERROR without TXT records, ENOTFOUND NXDOMAIN. */
export function txtAnswerOf(error: unknown): TxtAnswer {
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

/** TXT lookups through node's resolver (c-ares): the given server, or the system's. */
export function dnsTxtLookup(): TxtLookup {
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
  return async (name, server) => {
    try {
      const records = await resolverFor(server).resolveTxt(name);
      return { status: 'found', records: records.map((chunks) => chunks.join('')) };
    } catch (error: unknown) {
      return txtAnswerOf(error);
    }
  };
}
