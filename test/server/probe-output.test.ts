import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { containerVerdict } from '../../src/health/monitor/container-verdict.js';
import { judge } from '../../src/health/monitor/verdict.js';
import { runCheck } from '../../src/health/probes/run.js';
import type { HealthService } from '../../src/health/service.js';
import { openMemoryStore, type Store } from '../../src/store/index.js';
import type { ControlToken } from '../support/control.js';
import { healthApp } from '../support/health-app.js';
import { containerInfo } from '../support/health-fixtures.js';
import { SseReader } from '../support/sse.js';

// What a checked program printed (a container's last health check, a command probe) is, like logs,
// for the stack's operators: a check may print a value derived from a secret (base64 of a password)
// that no mask recognizes. Viewers read what failed and the exit code in the health answers and the
// event stream; the event's message, which alerts send to channels, never holds the output.

const NOW = new Date('2026-06-10T10:30:00Z');
const DERIVED = `derived-${Buffer.from('Sup3r-db-password\n').toString('base64')}`;
const ONE = { failureThreshold: 1, successThreshold: 1 };

let store: Store;
let app: Awaited<ReturnType<typeof healthApp>>['app'];
let health: HealthService;
let call: Awaited<ReturnType<typeof healthApp>>['get'];

beforeEach(async () => {
  store = openMemoryStore({ now: () => NOW });
  ({ app, health, get: call } = await healthApp(store, NOW));
  // The container probe of an unhealthy container, recorded as the container monitor does.
  const verdict = containerVerdict(
    containerInfo({
      name: 'alpha-app-1',
      labels: {},
      health: {
        status: 'unhealthy',
        failingStreak: 3,
        log: [{ exitCode: 1, output: `${DERIVED}\n`, start: '', end: '' }],
      },
    }),
    false,
  );
  health.recorder.record(
    { stack: 'alpha', service: 'app', probe: 'container' },
    {
      ok: verdict.ok,
      at: NOW,
      detail: `alpha-app-1 ${verdict.detail}`,
      ...(verdict.output !== undefined ? { output: verdict.output } : {}),
    },
    ONE,
  );
  // A failing command probe, run and judged as the probe monitor does.
  const definition = {
    check: { type: 'command' as const, argv: ['check'] },
    intervalMs: 30_000,
    timeoutMs: 1_000,
    ...ONE,
    conditions: [],
  };
  const outcome = await runCheck(definition.check, {
    signal: new AbortController().signal,
    timeoutMs: 1_000,
    now: () => NOW.getTime(),
    exec: async () => ({ exitCode: 2, output: `${DERIVED}\nsecond line\n` }),
  });
  const judged = judge(definition, outcome);
  health.recorder.record(
    { stack: 'alpha', service: 'app', probe: 'ping' },
    {
      ok: judged.ok,
      at: NOW,
      detail: judged.detail,
      ...(judged.output !== undefined ? { output: judged.output } : {}),
    },
    ONE,
  );
});
afterEach(() => store.close());

async function healthEvents(token: ControlToken) {
  const res = await app.request('/api/v1/events?after=0&stack=alpha', {
    headers: { Authorization: `Bearer ${token}` },
  });
  expect(res.status).toBe(200);
  const sse = new SseReader(res);
  const messages = await sse.take(2);
  await sse.cancel();
  return messages.map((m) => m.data);
}

const VIEWERS = ['viewer', 'alpha-viewer'] as const;
const OPERATORS = ['operator', 'alpha-operator', 'admin'] as const;

describe('what a checked program printed', () => {
  it('is not in the health answers for viewers, who get what failed and the exit code', async () => {
    for (const token of VIEWERS) {
      const list = await call('/api/v1/health?stack=alpha', token);
      expect(list.status).toBe(200);
      expect(JSON.stringify(list.json), token).not.toContain(DERIVED);
      expect(list.json.items.map((p: { last: unknown }) => p.last)).toEqual([
        {
          at: NOW.toISOString(),
          ok: false,
          detail: 'alpha-app-1 running but unhealthy: its health check exited 1',
        },
        { at: NOW.toISOString(), ok: false, detail: 'exit 2' },
      ]);
      for (const probe of ['container', 'ping']) {
        const one = await call(`/api/v1/stacks/alpha/health/app/${probe}`, token);
        expect(one.status).toBe(200);
        expect(JSON.stringify(one.json), `${token} ${probe}`).not.toContain(DERIVED);
        expect(one.json.failures).toHaveLength(1);
      }
    }
  });

  it('is in the health answers for operators, apart from the detail', async () => {
    for (const token of OPERATORS) {
      const list = await call('/api/v1/health?stack=alpha', token);
      expect(
        list.json.items.map((p: { last: { output?: string } }) => p.last.output),
        token,
      ).toEqual([DERIVED, `${DERIVED}\nsecond line`]);
      const one = await call('/api/v1/stacks/alpha/health/app/container', token);
      expect(one.json.probe.last.output).toBe(DERIVED);
      expect(one.json.failures).toEqual([
        {
          at: NOW.toISOString(),
          detail: 'alpha-app-1 running but unhealthy: its health check exited 1',
          output: DERIVED,
        },
      ]);
    }
  });

  it('is in the probe-down event for operators only; its message (what alerts send) never has it', async () => {
    for (const token of [...VIEWERS, ...OPERATORS]) {
      const events = await healthEvents(token);
      expect(events.map((e) => e.type)).toEqual(['probe-down', 'probe-down']);
      for (const e of events) {
        expect(e.message, token).not.toContain(DERIVED);
        expect(e.message).toContain('`berth health show alpha app');
        expect(e.data.alert).toMatchObject({ status: 'open', severity: 'critical' });
      }
      expect(events[0]?.message).toBe(
        'alpha/app probe container is DOWN: alpha-app-1 running but unhealthy: its health check exited 1 (its output: `berth health show alpha app container`, for operators)',
      );
      expect(events[0]?.data.alert.key).toBe('probe:alpha/app/container');
      const outputs = events.map((e) => e.data.output);
      if (token.includes('viewer')) expect(outputs, token).toEqual([undefined, undefined]);
      else expect(outputs, token).toEqual([DERIVED, `${DERIVED}\nsecond line`]);
    }
  });
});
