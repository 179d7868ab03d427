import type { Context } from 'hono';
import type { Principal } from '../access/rbac.js';
import type { Clock } from '../clock.js';
import type { AppEnv } from './context.js';
import { type ProblemResult, problemTitle, problemType, toProblem } from './problem.js';
import type { AuditFacts, Route } from './routes/registry.js';

/** The peer address from @hono/node-server's incoming request; `unknown` without a socket (tests). */
export function clientIp(c: Context<AppEnv>): string {
  const incoming = (c.env as { incoming?: { socket?: { remoteAddress?: string } } } | undefined)?.incoming;
  return incoming?.socket?.remoteAddress ?? 'unknown';
}

const DENIED_CODES = new Set(['FORBIDDEN', 'CSRF', 'SESSION_REQUIRED', 'AUTH_THROTTLED']);

/** The client went away before its request was read or answered: nobody receives the answer. */
export class RequestAborted extends Error {
  override readonly name = 'RequestAborted';
}

const ABORTED_CODE = 'REQUEST_ABORTED';

/** Like `toProblem`, and a request its client abandoned is a 400 that needs no investigation. */
export function problemOf(error: unknown, requestId: string): ProblemResult {
  if (!(error instanceof RequestAborted)) return toProblem(error, requestId);
  return {
    problem: {
      type: problemType(ABORTED_CODE),
      title: problemTitle(ABORTED_CODE),
      status: 400,
      detail: 'the client closed the connection before the request was complete',
      code: ABORTED_CODE,
      hint: 'keep the connection open until the answer arrives',
      requestId,
    },
    headers: {},
    internal: false,
  };
}

/** Who acted and how, in every entry of a call: the token's id when a token did. */
function actedBy(c: Context<AppEnv>, principal: Principal) {
  return {
    via: principal.sessionId !== undefined ? 'session' : principal.kind,
    ...(principal.tokenId !== undefined ? { token: principal.tokenId } : {}),
    ip: clientIp(c),
  };
}

function pathTarget(c: Context<AppEnv>): string | undefined {
  const params = Object.values(c.req.param() as Record<string, string>);
  return params.length > 0 ? params.join('/') : undefined;
}

/**
 * The audit-log entry of a mutating call, written before anything else runs (outcome `started`), so a
 * call that never ends, or whose client left, is on record at once. 401s have no actor and are only
 * counted and logged.
 */
export function startEntry(
  route: Route,
  c: Context<AppEnv>,
  principal: Principal,
  clock: Pick<Clock, 'now'>,
) {
  const target = pathTarget(c);
  return {
    at: clock.now(),
    actor: principal.name,
    action: route.operationId,
    ...(target !== undefined ? { target } : {}),
    requestId: c.get('requestId'),
    detail: actedBy(c, principal),
  };
}

/** How the call ended: its outcome, with the handler's target and facts. */
export function endEntry(
  c: Context<AppEnv>,
  principal: Principal,
  facts: AuditFacts,
  error: unknown,
  clock: Pick<Clock, 'now'>,
) {
  const target = facts.target ?? pathTarget(c);
  const code = error === undefined ? undefined : problemOf(error, c.get('requestId')).problem.code;
  return {
    at: clock.now(),
    ...(target !== undefined ? { target } : {}),
    outcome:
      code === undefined
        ? ('ok' as const)
        : DENIED_CODES.has(code)
          ? ('denied' as const)
          : ('failed' as const),
    detail: {
      ...actedBy(c, principal),
      ...(code !== undefined ? { code } : {}),
      ...facts.detail,
    },
  };
}
