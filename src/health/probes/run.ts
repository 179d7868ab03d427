import type { CheckOutcome, ProbeCheck } from '../probe-types.js';
import {
  abortMessage,
  type CheckContext,
  CheckStopped,
  elapsed,
  failed,
  formatDuration,
  messageOf,
  type RunResult,
} from './context.js';
import { runDb } from './db.js';
import { runDisk } from './disk.js';
import { runDns } from './dns.js';
import { runCommand } from './exec.js';
import { runHttp } from './http.js';
import { runTcp } from './tcp.js';
import { runTls } from './tls.js';

export type { CheckContext } from './context.js';

/**
 * How long after the abort a runner may still take to report what it measured before the run is
 * ended without it. Every runner honours its signal; this only bounds one that would not.
 */
export const ABORT_GRACE_MS = 50;

function dispatch(check: ProbeCheck, ctx: CheckContext): Promise<RunResult> {
  switch (check.type) {
    case 'http':
      return runHttp(check, ctx);
    case 'tcp':
      return runTcp(check, ctx);
    case 'tls':
      return runTls(check, ctx);
    case 'dns':
      return runDns(check, ctx);
    case 'disk':
      return runDisk(check, ctx);
    case 'command':
      return runCommand(check, ctx);
    case 'db':
      return runDb(check, ctx);
    default: {
      // Unreachable for a validated probe; a stored one from a newer Berth could still say so.
      const type = (check as { type?: unknown }).type;
      return Promise.reject(new Error(`unknown probe type ${JSON.stringify(type)}`));
    }
  }
}

/**
 * One run of a check. Never throws: every failure is an outcome with the operator's reason. The
 * run ends by `ctx.timeoutMs` (error `timed out after 5s`) or when `ctx.signal` aborts; the runner
 * sees one signal for both, whose reason says which.
 */
export function runCheck(check: ProbeCheck, ctx: CheckContext): Promise<CheckOutcome> {
  return bounded(`the ${check.type} probe`, ctx, (signal) => dispatch(check, { ...ctx, signal }));
}

/**
 * Runs `work` with a signal that aborts at the timeout or when `ctx.signal` does, and ends the run
 * ABORT_GRACE_MS after that even if `work` has not. A throw is reported as `<what> failed: …`.
 */
export async function bounded(
  what: string,
  ctx: Pick<CheckContext, 'signal' | 'timeoutMs'>,
  work: (signal: AbortSignal) => Promise<RunResult>,
): Promise<CheckOutcome> {
  const start = performance.now();
  // One controller for both causes rather than AbortSignal.any: combining the monitor's long-lived
  // signal on every run leaks on Node 20 and 22 (nodejs/node#55351); this listener is removed.
  const run = new AbortController();
  const signal = run.signal;
  const onStop = () => run.abort(ctx.signal.reason);
  if (ctx.signal.aborted) onStop();
  else ctx.signal.addEventListener('abort', onStop, { once: true });
  const timer = setTimeout(
    () => run.abort(new CheckStopped(`timed out after ${formatDuration(ctx.timeoutMs)}`, true)),
    ctx.timeoutMs,
  );
  let grace: NodeJS.Timeout | undefined;
  const backstop = new Promise<RunResult>((resolve) => {
    const cut = () => {
      grace = setTimeout(() => resolve(failed(abortMessage(signal))), ABORT_GRACE_MS);
    };
    if (signal.aborted) cut();
    else signal.addEventListener('abort', cut, { once: true });
  });
  try {
    const result = await Promise.race([work(signal), backstop]);
    return { ...result, latencyMs: elapsed(start) };
  } catch (error: unknown) {
    // A bug in a runner, not a failed check: still an outcome, so the monitor goes on.
    return {
      ok: false,
      measured: {},
      error: `${what} failed: ${messageOf(error)}`,
      latencyMs: elapsed(start),
    };
  } finally {
    clearTimeout(timer);
    clearTimeout(grace);
    ctx.signal.removeEventListener('abort', onStop);
  }
}
