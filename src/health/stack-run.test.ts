import { describe, expect, it } from 'vitest';
import type { DeploymentOutcome, StackRunFacts } from '../store/index.js';
import { notRunningView, type StackRun, stackRun } from './stack-run.js';

const AT = '2026-06-10T10:00:00.000Z';
const DOWN = { at: '2026-06-10T09:00:00.000Z', deploymentId: 4 };
const done = (id: number, status: DeploymentOutcome['status']): DeploymentOutcome => ({
  id,
  status,
  ...(status === 'running' ? {} : { finishedAt: AT }),
});

type Case = readonly [string, StackRunFacts, StackRun];

// Every combination of: a down recorded or not, and the newest deployment since (none, or each
// outcome), alone or after deployments that put the stack back as it was.
const CASES: readonly Case[] = [
  ['nothing recorded', { deployments: [] }, { state: 'never-deployed' }],
  ['a down, no deployment since', { down: DOWN, deployments: [] }, { state: 'stopped', at: DOWN.at }],
  [
    'a down of unknown time (before migration 16)',
    { down: { deploymentId: 4 }, deployments: [] },
    { state: 'stopped' },
  ],
  [
    'a down, then a succeeded deploy',
    { down: DOWN, deployments: [done(5, 'succeeded')] },
    { state: 'running' },
  ],
  ['a down, then a deploy running', { down: DOWN, deployments: [done(5, 'running')] }, { state: 'running' }],
  [
    'a down, then a failed deploy (left in place)',
    { down: DOWN, deployments: [done(5, 'failed')] },
    { state: 'running' },
  ],
  [
    'a down, then a rolled-back deploy',
    { down: DOWN, deployments: [done(5, 'rolled-back')] },
    { state: 'not-running', deploymentId: 5, outcome: 'rolled-back', at: AT, after: 'down' },
  ],
  [
    'a down, then an interrupted deploy',
    { down: DOWN, deployments: [done(5, 'interrupted')] },
    { state: 'not-running', deploymentId: 5, outcome: 'interrupted', at: AT, after: 'down' },
  ],
  [
    'a down, then two deploys put back',
    { down: DOWN, deployments: [done(6, 'interrupted'), done(5, 'rolled-back')] },
    { state: 'not-running', deploymentId: 6, outcome: 'interrupted', at: AT, after: 'down' },
  ],
  [
    'a down, a succeeded deploy, then a rolled-back one (put back what ran)',
    { down: DOWN, deployments: [done(6, 'rolled-back'), done(5, 'succeeded')] },
    { state: 'running' },
  ],
  ['no down, a succeeded deploy', { deployments: [done(1, 'succeeded')] }, { state: 'running' }],
  ['no down, the first deploy running', { deployments: [done(1, 'running')] }, { state: 'running' }],
  [
    'no down, the first deploy failed (left in place)',
    { deployments: [done(1, 'failed')] },
    { state: 'running' },
  ],
  [
    'no down, the first deploy rolled back',
    { deployments: [done(1, 'rolled-back')] },
    { state: 'not-running', deploymentId: 1, outcome: 'rolled-back', at: AT, after: 'nothing' },
  ],
  [
    'no down, the first deploy interrupted',
    { deployments: [done(1, 'interrupted')] },
    { state: 'not-running', deploymentId: 1, outcome: 'interrupted', at: AT, after: 'nothing' },
  ],
  [
    'no down, every deploy rolled back',
    { deployments: [done(3, 'rolled-back'), done(2, 'interrupted'), done(1, 'rolled-back')] },
    { state: 'not-running', deploymentId: 3, outcome: 'rolled-back', at: AT, after: 'nothing' },
  ],
  [
    'no down, a succeeded deploy, then rolled-back ones',
    { deployments: [done(3, 'rolled-back'), done(2, 'rolled-back'), done(1, 'succeeded')] },
    { state: 'running' },
  ],
  [
    'no down, a deploy left in place, then a rolled-back one (put back what the failed one left)',
    { deployments: [done(2, 'rolled-back'), done(1, 'failed')] },
    { state: 'running' },
  ],
];

describe('stackRun', () => {
  it.each(CASES)('%s', (_name, facts, expected) => {
    expect(stackRun(facts)).toEqual(expected);
  });

  it('leaves out the time of a deployment that recorded no end', () => {
    expect(stackRun({ deployments: [{ id: 1, status: 'interrupted' }] })).toEqual({
      state: 'not-running',
      deploymentId: 1,
      outcome: 'interrupted',
      after: 'nothing',
    });
  });
});

describe('notRunningView', () => {
  it('says a stopped stack was taken down, when, and that `berth up` starts it again', () => {
    expect(notRunningView('shop', { state: 'stopped', at: AT })).toEqual({
      cause: 'down',
      at: AT,
      hint: '`berth up shop` starts it again',
    });
    expect(notRunningView('shop', { state: 'stopped' })).toEqual({
      cause: 'down',
      hint: '`berth up shop` starts it again',
    });
  });

  it('names the deployment that left nothing running, and where to read why', () => {
    expect(
      notRunningView('shop', {
        state: 'not-running',
        deploymentId: 5,
        outcome: 'rolled-back',
        at: AT,
        after: 'down',
      }),
    ).toEqual({
      cause: 'deployment',
      at: AT,
      deploymentId: 5,
      outcome: 'rolled-back',
      after: 'down',
      hint: '`berth deployments shop` says why deployment 5 did not stay; fix that, then `berth up shop`',
    });
  });

  it('says nothing of a stack that runs or was never deployed', () => {
    expect(notRunningView('shop', { state: 'running' })).toBeUndefined();
    expect(notRunningView('shop', { state: 'never-deployed' })).toBeUndefined();
  });
});
