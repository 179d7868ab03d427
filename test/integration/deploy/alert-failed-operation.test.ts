import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { raisesAlert } from '../../../src/alerts/classify.js';
import { LocalClient } from '../../../src/app/local-client.js';
import { OperationRunner } from '../../../src/operations/runner.js';
import { openStore } from '../../../src/store/index.js';
import { alertKit, webhook } from '../../support/alerts/kit.js';
import { type HttpReceiver, httpReceiver, until } from '../../support/alerts/receivers.js';
import { quietLoggers } from '../../support/quiet-loggers.js';
import { type DeployHarness, SLEEPER, stackServiceFor, useHarness } from './support.js';

// The alert of an operation that failed before any gate (nothing applied: its image cannot be
// pulled), or a restart whose service does not come back, as a webhook receives it: once, naming the
// stack, the error's code and what to do. A failed gate still gives one alert, its deploy's `done`.
// The runner and the alert service are wired as `berth serve` wires them (src/app/berth.ts).

let h: DeployHarness;
useHarness((started) => {
  h = started;
});
let receiver: HttpReceiver;

beforeAll(async () => {
  receiver = await httpReceiver();
});
afterAll(async () => {
  await receiver?.close();
});

// Nothing listens on port 1: the pull fails at once (there is no registry here).
const MISSING = '127.0.0.1:1/berth-missing/app:1';

const stackFile = (image: string, extra = '') => `x-berth:
  deploy: { health_timeout: 6s, stable_window: 1s }
services:
  app:
    image: ${image}
    command: ${SLEEPER}
${extra}`;

/** Runs `kind` of the stack in `dir` through a runner whose events reach an alert kit; returns the stack's alerts. */
async function operate(kind: 'up' | 'restart', stack: string, dir: string) {
  const received = receiver.requests.length;
  const kit = alertKit({ clock: h.clock, store: () => h.store, channels: [webhook('hook', receiver.url)] });
  kit.service.start();
  try {
    const runner = new OperationRunner({
      operations: h.store.operations,
      events: kit.hub,
      clock: h.clock,
      newId: () => `op_${stack}_${kind}_${received}`,
      markInterrupted: () => {},
      raisesAlert,
    });
    const service = stackServiceFor(h, dir, stack);
    const asked = { stack, actor: 'alice', requestId: 'req-1' };
    const op =
      kind === 'up'
        ? runner.start({
            ...asked,
            kind,
            run: ({ onEvent, signal }) => service.up(stack, { onEvent, signal }),
          })
        : runner.start({ ...asked, kind, run: ({ onEvent }) => service.restart(stack, { onEvent }) });
    await runner.idle();
    const ended = h.store.operations.get(op.id);
    const alerts = kit.service.list({ limit: 50 }).alerts.filter((a) => a.stack === stack);
    if (alerts.length > 0) await until(() => receiver.requests.length > received, 'the alert');
    // Whatever else was queued would have been sent by now: the lane sends at once.
    await new Promise((resolve) => setTimeout(resolve, 500));
    const bodies = receiver.requests
      .slice(received)
      .map((r) => JSON.parse(r.body) as Record<string, unknown>)
      .filter((b) => b.stack === stack);
    return { ended, alerts, bodies };
  } finally {
    kit.unsubscribe();
    await kit.service.drain(0);
  }
}

