import { describe, expect, it } from 'vitest';
import { message } from '../../test/support/alerts/fixtures.js';
import type { AlertChannel } from '../config/alert-resolve.js';
import { channelView, deliveryView } from './views.js';

// What the API shows of channels and deliveries: never a credential.

const SECRETS = ['T0/B0/tok3n', 'whsec', 'mail-pass', 'tk_ntfy', 'syt_matrix', 'berth-alerts-topic'];

describe('channelView', () => {
  it('shows hosts, recipients and rooms, and nothing that lets its reader post or read', () => {
    const channels: AlertChannel[] = [
      {
        name: 'h',
        type: 'webhook',
        timeoutMs: 10_000,
        url: 'https://hooks.example.com/in/whsec',
        secret: 'whsec',
      },
      { name: 's', type: 'slack', timeoutMs: 10_000, url: 'https://hooks.slack.com/services/T0/B0/tok3n' },
      { name: 'd', type: 'discord', timeoutMs: 10_000, url: { file: '/etc/berth/discord' } },
      {
        name: 'm',
        type: 'smtp',
        timeoutMs: 10_000,
        host: 'smtp.example.com',
        port: 587,
        secure: false,
        starttls: true,
        user: 'berth',
        password: 'mail-pass',
        from: 'berth@example.com',
        to: ['ops@example.com'],
      },
      {
        name: 'n',
        type: 'ntfy',
        timeoutMs: 10_000,
        url: 'https://ntfy.sh',
        topic: 'berth-alerts-topic',
        token: 'tk_ntfy',
      },
      {
        name: 'x',
        type: 'matrix',
        timeoutMs: 10_000,
        homeserver: 'https://matrix.example.org',
        room: '!ops:example.org',
        accessToken: 'syt_matrix',
      },
    ];
    const views = channels.map(channelView);
    expect(views.map((v) => `${v.name} ${v.type} ${v.target}`)).toEqual([
      'h webhook hooks.example.com',
      's slack hooks.slack.com',
      'd discord URL read from a file',
      'm smtp smtp.example.com:587 → ops@example.com',
      'n ntfy ntfy.sh',
      'x matrix matrix.example.org !ops:example.org',
    ]);
    const text = JSON.stringify(views);
    for (const secret of SECRETS) expect(text).not.toContain(secret);
  });
});

describe('deliveryView', () => {
  const record = {
    id: 3,
    channel: 'pager',
    alertKey: 'probe:shop/web/home',
    kind: 'open' as const,
    payload: message(),
    status: 'pending' as const,
    attempts: 1,
    nextAt: Date.parse('2026-03-01T10:00:11.000Z'),
    lastError: 'HTTP 503 from hooks.example.com',
    createdAt: '2026-03-01T10:00:01.000Z',
  };

  it('shows the title sent, the stack, and when a pending delivery is tried next', () => {
    expect(deliveryView(record)).toEqual({
      id: 3,
      channel: 'pager',
      alertKey: 'probe:shop/web/home',
      kind: 'open',
      status: 'pending',
      title: 'CRITICAL shop/web: probe home is down: [STATUS] (503) == 200',
      stack: 'shop',
      attempts: 1,
      nextAt: '2026-03-01T10:00:11.000Z',
      lastError: 'HTTP 503 from hooks.example.com',
      createdAt: '2026-03-01T10:00:01.000Z',
    });
    expect(deliveryView({ ...record, nextAt: Number.MAX_SAFE_INTEGER }).nextAt).toBeUndefined();
    expect(deliveryView({ ...record, status: 'delivered' }).nextAt).toBeUndefined();
    expect(deliveryView({ ...record, payload: { nonsense: true } }).title).toBe('(unreadable message)');
  });
});
