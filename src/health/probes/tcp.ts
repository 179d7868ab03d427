import { connect } from 'node:net';
import type { ProbeCheck } from '../probe-types.js';
import {
  abortMessage,
  type CheckContext,
  describeNetError,
  elapsed,
  failed,
  hostPort,
  messageOf,
  type RunResult,
  untilAborted,
} from './context.js';

export type TcpCheck = Extract<ProbeCheck, { type: 'tcp' }>;

/** Where a check on a service's port goes: resolved by the monitor, or an error the operator reads. */
export async function servicePort(
  port: number,
  ctx: Pick<CheckContext, 'resolvePort' | 'signal'>,
): Promise<{ host: string; port: number } | { error: string }> {
  if (!ctx.resolvePort) return { error: `no address is known for port ${port} of the service` };
  try {
    return await untilAborted(ctx.resolvePort(port), ctx.signal);
  } catch (error: unknown) {
    if (ctx.signal.aborted) return { error: abortMessage(ctx.signal) };
    return { error: `port ${port} of the service cannot be reached: ${messageOf(error)}` };
  }
}

/**
 * A TCP connect: ok when the connection is accepted (it is closed right away). A host-less check is
 * on one of the service's ports, resolved through `ctx.resolvePort`.
 */
export async function runTcp(check: TcpCheck, ctx: CheckContext): Promise<RunResult> {
  const target = check.host === undefined ? await servicePort(check.port, ctx) : check;
  if ('error' in target) return failed(target.error, { connected: false });
  const host = target.host ?? '';
  const where = hostPort(host, target.port);
  const start = performance.now();
  return new Promise<RunResult>((resolve) => {
    if (ctx.signal.aborted) return resolve(failed(abortMessage(ctx.signal), { connected: false }));
    const socket = connect({ host, port: target.port });
    const finish = (result: RunResult) => {
      ctx.signal.removeEventListener('abort', onAbort);
      socket.destroy();
      resolve(result);
    };
    const onAbort = () => finish(failed(abortMessage(ctx.signal), { connected: false }));
    ctx.signal.addEventListener('abort', onAbort, { once: true });
    socket.once('connect', () =>
      finish({
        ok: true,
        measured: {
          connected: true,
          responseTimeMs: elapsed(start),
          ...(socket.remoteAddress ? { ip: socket.remoteAddress } : {}),
        },
      }),
    );
    socket.on('error', (error) => finish(failed(describeNetError(error, where), { connected: false })));
  });
}
