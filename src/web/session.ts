import { createHash, timingSafeEqual } from 'node:crypto';

// The browser's side of a session: the API's session cookie, the CSRF token kept in a cookie of its
// own, and the checks every form POST passes before anything is forwarded to the API.

/** Holds the CSRF token the API gave at login; forms carry it back in the `csrf` field. */
export const CSRF_COOKIE = 'berth_csrf';
/** The hidden field of every form that changes something. */
export const CSRF_FIELD = 'csrf';

/** `name=value` pairs of a Cookie header. */
export function parseCookies(header: string | undefined): Map<string, string> {
  const out = new Map<string, string>();
  for (const part of (header ?? '').split(';')) {
    const eq = part.indexOf('=');
    if (eq <= 0) continue;
    const name = part.slice(0, eq).trim();
    if (!out.has(name)) out.set(name, part.slice(eq + 1).trim());
  }
  return out;
}

/** Whether two tokens are equal, in time that does not depend on where they differ. */
export function sameToken(a: string | undefined, b: string | undefined): boolean {
  if (a === undefined || b === undefined || a === '' || b === '') return false;
  const digest = (s: string) => createHash('sha256').update(s).digest();
  return timingSafeEqual(digest(a), digest(b));
}

/**
 * Whether a POST comes from a page of this server: the browser's `Sec-Fetch-Site`, when it sends one,
 * says same-origin, and its `Origin`, when it names one, is this host. Our pages' `no-referrer` policy
 * makes browsers send `Origin: null` on their own form POSTs, so `null` passes only with a same-origin
 * `Sec-Fetch-Site` (which no page can forge). (The cookies are SameSite=Strict too; this holds when they
 * are not, e.g. behind a proxy that rewrites them.)
 */
export function fromOwnPage(
  requestUrl: string,
  origin: string | undefined,
  fetchSite: string | undefined,
): boolean {
  if (fetchSite !== undefined && fetchSite !== 'same-origin') return false;
  if (origin === undefined) return true;
  if (origin === 'null') return fetchSite === 'same-origin';
  try {
    return new URL(origin).host === new URL(requestUrl).host;
  } catch {
    return false;
  }
}

/**
 * The cookie that keeps the CSRF token, shaped like the API's session cookie it goes with: the same
 * expiry and `Secure`, HttpOnly (only the server reads it back) and SameSite=Strict.
 */
export function csrfCookie(token: string, sessionCookie: string | null): string {
  const attributes = (sessionCookie ?? '').split(';').map((p) => p.trim());
  const expires = attributes.find((p) => /^expires=/i.test(p));
  const parts = [`${CSRF_COOKIE}=${token}`, 'Path=/', 'HttpOnly', 'SameSite=Strict'];
  if (token === '') parts.push('Max-Age=0');
  else if (expires !== undefined) parts.push(expires);
  if (attributes.some((p) => /^secure$/i.test(p))) parts.push('Secure');
  return parts.join('; ');
}

/** A backslash (some browsers read it as `/`) or a control character. */
const unsafeInPath = (ch: string) => ch === '\\' || ch.charCodeAt(0) < 0x20 || ch.charCodeAt(0) === 0x7f;

/** The longest path /login?next= may send the browser back to. */
const MAX_NEXT = 2048;

/**
 * Where the browser goes after logging in: `next` when it is a path of this server (starts with one
 * `/`, no scheme, host, backslash or control character, not the login or setup page), else `/`.
 * Anything else could send a user who just typed their password to another site.
 */
export function safeNext(next: string | undefined): string {
  if (next === undefined || next.length > MAX_NEXT || !next.startsWith('/')) return '/';
  if (next.startsWith('//') || [...next].some(unsafeInPath)) return '/';
  const path = next.split(/[?#]/, 1)[0] ?? '';
  if (path === '/login' || path === '/setup' || path === '/logout') return '/';
  return next;
}
