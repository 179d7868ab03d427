import { valueMasker } from '../secrets/mask.js';

/** The longest error kept on a delivery: enough to act on, not a receiver's whole error page. */
export const MAX_ERROR_LENGTH = 300;

/**
 * A secret URL (Slack, Discord) and the parts of it a receiver may echo on their own: its path
 * with the query, and the segments that look like ids or tokens (a digit and 8 characters, or 16).
 */
function withUrlParts(secret: string): string[] {
  let url: URL;
  try {
    url = new URL(secret);
  } catch {
    return [secret];
  }
  const path = `${url.pathname}${url.search}`;
  const segments = url.pathname
    .split('/')
    .map((s) => decodeURIComponent(s))
    .filter((s) => (s.length >= 8 && /\d/.test(s)) || s.length >= 16);
  return [secret, ...(path.length > 1 ? [path] : []), ...segments];
}

/**
 * What may be written of a failure: every credential value replaced, and every URL cut to its
 * origin (a Slack or Discord webhook URL is its own token, a receiver may echo a query string),
 * on one line and clipped. Applied to everything that reaches the store, an event or a log.
 */
export function errorMasker(secrets: readonly string[]): (text: string) => string {
  const mask = valueMasker(secrets.flatMap(withUrlParts));
  return (text) => {
    const cut = mask(text).replace(/\b(https?):\/\/[^\s/?#'"<>]+[^\s'"<>]*/gi, (url) => {
      try {
        const parsed = new URL(url);
        // Credentials in the authority (`https://user:pass@host`) go too: `origin` leaves them out.
        return parsed.pathname === '/' && parsed.search === '' ? parsed.origin : `${parsed.origin}/…`;
      } catch {
        return '[url]';
      }
    });
    const line = cut.replace(/\s+/g, ' ').trim();
    return line.length <= MAX_ERROR_LENGTH ? line : `${line.slice(0, MAX_ERROR_LENGTH - 1)}…`;
  };
}
