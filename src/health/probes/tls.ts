import { isIP } from 'node:net';
import { connect, type PeerCertificate } from 'node:tls';
import type { ProbeCheck } from '../probe-types.js';
import {
  abortMessage,
  type CheckContext,
  describeNetError,
  elapsed,
  failed,
  hostPort,
  type RunResult,
} from './context.js';

export type TlsCheck = Extract<ProbeCheck, { type: 'tls' }>;

/** The SNI name to send: the check's, else the host unless it is an IP (SNI carries names only). */
export function serverNameOf(check: Pick<TlsCheck, 'host' | 'servername'>): string | undefined {
  if (check.servername) return check.servername;
  return isIP(check.host) === 0 ? check.host : undefined;
}

/** Milliseconds from `now` until the certificate's notAfter (negative once expired). */
export function expiresIn(cert: Pick<PeerCertificate, 'valid_to'>, now: number): number | undefined {
  const validTo = Date.parse(cert.valid_to);
  return Number.isNaN(validTo) ? undefined : validTo - now;
}

/**
 * A TLS handshake, to watch a certificate's expiry. The chain is not verified
 * (rejectUnauthorized: false): this probe is about expiry, and internal services often present
 * certificates of a private CA or self-signed ones; an http probe with verify_tls checks trust.
 * So ok means: the handshake completed and the certificate is valid now (not expired, not before
 * its start). The trust verdict (`authorizationError`) is named in the error only when the check
 * fails anyway, as extra context, never as the reason.
 */
export async function runTls(check: TlsCheck, ctx: CheckContext): Promise<RunResult> {
  const where = hostPort(check.host, check.port);
  const servername = serverNameOf(check);
  const start = performance.now();
  return new Promise<RunResult>((resolve) => {
    if (ctx.signal.aborted) return resolve(failed(abortMessage(ctx.signal), { connected: false }));
    const socket = connect({
      host: check.host,
      port: check.port,
      rejectUnauthorized: false,
      ...(servername ? { servername } : {}),
    });
    const finish = (result: RunResult) => {
      ctx.signal.removeEventListener('abort', onAbort);
      socket.destroy();
      resolve(result);
    };
    const onAbort = () => finish(failed(abortMessage(ctx.signal), { connected: false }));
    ctx.signal.addEventListener('abort', onAbort, { once: true });
    socket.on('error', (error) => finish(failed(describeNetError(error, where), { connected: false })));
    socket.once('secureConnect', () => {
      const measuredBase = { connected: true, responseTimeMs: elapsed(start) };
      const cert = socket.getPeerCertificate();
      const expiry = cert.valid_to ? expiresIn(cert, ctx.now()) : undefined;
      if (expiry === undefined) return finish(failed(`no certificate from ${where}`, measuredBase));
      const measured = { ...measuredBase, certificateExpirationMs: expiry };
      const trust = socket.authorizationError ? ` (also not trusted: ${socket.authorizationError})` : '';
      const subject = servername ?? check.host;
      if (expiry <= 0) {
        return finish(
          failed(
            `certificate of ${subject} on ${where} expired on ${isoDate(cert.valid_to)}${trust}`,
            measured,
          ),
        );
      }
      const validFrom = Date.parse(cert.valid_from);
      if (!Number.isNaN(validFrom) && validFrom > ctx.now()) {
        const when = isoDate(cert.valid_from);
        return finish(
          failed(`certificate of ${subject} on ${where} is not valid before ${when}${trust}`, measured),
        );
      }
      finish({ ok: true, measured });
    });
  });
}

const isoDate = (text: string): string => new Date(Date.parse(text)).toISOString();
