import { describe, expect, it } from 'vitest';
import { message } from '../../../test/support/alerts/fixtures.js';
import { smtpReceiver } from '../../../test/support/alerts/receivers.js';
import type { AlertChannel } from '../../config/alert-resolve.js';
import { senderFor } from './channels.js';
import type { SendResult } from './types.js';

// Email through an in-process SMTP server (smtp-server) on 127.0.0.1.

const send = (channel: AlertChannel): Promise<SendResult> =>
  senderFor(channel).send(message(), {
    delivery: 1,
    signal: new AbortController().signal,
    now: new Date('2026-03-01T10:00:01.000Z'),
  });

describe('smtp', () => {
  it('delivers to an SMTP server: login, sender, recipients, subject and text', async () => {
    const smtp = await smtpReceiver({ user: 'berth', password: 'mail-pass' });
    try {
      const channel: AlertChannel = {
        name: 'mail',
        type: 'smtp',
        timeoutMs: 5000,
        host: '127.0.0.1',
        port: smtp.port,
        secure: false,
        starttls: false,
        user: 'berth',
        password: 'mail-pass',
        from: 'Berth <berth@example.com>',
        to: ['ops@example.com', 'oncall@example.com'],
      };
      expect(await send(channel)).toEqual({ ok: true });
      const [mail] = smtp.mails;
      expect(mail).toMatchObject({
        from: 'berth@example.com',
        to: ['ops@example.com', 'oncall@example.com'],
        user: 'berth',
      });
      expect(mail?.headers.subject).toBe('CRITICAL shop/web: probe home is down: [STATUS] (503) == 200');
      expect(mail?.text).toContain(
        'probe home is down: [STATUS] (503) == 200\r\n\r\nStack: shop\r\nService: web',
      );
      expect(mail?.text).toContain('Alert: probe:shop/web/home');
      // A refused login will be refused again: not retried.
      const wrong = await send({ ...channel, password: 'wrong' } as AlertChannel);
      expect(wrong).toMatchObject({ ok: false, permanent: true, error: /^SMTP 127\.0\.0\.1:\d+: .*535/ });
      expect(smtp.mails).toHaveLength(1);
    } finally {
      await smtp.close();
    }
  });
});
