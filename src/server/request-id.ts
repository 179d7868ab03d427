/** What a caller may send as its own request id; anything else is replaced (ids end up in logs). */
const ACCEPTED = /^[A-Za-z0-9._:-]{1,128}$/;

/** The caller's X-Request-Id when it is safe to log (the edge middleware makes one otherwise). */
export function acceptedRequestId(value: string | undefined): string | undefined {
  return value !== undefined && ACCEPTED.test(value) ? value : undefined;
}
