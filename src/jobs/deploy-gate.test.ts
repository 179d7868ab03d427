import { describe, expect, it } from 'vitest';
import { DEPLOY_POLL_MS, DEPLOY_WAIT_MAX_MS, deployGate, deployWaitBound } from './deploy-gate.js';

const since = new Date('2026-06-10T10:50:00Z');
const later = (ms: number) => new Date(since.getTime() + ms);
const HOUR = 3_600_000;

describe('deployGate', () => {
  it('lets a run go at once, with nothing to note, when its stack is free', () => {
    expect(deployGate({ stack: 'force1', busy: undefined, since, now: since, timeoutMs: HOUR })).toEqual({
      action: 'go',
    });
  });

  it('makes a run look again after a poll while the stack is held', () => {
    expect(deployGate({ stack: 'force1', busy: {}, since, now: since, timeoutMs: HOUR })).toEqual({
      action: 'wait',
      ms: DEPLOY_POLL_MS,
    });
    expect(
      deployGate({ stack: 'force1', busy: { deploymentId: 7 }, since, now: later(42_000), timeoutMs: HOUR }),
    ).toEqual({ action: 'wait', ms: DEPLOY_POLL_MS });
  });

  it('notes how long a run waited once the stack is free again', () => {
    expect(
      deployGate({ stack: 'force1', busy: undefined, since, now: later(42_300), timeoutMs: HOUR }),
    ).toEqual({
      action: 'go',
      note: 'waited 42s while force1 was busy (a deploy, restart, down or restore)',
    });
    expect(deployGate({ stack: 'force1', busy: undefined, since, now: later(200), timeoutMs: HOUR })).toEqual(
      {
        action: 'go',
        note: 'waited 1s while force1 was busy (a deploy, restart, down or restore)',
      },
    );
  });

  it('waits no longer than the job’s timeout: the last poll is cut to the bound, then the run is skipped', () => {
    const timeoutMs = 90_000;
    expect(
      deployGate({ stack: 'force1', busy: {}, since, now: later(89_500), timeoutMs, pollMs: 1_000 }),
    ).toEqual({ action: 'wait', ms: 500 });
    expect(
      deployGate({ stack: 'force1', busy: { deploymentId: 12 }, since, now: later(90_000), timeoutMs }),
    ).toEqual({
      action: 'skip',
      reason: 'force1 still busy (a deploy, restart, down or restore) after 1m30s (deployment 12)',
    });
  });

  it('waits at most 30 minutes, whatever the timeout', () => {
    expect(deployWaitBound(HOUR)).toBe(DEPLOY_WAIT_MAX_MS);
    expect(deployWaitBound(60_000)).toBe(60_000);
    expect(
      deployGate({ stack: 'force1', busy: {}, since, now: later(DEPLOY_WAIT_MAX_MS - 1), timeoutMs: HOUR }),
    ).toEqual({ action: 'wait', ms: 1 });
    expect(
      deployGate({ stack: 'force1', busy: {}, since, now: later(DEPLOY_WAIT_MAX_MS), timeoutMs: HOUR }),
    ).toEqual({ action: 'skip', reason: 'force1 still busy (a deploy, restart, down or restore) after 30m' });
  });
});
