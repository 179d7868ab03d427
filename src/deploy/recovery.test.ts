import { describe, expect, it } from 'vitest';
import { containerLabels, oneOffLabels } from '../engine/model.js';
import { isEmptyRecovery, planRecovery, type RecoveryContainer, startRestored } from './recovery.js';

const labels = (service: string, replica = 1, stack = 'shop') =>
  containerLabels({ stack, service, replica, configHash: 'h', role: 'current' });
const box = (id: string, name: string, l = labels('web')): RecoveryContainer => ({ id, name, labels: l });
const applied = (containerId: string, service = 'web', replica = 1) => ({ service, replica, containerId });

describe('planRecovery', () => {
  it('restores a parked last good container over the unverified one holding its name', () => {
    const plan = planRecovery({
      stack: 'shop',
      containers: [box('new', 'shop-web-1'), box('old', 'shop-web-1-berth-prev-7')],
      applied: [applied('old')],
    });
    expect(plan).toEqual({
      steps: [
        {
          kind: 'restore',
          service: 'web',
          replica: 1,
          deploymentId: 7,
          parked: { id: 'old', name: 'shop-web-1-berth-prev-7' },
          name: 'shop-web-1',
          displace: { id: 'new', name: 'shop-web-1' },
        },
      ],
      problems: [],
    });
  });

  it('restores a parked last good container whose name is free (killed before the new one was created)', () => {
    const plan = planRecovery({
      stack: 'shop',
      containers: [box('old', 'shop-web-1-berth-prev-7')],
      applied: [applied('old')],
    });
    expect(plan.steps).toEqual([expect.objectContaining({ kind: 'restore', name: 'shop-web-1' })]);
    expect(plan.steps[0]).not.toHaveProperty('displace');
  });

  it('removes a start-first replacement that was never promoted', () => {
    const plan = planRecovery({
      stack: 'shop',
      containers: [box('old', 'shop-web-1'), box('next', 'shop-web-1-berth-next-7')],
      applied: [applied('old')],
    });
    expect(plan.steps).toEqual([
      {
        kind: 'discard',
        service: 'web',
        replica: 1,
        deploymentId: 7,
        container: { id: 'next', name: 'shop-web-1-berth-next-7' },
      },
    ]);
  });

  it('leaves a parked container that is not the last good one to the plan (its deploy succeeded)', () => {
    const plan = planRecovery({
      stack: 'shop',
      containers: [box('new', 'shop-web-1'), box('old', 'shop-web-1-berth-prev-7')],
      applied: [applied('new')],
    });
    expect(isEmptyRecovery(plan)).toBe(true);
  });

  it('does nothing without a record of the last good container, or for a healthy stack', () => {
    expect(
      isEmptyRecovery(
        planRecovery({ stack: 'shop', containers: [box('old', 'shop-web-1-berth-prev-7')], applied: [] }),
      ),
    ).toBe(true);
    expect(
      isEmptyRecovery(
        planRecovery({ stack: 'shop', containers: [box('a', 'shop-web-1')], applied: [applied('a')] }),
      ),
    ).toBe(true);
  });

  it('matches the record of the same service and replica only', () => {
    const plan = planRecovery({
      stack: 'shop',
      containers: [box('old', 'shop-web-2-berth-prev-7', labels('web', 2))],
      applied: [applied('old', 'web', 1), applied('other', 'web', 2)],
    });
    expect(isEmptyRecovery(plan)).toBe(true);
  });

  it('touches nothing that is not a service container of this stack', () => {
    const plan = planRecovery({
      stack: 'shop',
      containers: [
        box('x', 'shop-web-1-berth-prev-7', labels('web', 1, 'other')),
        box('y', 'shop-web-1-berth-next-7', oneOffLabels({ stack: 'shop', service: 'web', task: 'job:x' })),
        box('z', 'shop-web-1-berth-next-8', {}),
      ],
      applied: [applied('x'), applied('y'), applied('z')],
    });
    expect(isEmptyRecovery(plan)).toBe(true);
  });

  it('refuses to displace a container that is not this service’s: a problem, nothing restored', () => {
    for (const holder of [box('f', 'shop-web-1', {}), box('d', 'shop-web-1', labels('db'))]) {
      const plan = planRecovery({
        stack: 'shop',
        containers: [holder, box('old', 'shop-web-1-berth-prev-7')],
        applied: [applied('old')],
      });
      expect(plan.steps).toEqual([]);
      expect(plan.problems).toEqual([
        expect.stringContaining('shop-web-1 is held by a container Berth did not make'),
      ]);
    }
  });
});

describe('startRestored', () => {
  const began = '2026-01-01T10:00:00.000Z';
  it('starts a container the interrupted deploy stopped', () => {
    expect(startRestored({ state: 'exited', finishedAt: '2026-01-01T10:00:03Z' }, began)).toBe(true);
  });
  it('leaves one that had ended before that deploy (a completed one-shot)', () => {
    expect(startRestored({ state: 'exited', finishedAt: '2026-01-01T09:00:00Z' }, began)).toBe(false);
  });
  it('leaves a running one alone, and starts one whose times are unknown', () => {
    expect(startRestored({ state: 'running', finishedAt: null }, began)).toBe(false);
    expect(startRestored({ state: 'exited', finishedAt: null }, began)).toBe(true);
    expect(startRestored({ state: 'exited', finishedAt: '0001-01-01T00:00:00Z' }, began)).toBe(true);
    expect(startRestored({ state: 'exited', finishedAt: '2026-01-01T09:00:00Z' }, undefined)).toBe(true);
  });
});
