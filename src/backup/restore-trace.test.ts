import { describe, expect, it } from 'vitest';
import type { ContainerSummary } from '../engine/model.js';
import {
  planRestoreRecovery,
  type RestoreStep,
  restoreRecoveryMessage,
  restoreStepData,
  traceRestore,
} from './restore-trace.js';

const base = { stack: 'shop', service: 'db', source: 'SRC' } as const;
const step = (s: Partial<RestoreStep> & Pick<RestoreStep, 'step'>) => ({
  data: restoreStepData({ ...base, ...s }),
});

const container = (name: string, state: ContainerSummary['state']): ContainerSummary => ({
  id: `id-${name}`,
  name,
  image: 'img',
  imageId: 'sha256:1',
  labels: {},
  state,
  status: state,
  networks: [],
  createdAt: '2026-12-07T00:00:00Z',
});

describe('traceRestore', () => {
  it('reads the safety backup, the services stopped and whether writing began', () => {
    const trace = traceRestore([
      { data: undefined },
      { data: { other: 1 } },
      step({ step: 'safety-taken', safety: 'SAFE' }),
      step({ step: 'stopping', safety: 'SAFE', stopping: 'web' }),
      step({ step: 'stopping', safety: 'SAFE', stopping: 'worker' }),
      step({ step: 'stopping', safety: 'SAFE', stopping: 'web' }),
      step({ step: 'writing', safety: 'SAFE' }),
    ]);
    expect(trace).toEqual({ ...base, safety: 'SAFE', stopped: ['web', 'worker'], writing: true });
  });

  it('is undefined when the restore recorded no step (it died before its safety backup)', () => {
    expect(traceRestore([{ data: { restore: { step: 'bogus' } } }, {}])).toBeUndefined();
  });
});

describe('planRestoreRecovery', () => {
  const trace = { ...base, safety: 'SAFE', stopped: ['web', 'worker'], writing: true };

  it('starts the target, then the dependents in the reverse of their stopping, only stopped ones', () => {
    const plan = planRestoreRecovery(
      trace,
      new Map([
        ['db', [container('shop-db-1', 'exited')]],
        ['web', [container('shop-web-1', 'exited'), container('shop-web-2', 'running')]],
        ['worker', [container('shop-worker-1', 'created'), container('shop-worker-2', 'paused')]],
      ]),
    );
    expect(plan.start.map((c) => c.name)).toEqual(['shop-db-1', 'shop-worker-1', 'shop-web-1']);
    expect(plan.left).toEqual([{ name: 'shop-worker-2', why: 'it is paused' }]);
  });

  it('leaves the target alone when the restore had not begun writing into it', () => {
    const plan = planRestoreRecovery(
      { ...trace, writing: false },
      new Map([
        ['db', [container('shop-db-1', 'exited')]],
        ['web', [container('shop-web-1', 'exited')]],
      ]),
    );
    expect(plan.start.map((c) => c.name)).toEqual(['shop-web-1']);
  });

  it('starts nothing of a service the engine lists no container of (none of Berth’s)', () => {
    expect(planRestoreRecovery(trace, new Map()).start).toEqual([]);
  });
});

describe('restoreRecoveryMessage', () => {
  it('says what was started, that the data may be partly restored, and the safety backup to restore', () => {
    const m = restoreRecoveryMessage(
      'op_1',
      { ...base, safety: 'SAFE', stopped: ['web'], writing: true },
      ['shop-web-1'],
      [{ name: 'shop-web-2', why: 'no such container' }],
    );
    expect(m).toContain('interrupted restore op_1 of backup SRC into shop/db');
    expect(m).toContain('started shop-web-1 again');
    expect(m).toContain('not started: shop-web-2 (no such container)');
    expect(m).toContain('may be partly restored');
    expect(m).toContain('`berth backup restore shop SAFE`');
  });
});
