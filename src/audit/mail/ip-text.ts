/*
 * IP address syntax without node:net (the mail rules are pure modules, which load no socket module):
 * dotted-quad IPv4, and IPv6 in RFC 4291 §2.2 text form (`::` once, an IPv4 tail allowed, no zone).
 */

/** `192.0.2.1`: four decimal octets of at most 255, no leading zeros beyond a lone 0. */
export function isIPv4Text(text: string): boolean {
  const octets = text.split('.');
  return octets.length === 4 && octets.every((o) => /^(0|[1-9]\d{0,2})$/.test(o) && Number(o) <= 255);
}

/** `2001:db8::1`, `::`, `::ffff:192.0.2.1`: eight groups of 1–4 hex digits, or fewer with one `::`. */
export function isIPv6Text(text: string): boolean {
  const halves = text.split('::');
  if (halves.length > 2) return false;
  const groups = (half: string) => (half === '' ? [] : half.split(':'));
  const head = groups(halves[0] ?? '');
  const tail = halves.length === 2 ? groups(halves[1] ?? '') : [];
  const all = [...head, ...tail];
  const last = all.at(-1);
  // An IPv4 tail stands for the last two groups.
  const v4 = last?.includes('.') === true;
  if (v4 && !isIPv4Text(last ?? '')) return false;
  const hex = v4 ? all.slice(0, -1) : all;
  if (!hex.every((g) => /^[0-9a-f]{1,4}$/i.test(g))) return false;
  const count = hex.length + (v4 ? 2 : 0);
  return halves.length === 2 ? count <= 7 : count === 8;
}
