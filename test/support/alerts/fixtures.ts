import type { AlertMessage } from '../../../src/alerts/message.js';
import type { StreamEvent } from '../../../src/api/events.js';

// Events and messages of the alert tests.

let nextId = 100;

/** A health event as the monitor publishes it: `probe-down` opens, `probe-up` resolves. */
export function healthEvent(
  type: 'probe-down' | 'probe-up' | 'crash-loop' | 'oom-killed' | 'probe-flapping',
  overrides: Partial<StreamEvent> = {},
): StreamEvent {
  const hint = {
    'probe-down': { key: 'probe:shop/web/home', status: 'open', severity: 'critical' },
    'probe-up': { key: 'probe:shop/web/home', status: 'resolved', severity: 'critical' },
    'crash-loop': { key: 'crash-loop:shop/shop-worker-1', status: 'open', severity: 'critical' },
    'oom-killed': { key: 'oom:shop/shop-worker-1', status: 'notice', severity: 'error' },
    'probe-flapping': { key: 'probe:shop/web/home', status: 'notice', severity: 'warning' },
  }[type];
  return {
    id: nextId++,
    at: '2026-03-01T10:00:00.000Z',
    kind: 'health',
    type,
    stack: 'shop',
    service: 'web',
    message: type === 'probe-up' ? 'probe home is up again' : `probe home: ${type}`,
    data: { alert: hint },
    ...overrides,
  };
}

export function message(overrides: Partial<AlertMessage> = {}): AlertMessage {
  return {
    kind: 'open',
    key: 'probe:shop/web/home',
    severity: 'critical',
    summary: 'probe home is down: [STATUS] (503) == 200',
    stack: 'shop',
    service: 'web',
    event: { id: 17, kind: 'health', type: 'probe-down', at: '2026-03-01T10:00:00.000Z' },
    at: '2026-03-01T10:00:01.000Z',
    ...overrides,
  };
}
