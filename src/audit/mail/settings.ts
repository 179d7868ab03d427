import { isIP } from 'node:net';
import { z } from 'zod';
import type { XBerthSection, XBerthValues } from '../../compose/xberth/registry.js';

const LABEL = '[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?';
const DOMAIN = new RegExp(`^${LABEL}(?:\\.${LABEL})+$`);
const SELECTOR = /^[a-z0-9_-]+(?:\.[a-z0-9_-]+)*$/i;

/** `ip`, `ip:port` or `[ipv6]:port`, as node's resolver takes a server. */
export function isResolverAddress(text: string): boolean {
  if (isIP(text) !== 0) return true;
  const bracketed = /^\[([^\]]+)\]:(\d{1,5})$/.exec(text);
  const plain = /^([^:]+):(\d{1,5})$/.exec(text);
  const [, host = '', port = ''] = bracketed ?? plain ?? [];
  const family = isIP(host);
  return (bracketed ? family === 6 : family === 4) && Number(port) >= 1 && Number(port) <= 65_535;
}

/** `x-berth.mail`: the domain the stack sends mail as, checked by `berth audit --live`. */
export const MailSettingsSchema = z.strictObject({
  domain: z
    .string()
    .transform((d) => d.toLowerCase().replace(/\.$/, ''))
    .refine((d) => DOMAIN.test(d), 'give the domain the mail is sent from, like example.com'),
  /**
   * The DKIM selectors the stack's mail is signed with (the `s=` of a DKIM-Signature header); an empty
   * list says the mail is not signed. Required: DKIM keys cannot be found without their selector.
   */
  dkim_selectors: z.array(
    z.string().regex(SELECTOR, 'a DKIM selector is one or more DNS labels, like `mautic` or `s1.mail`'),
  ),
  /** The DNS server to ask (`ip` or `ip:port`); default: the system's resolvers. */
  resolver: z.string().refine(isResolverAddress, 'give an IP address, `ip:port` or `[ipv6]:port`').optional(),
});
export type MailSettings = z.output<typeof MailSettingsSchema>;

export const mailSection: XBerthSection = {
  key: 'mail',
  stack: MailSettingsSchema,
  summary:
    '`berth audit --live` checks SPF, DKIM and DMARC: domain: <domain>, dkim_selectors: [<selector>…], resolver: <ip[:port]> (optional)',
};

/** The mail settings of one stack's x-berth (none when the section is absent or was invalid). */
export function mailSettings(values: XBerthValues | undefined): MailSettings | undefined {
  const parsed = MailSettingsSchema.safeParse(values?.mail);
  return parsed.success ? parsed.data : undefined;
}
