import { Resolver } from 'node:dns/promises';
import type { DnsRecord, ProbeCheck } from '../probe-types.js';
import {
  abortMessage,
  type CheckContext,
  elapsed,
  failed,
  formatDuration,
  messageOf,
  type RunResult,
  timedOut,
} from './context.js';

export type DnsCheck = Extract<ProbeCheck, { type: 'dns' }>;

/**
 * The DNS answer code as conditions compare it (`[DNS_RCODE] == NOERROR`), from c-ares' error
 * codes: ENODATA is a NOERROR answer without records of the type; ECONNREFUSED and the like are
 * not answers at all and keep their own name.
 */
export function rcodeOf(code: unknown): string {
  switch (code) {
    case 'ENODATA':
      return 'NOERROR';
    case 'ENOTFOUND':
      return 'NXDOMAIN';
    case 'ESERVFAIL':
      return 'SERVFAIL';
    case 'EREFUSED':
      return 'REFUSED';
    case 'ETIMEOUT':
      return 'TIMEOUT';
    case 'EFORMERR':
      return 'FORMERR';
    case 'ENOTIMP':
      return 'NOTIMP';
    default:
      return typeof code === 'string' ? code.replace(/^E/, '') : 'ERROR';
  }
}

/** The answers, one per line as `dig +short` shows them (MX: `10 mail.example.com`; TXT joined). */
export async function query(resolver: Resolver, name: string, record: DnsRecord): Promise<string[]> {
  switch (record) {
    case 'A':
      return resolver.resolve4(name);
    case 'AAAA':
      return resolver.resolve6(name);
    case 'CNAME':
      return resolver.resolveCname(name);
    case 'TXT':
      return (await resolver.resolveTxt(name)).map((chunks) => chunks.join(''));
    case 'MX':
      return (await resolver.resolveMx(name))
        .sort((a, b) => a.priority - b.priority || a.exchange.localeCompare(b.exchange))
        .map((mx) => `${mx.priority} ${mx.exchange}`);
  }
}

/**
 * One DNS query, one try, to the check's server (`ip` or `ip:port`) or the system's resolvers.
 * ok: NOERROR with at least one record. ip: the first address, for A and AAAA.
 */
export async function runDns(check: DnsCheck, ctx: CheckContext): Promise<RunResult> {
  const resolver = new Resolver({ timeout: Math.max(1, Math.round(ctx.timeoutMs)), tries: 1 });
  const asked = check.server ?? 'the system resolver';
  if (check.server !== undefined) {
    try {
      resolver.setServers([check.server]);
    } catch (error: unknown) {
      return failed(`invalid DNS server ${JSON.stringify(check.server)}: ${messageOf(error)}`);
    }
  }
  const what = `${check.record} ${check.name}`;
  if (ctx.signal.aborted) return failed(abortMessage(ctx.signal));
  const onAbort = () => resolver.cancel();
  ctx.signal.addEventListener('abort', onAbort, { once: true });
  const start = performance.now();
  try {
    const answers = await query(resolver, check.name, check.record);
    const measured = {
      dnsRcode: 'NOERROR',
      body: answers.join('\n'),
      responseTimeMs: elapsed(start),
      ...((check.record === 'A' || check.record === 'AAAA') && answers[0] ? { ip: answers[0] } : {}),
    };
    return answers.length > 0
      ? { ok: true, measured }
      : failed(`no ${what} record (asked ${asked})`, measured);
  } catch (error: unknown) {
    const responseTimeMs = elapsed(start);
    if (ctx.signal.aborted) {
      return failed(abortMessage(ctx.signal), {
        responseTimeMs,
        ...(timedOut(ctx.signal) ? { dnsRcode: 'TIMEOUT' } : {}),
      });
    }
    const dnsRcode = rcodeOf((error as { code?: unknown }).code);
    const measured = { dnsRcode, body: '', responseTimeMs };
    return failed(explain(dnsRcode, what, asked, ctx.timeoutMs, error), measured);
  } finally {
    ctx.signal.removeEventListener('abort', onAbort);
  }
}

function explain(rcode: string, what: string, asked: string, timeoutMs: number, error: unknown): string {
  switch (rcode) {
    case 'NOERROR':
      return `no ${what} record (asked ${asked})`;
    case 'NXDOMAIN':
      return `${what}: no such name (NXDOMAIN from ${asked})`;
    case 'TIMEOUT':
      return `${what}: no answer from ${asked} within ${formatDuration(timeoutMs)}`;
    case 'CONNREFUSED':
      return `${what}: ${asked} refused the connection`;
    case 'SERVFAIL':
    case 'REFUSED':
      return `${what}: ${asked} answered ${rcode}`;
    default:
      return `${what}: ${messageOf(error)} (asked ${asked})`;
  }
}
