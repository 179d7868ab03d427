import { describe, expect, it } from 'vitest';
import { manualClock } from '../clock.js';
import type { ContainerSpec } from '../engine/model.js';
import { EngineError } from '../engine/model.js';
import type { ContainerStep } from './plan-types.js';
import { ServiceFailed } from './service-gates.js';
import { type LoggedStep, StepLog } from './step-log.js';

const SECRET = 'hunter2-step-log-9d1f';

/** A recreate step whose every name, image, command and value holds SECRET. */
const RECREATE: ContainerStep = {
  kind: 'recreate',
  service: 'web',
  replica: 2,
  strategy: 'start-first',
  current: { id: 'a'.repeat(64), name: `web-${SECRET}` },
  spec: {
    name: `web-${SECRET}`,
    image: `registry.example/app:${SECRET}`,
    cmd: ['serve', `--token=${SECRET}`],
    env: { API_PASSWORD: SECRET },
  } as unknown as ContainerSpec,
  reasons: [`image app:1 → app:${SECRET}`],
};

function captured() {
  const lines: Array<{ fields: Record<string, unknown>; message: string }> = [];
  const clock = manualClock(new Date('2026-01-01T00:00:00Z'));
  const log = new StepLog({ debug: (fields, message) => lines.push({ fields, message }) }, clock, {
    stack: 'shop',
    deployment: 7,
  });
  return { lines, clock, log };
}

describe('StepLog', () => {
  it('logs a step when it starts and when it ends: kind, service, replica, outcome, ms, container id', async () => {
    const { lines, clock, log } = captured();
    const result = await log.step(
      RECREATE,
      1,
      async () => {
        await clock.advance(250);
        return 'b'.repeat(64);
      },
      { id: (r) => r },
    );
    expect(result).toBe('b'.repeat(64));
    expect(lines).toEqual([
      {
        fields: {
          stack: 'shop',
          deployment: 7,
          event: 'step-start',
          step: 'recreate',
          service: 'web',
          replica: 2,
          strategy: 'start-first',
        },
        message: 'deploy step recreate web replica 2: started',
      },
      {
        fields: {
          stack: 'shop',
          deployment: 7,
          event: 'step-end',
          step: 'recreate',
          service: 'web',
          replica: 2,
          strategy: 'start-first',
          outcome: 'succeeded',
          ms: 250,
          container: 'b'.repeat(64),
        },
        message: 'deploy step recreate web replica 2: succeeded in 250 ms',
      },
    ]);
  });

  it("says why a step failed in Berth's words only, and rethrows the error as it was", async () => {
    const { lines, log } = captured();
    const engine = new EngineError('ENGINE_CONFLICT', `name web-${SECRET} is in use`);
    await expect(log.step(RECREATE, 1, () => Promise.reject(engine))).rejects.toBe(engine);
    const gate = new ServiceFailed({
      service: 'web',
      reason: 'unhealthy',
      detail: SECRET,
      logTail: [SECRET],
    });
    await expect(log.step(RECREATE, 1, () => Promise.reject(gate))).rejects.toBe(gate);
    const plain = new Error(`cannot start ${SECRET}`);
    await expect(log.step(RECREATE, 1, () => Promise.reject(plain), { aborted: () => true })).rejects.toBe(
      plain,
    );
    const ends = lines.filter((l) => l.fields.event === 'step-end');
    expect(ends.map((l) => [l.fields.outcome, l.fields.error])).toEqual([
      ['failed', 'ENGINE_CONFLICT'],
      ['failed', 'unhealthy'],
      ['aborted', undefined],
    ]);
    expect(ends[0]?.message).toBe('deploy step recreate web replica 2: failed (ENGINE_CONFLICT) in 0 ms');
  });

  it('never logs a name, an image reference, a command, a value or a failure detail', async () => {
    const { lines, log } = captured();
    const network: LoggedStep = {
      kind: 'create-network',
      name: `net-${SECRET}`,
      spec: { name: `net-${SECRET}` } as never,
    };
    await log.step(network, 3, async () => undefined);
    await log
      .step(RECREATE, 1, () =>
        Promise.reject(
          new ServiceFailed({ service: 'web', reason: `bad ${SECRET}`, detail: SECRET, logTail: [] }),
        ),
      )
      .catch(() => undefined);
    const removal: LoggedStep = { ...RECREATE, kind: 'remove' };
    await log.step(removal, 1, async () => undefined);
    const gate = log.gateStarted('web', 2, 'c'.repeat(64), 'deploy');
    gate.failed(`exited: ${SECRET}`);
    const rollback = log.rollbackStarted('failure', 1);
    log.gateStarted('web', undefined, 'a'.repeat(64), 'rollback').passed();
    rollback.ended(0);
    expect(lines.map((l) => l.fields.event)).toEqual([
      'step-start',
      'step-end',
      'step-start',
      'step-end',
      'step-start',
      'step-end',
      'gate-start',
      'gate-fail',
      'rollback-start',
      'gate-start',
      'gate-pass',
      'rollback-end',
    ]);
    expect(lines[0]?.message).toBe('deploy step create-network #3: started');
    expect(lines[7]?.fields.reason).toBe('failed');
    expect(lines[11]).toMatchObject({ fields: { cause: 'failure', outcome: 'restored', problems: 0 } });
    expect(JSON.stringify(lines)).not.toContain(SECRET);
  });

  it('writes nothing without a log, and still runs the step', async () => {
    const log = new StepLog(undefined, manualClock(), { stack: 'shop', deployment: 1 });
    expect(await log.step(RECREATE, 1, async () => 42)).toBe(42);
    log.gateStarted('web', 1, 'id', 'deploy').passed();
    log.rollbackStarted('interrupted', 2).ended(1);
  });
});
