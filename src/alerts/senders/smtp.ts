import type { SmtpChannel } from '../../config/alert-resolve.js';
import type { AlertMessage } from '../message.js';
import { renderEmail } from '../render.js';
import { revealer } from './reveal.js';
import type { Sender, SendResult } from './types.js';

/** SMTP answers that will not change on a retry: mailbox unknown, relay refused, login refused. */
const PERMANENT_SMTP = /^5\d\d$/;

/**
 * Email through nodemailer, one connection per message (alerts are rare; a pooled connection
 * would outlive a dead server). Every phase is bounded by the attempt's timeout, and an abort
 * closes the connection, since nodemailer takes no AbortSignal.
 */
export function smtpSender(channel: SmtpChannel): Sender {
  const secrets = revealer();
  return {
    secrets: secrets.known,
    async send(message: AlertMessage, { signal }): Promise<SendResult> {
      // nodemailer is loaded on the first email: ~14 MB an idle server does not need.
      const { createTransport } = await import('nodemailer');
      const password =
        channel.password === undefined ? undefined : secrets.reveal(channel.password, 'SMTP password');
      const transport = createTransport({
        host: channel.host,
        port: channel.port,
        secure: channel.secure,
        requireTLS: !channel.secure && channel.starttls,
        ignoreTLS: !channel.secure && !channel.starttls,
        connectionTimeout: channel.timeoutMs,
        greetingTimeout: channel.timeoutMs,
        socketTimeout: channel.timeoutMs,
        dnsTimeout: channel.timeoutMs,
        ...(channel.user !== undefined && password !== undefined
          ? { auth: { user: channel.user, pass: password } }
          : {}),
      });
      const close = () => transport.close();
      signal.addEventListener('abort', close, { once: true });
      try {
        const { subject, text } = renderEmail(message);
        await transport.sendMail({ from: channel.from, to: [...channel.to], subject, text });
        return { ok: true };
      } catch (error: unknown) {
        if (signal.aborted)
          return { ok: false, error: `no answer from ${channel.host} (${String(signal.reason)})` };
        const e = error as { responseCode?: number; code?: string; message?: string };
        const code = e.responseCode === undefined ? '' : String(e.responseCode);
        return {
          ok: false,
          error: `SMTP ${channel.host}:${channel.port}: ${e.message ?? String(error)}`,
          ...(PERMANENT_SMTP.test(code) || e.code === 'EAUTH' ? { permanent: true } : {}),
        };
      } finally {
        signal.removeEventListener('abort', close);
        close();
      }
    },
  };
}
