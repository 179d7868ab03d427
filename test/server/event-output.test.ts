import { afterEach, describe, expect, it } from 'vitest';
import type { UpResult } from '../../src/api/deploy.js';
import type { UpOptions } from '../../src/deploy/service.js';
import { eventFor } from '../../src/server/routes/streams.js';
import { CONTAINERS, type ControlToken, controlFixture, TableStacks } from '../support/control.js';
import { SseReader } from '../support/sse.js';

// What a failed container printed (its log tail, its last health check output) is, like its logs,
// for the stack's operators: not in the operation's answer, the deployment history, nor the event
// stream, where a failed `up` carries it in its `failure` deploy event and in its `finished` event.

const LOG_CANARY = 'log-tail-canary-7d1f';
const HEALTH_CANARY = 'health-output-canary-2b9e';

/** A failure as the deploy reports it (describeFailure), with output in both fields. */
const FAILURE = {
  service: 'web',
  container: 'alpha-web-1',
  reason: 'unhealthy',
  detail: 'unhealthy: last check exited 1',
  exitCode: 1,
  logTail: [`! boom ${LOG_CANARY}`],
  healthOutput: `wget: ${HEALTH_CANARY}`,
};

/** Stacks whose `up` fails as the real apply does: a `failure` event with the failure as its data. */
class FailingStacks extends TableStacks {
  override async up(stack: string, options: UpOptions): Promise<UpResult> {
    options.onEvent?.({ type: 'plan', message: `deploying ${stack}: web` });
    options.onEvent?.({
      type: 'failure',
      service: 'web',
      message: `${FAILURE.reason}: ${FAILURE.detail}`,
      data: { ...FAILURE },
    });
    options.onEvent?.({ type: 'rollback', message: 'rolled back web' });
    return { stack, deploymentId: 1, outcome: 'rolled-back', failure: FAILURE, changedServices: ['web'] };
  }
}

let f: ReturnType<typeof controlFixture>;
afterEach(() => f.close());

async function failedUp(): Promise<string> {
  f = controlFixture({ stacks: new FailingStacks(CONTAINERS) });
  const started = await f.call('POST', '/api/v1/stacks/alpha/up', 'alpha-operator', {});
  expect(started.status).toBe(202);
  await f.control.runner.idle();
  return started.json.id as string;
}

/** The events of a stream: all of an operation's (it ends), else the first `count`. */
async function events(path: string, token: ControlToken, count?: number) {
  const res = await f.open(path, token);
  expect(res.status).toBe(200);
  const sse = new SseReader(res);
  if (count === undefined) return sse.rest();
  const messages = await sse.take(count);
  await sse.cancel();
  return messages;
}

const failureEvent = (messages: Awaited<ReturnType<typeof events>>) =>
  messages.find((m) => m.event === 'deploy' && m.data.type === 'failure')?.data;
const finishedEvent = (messages: Awaited<ReturnType<typeof events>>) =>
  messages.find((m) => m.event === 'operation' && m.data.type === 'finished')?.data;

describe('a failed deploy on the event stream', () => {
  it('gives viewers its failure and reason without what the container printed', async () => {
    const op = await failedUp();
    for (const token of ['viewer', 'alpha-viewer'] as const) {
      for (const [path, count] of [
        [`/api/v1/events?operation=${op}`, undefined],
        ['/api/v1/events?after=0&stack=alpha', 5],
      ] as const) {
        const messages = await events(path, token, count);
        const text = JSON.stringify(messages);
        expect(text.includes(LOG_CANARY), `${token} ${path}: log tail`).toBe(false);
        expect(text.includes(HEALTH_CANARY), `${token} ${path}: health output`).toBe(false);
        const { logTail: _tail, healthOutput: _health, ...reason } = FAILURE;
        expect(failureEvent(messages)).toMatchObject({
          message: 'unhealthy: unhealthy: last check exited 1',
          data: { ...reason, logTail: [] },
        });
        expect(failureEvent(messages)?.data).not.toHaveProperty('healthOutput');
        expect(finishedEvent(messages)?.data).toEqual({
          status: 'succeeded',
          result: {
            stack: 'alpha',
            deploymentId: 1,
            outcome: 'rolled-back',
            failure: { ...reason, logTail: [] },
            changedServices: ['web'],
          },
        });
      }
    }
  });

  it('gives the same as the operation answer: viewers the failure, operators its output too', async () => {
    const op = await failedUp();
    for (const token of ['viewer', 'alpha-viewer', 'operator', 'alpha-operator', 'admin'] as const) {
      const answer = await f.call('GET', `/api/v1/stacks/alpha/operations/${op}`, token);
      expect(answer.status).toBe(200);
      const messages = await events(`/api/v1/events?operation=${op}`, token);
      expect(finishedEvent(messages)?.data.result, token).toEqual(answer.json.result);
      if (token.includes('viewer')) {
        expect(answer.json.result.failure.logTail).toEqual([]);
        expect(answer.json.result.failure).not.toHaveProperty('healthOutput');
      } else {
        expect(answer.json.result.failure).toEqual(FAILURE);
        expect(failureEvent(messages)?.data).toEqual(FAILURE);
      }
    }
  });

  it('leaves events without output as they are for everyone', async () => {
    f = controlFixture();
    await f.call('POST', '/api/v1/stacks/alpha/up', 'operator', {});
    await f.control.runner.idle();
    const asViewer = await events('/api/v1/events?operation=op-1', 'alpha-viewer');
    const asOperator = await events('/api/v1/events?operation=op-1', 'alpha-operator');
    expect(asViewer.map((m) => m.data)).toEqual(asOperator.map((m) => m.data));
    expect(asViewer.map((m) => m.data.type)).toEqual(['started', 'plan', 'gate', 'finished']);
  });
});

describe('eventFor', () => {
  const principal = (role: 'viewer' | 'operator', stack?: string) => ({
    kind: 'token' as const,
    userId: `u-${role}`,
    name: role,
    grants: [stack === undefined ? { role } : { role, stack }],
  });
  const at = '2026-01-01T00:00:00.000Z';
  const failed = {
    id: 7,
    at,
    kind: 'deploy' as const,
    type: 'failure',
    stack: 'alpha',
    message: 'unhealthy',
    data: { ...FAILURE },
  };

  it('strips for who is not an operator of the event’s stack, and only there', () => {
    expect(eventFor(principal('operator', 'alpha'), failed)).toBe(failed);
    expect(eventFor(principal('operator', 'beta'), failed).data).toMatchObject({ logTail: [] });
    expect(eventFor(principal('viewer'), failed).data).not.toHaveProperty('healthOutput');
    expect(failed.data).toEqual(FAILURE);
  });

  it('leaves other results and events alone (a job run’s, a deploy step)', () => {
    const job = {
      id: 8,
      at,
      kind: 'operation' as const,
      type: 'finished',
      stack: 'alpha',
      message: 'job of alpha succeeded',
      data: { status: 'succeeded', result: { id: 1, status: 'succeeded', exitCode: 0 } },
    };
    const step = { ...failed, type: 'gate', data: { replica: 1 } };
    expect(eventFor(principal('viewer'), job)).toBe(job);
    expect(eventFor(principal('viewer'), step)).toBe(step);
  });
});
