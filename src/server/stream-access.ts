import type { Principal } from '../access/rbac.js';
import type { ErrorInfo } from '../api/http.js';
import type { CallerAccess } from './context.js';

/**
 * Whether the caller of an open stream may still read it: `check` answers the error to end the stream
 * with (its last line or event), or undefined; streams call it on every heartbeat and whenever
 * `onChange` fires (the auth service changed something that may take access away).
 */
export interface StreamAccess {
  readonly check: () => ErrorInfo | undefined;
  readonly onChange: (listener: () => void) => () => void;
}

/** The end of a stream whose token or session no longer authenticates. */
export const ACCESS_REVOKED: ErrorInfo = {
  code: 'AUTH_REVOKED',
  message:
    'the token or session of this stream is no longer valid (revoked, expired, logged out, or its user deleted): the stream ends',
  hint: 'log in again (`berth login`) or use a valid token, then open the stream again',
};

/** The end of a stream whose caller could not be re-checked (the state file failed): it fails closed. */
export const ACCESS_UNVERIFIED: ErrorInfo = {
  code: 'AUTH_UNVERIFIED',
  message: "the server could not re-check this stream's credentials: the stream ends",
  hint: 'open the stream again; the server log says what failed',
};

/** The end of a stream whose caller no longer holds what it needs. */
export function accessRemoved(what: string): ErrorInfo {
  return {
    code: 'FORBIDDEN',
    message: `you no longer hold ${what}: the stream ends`,
    hint: 'ask an admin for a grant, or use a token whose scope includes it',
  };
}

/**
 * A stream's re-check over the caller's access: the caller as the auth service says now (given to
 * `onPrincipal`, so what the stream filters follows the grants of the moment), then `lost`, which
 * says what the stream needs and the caller no longer holds (undefined: it still may read it).
 */
export function streamAccess(
  access: CallerAccess,
  lost: (principal: Principal) => ErrorInfo | undefined,
  onPrincipal: (principal: Principal) => void = () => {},
): StreamAccess {
  return {
    check: () => {
      let principal: Principal | undefined;
      try {
        principal = access.current();
      } catch {
        return ACCESS_UNVERIFIED;
      }
      if (principal === undefined) return ACCESS_REVOKED;
      onPrincipal(principal);
      return lost(principal);
    },
    onChange: (listener) => access.onChange(listener),
  };
}
