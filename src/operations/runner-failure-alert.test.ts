import { afterEach, describe, expect, it } from 'vitest';
import type { StreamEvent } from '../api/events.js';
import { DeployError } from '../deploy/errors.js';
import { EventHub } from '../events/hub.js';
import { openMemoryStore, type Store } from '../store/index.js';
import { type OperationContext, OperationRunner } from './runner.js';

// The runner's `finished` event of a failed operation carries its alert (failure-alert.ts), unless an
// event of the operation raised one.

let store: Store;
afterEach(() => store?.close());

function runner(raisesAlert?: (e: StreamEvent) => boolean) {
  store = openMemoryStore({ now: () => new Date() });
  const events = new EventHub(store.events);
  const r = new OperationRunner({
    operations: store.operations,
    events,
    clock: { now: () => new Date() },
    newId: () => 'op-1',
    markInterrupted: () => {},
    ...(raisesAlert ? { raisesAlert } : {}),
  });
  return { r, events };
}

const failing = (kind: 'up' | 'restart', body: (ctx: OperationContext) => void) => ({
  kind,
  stack: 'alpha',
  actor: 'alice',
  requestId: 'req-1',
  run: async (ctx: OperationContext): Promise<never> => {
    body(ctx);
    throw new DeployError('DEPLOY_PULL_FAILED', 'could not pull local/missing:1', 'build it');
  },
});

const finishedOf = (events: EventHub) =>
  events.backlog(0, 100).filter((e) => e.kind === 'operation' && e.type === 'finished');

describe('the finished event of a failed operation', () => {
  it('is its alert when none of its events raised one: what failed, the code, what to do', async () => {
    const { r, events } = runner();
    r.start(failing('restart', (ctx) => ctx.onEvent({ type: 'container', message: 'stopping alpha-web-1' })));
    await r.idle();
    const [finished] = finishedOf(events);
    expect(finished?.message).toBe(
      'the restart of alpha (operation op-1) failed: could not pull local/missing:1 [DEPLOY_PULL_FAILED]. Next: build it',
    );
    expect(finished?.data).toMatchObject({
      status: 'failed',
      error: { code: 'DEPLOY_PULL_FAILED' },
      alert: { key: 'operation-failed:alpha/restart', status: 'notice', severity: 'error' },
    });
  });

  it('is no alert when an event of the operation carried one (a failed deploy’s `done`)', async () => {
    const { r, events } = runner();
    const alert = { key: 'deploy:failure:alpha/web', status: 'notice', severity: 'error' };
    r.start(failing('up', (ctx) => ctx.onEvent({ type: 'done', message: 'failed', data: { alert } })));
    await r.idle();
    const [finished] = finishedOf(events);
    expect(finished?.data).not.toHaveProperty('alert');
    expect(finished?.message).toBe('up of alpha failed: could not pull local/missing:1');
  });

  it('asks the given classification whether an event raised an alert', async () => {
    const seen: string[] = [];
    const { r, events } = runner((e) => {
      seen.push(`${e.kind}:${e.type}`);
      return e.type === 'failure';
    });
    r.start(
      failing('up', (ctx) => ctx.onEvent({ type: 'failure', message: 'could not remove alpha-web-1' })),
    );
    await r.idle();
    expect(seen).toEqual(['deploy:failure']);
    expect(finishedOf(events)[0]?.data).not.toHaveProperty('alert');
  });
});