describe('the alert of a failed operation', () => {
  it('is sent once for a deploy whose image cannot be pulled: the stack, the code and what to do', async () => {
    const stack = h.stackName();
    const { ended, alerts, bodies } = await operate('up', stack, h.writeStack(stackFile(MISSING)));
    expect(ended?.status).toBe('failed');
    expect(ended?.error?.code).toBe('DEPLOY_PULL_FAILED');
    expect(alerts.map((a) => `${a.kind}/${a.type}`)).toEqual(['operation/finished']);
    expect(bodies).toHaveLength(1);
    expect(bodies[0]).toMatchObject({
      kind: 'notice',
      severity: 'error',
      stack,
      key: `operation-failed:${stack}/up`,
    });
    const summary = String(bodies[0]?.summary);
    expect(summary).toContain(`the deploy of ${stack} (operation ${ended?.id}) failed: `);
    expect(summary).toContain(MISSING);
    expect(summary).toContain('[DEPLOY_PULL_FAILED]. Next: ');
    expect(summary).toContain(ended?.error?.hint ?? '?');
  }, 120_000);

  it('is sent once for a failed gate, by the deploy’s `done`, not again by its operation', async () => {
    const stack = h.stackName();
    const unhealthy = '    healthcheck: { test: ["CMD", "false"], interval: 1s, timeout: 2s, retries: 1 }\n';
    const { ended, alerts, bodies } = await operate(
      'up',
      stack,
      h.writeStack(stackFile('local/busybox:1', unhealthy)),
    );
    expect(ended?.status).toBe('succeeded');
    expect(alerts.map((a) => `${a.kind}/${a.type}`)).toEqual(['deploy/done']);
    expect(bodies.map((b) => b.key)).toEqual([`deploy:failure:${stack}/app`]);
  }, 120_000);

  it('is sent once for a restart whose service does not come back', async () => {
    const stack = h.stackName();
    // Its program refuses a second start in the same container: a restart cannot pass the gate.
    const once = `["sh", "-c", "test -f /started && exit 1; touch /started; trap 'exit 0' TERM; while :; do sleep 1 & wait; done"]`;
    const dir = h.writeStack(stackFile('local/busybox:1').replace(SLEEPER, once));
    expect((await operate('up', stack, dir)).ended?.status).toBe('succeeded');
    const { ended, alerts, bodies } = await operate('restart', stack, dir);
    expect(ended?.status).toBe('failed');
    expect(alerts.map((a) => `${a.kind}/${a.type}`)).toEqual(['operation/finished']);
    expect(bodies).toHaveLength(1);
    expect(bodies[0]).toMatchObject({ severity: 'error', key: `operation-failed:${stack}/restart` });
    expect(String(bodies[0]?.summary)).toContain(
      `the restart of ${stack} (operation ${ended?.id}) failed: ${stack}-app-1 did not come back after the restart`,
    );
    expect(String(bodies[0]?.summary)).toContain(
      `[${ended?.error?.code}]. Next: look at \`berth logs ${stack} app\``,
    );
  }, 120_000);

  it('is stored by `berth --local up` as the runner stores it, and alerted alike from the state file', async () => {
    const stack = h.stackName();
    const dir = h.writeStack(stackFile(MISSING));
    const stateDir = join(h.stateDir, `local-${stack}`);
    const client = new LocalClient(
      { stateDir, workspace: dir },
      { COMPOSE_PROJECT_NAME: stack },
      quietLoggers(),
      h.clock,
    );
    try {
      await expect(client.up(dir, {})).rejects.toMatchObject({ code: 'DEPLOY_PULL_FAILED' });
    } finally {
      await client.close();
    }
    const store = openStore({ path: join(stateDir, 'berth.db'), clock: h.clock, isAlive: () => true });
    const received = receiver.requests.length;
    const kit = alertKit({ clock: h.clock, store: () => store, channels: [webhook('hook', receiver.url)] });
    kit.service.start();
    try {
      // What the alert tail of a `berth serve` on this state file hands the alert service.
      for (const event of store.events.after({ after: 0, limit: 1000 })) kit.service.handle(event);
      const alerts = kit.service.list({ limit: 50 }).alerts.filter((a) => a.stack === stack);
      expect(alerts.map((a) => `${a.kind}/${a.type}/${a.key}`)).toEqual([
        `operation/finished/operation-failed:${stack}/up`,
      ]);
      await until(() => receiver.requests.length > received, 'the alert of the local deploy');
      const body = JSON.parse(receiver.requests[received]?.body ?? '{}') as Record<string, unknown>;
      expect(String(body.summary)).toContain(`the deploy of ${stack} failed: `);
      expect(String(body.summary)).toContain('[DEPLOY_PULL_FAILED]');
    } finally {
      kit.unsubscribe();
      await kit.service.drain(0);
      store.close();
    }
  }, 120_000);
});
