import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { controlFixture } from '../../../test/support/control.js';
import { EngineError } from '../../engine/errors.js';

let f: ReturnType<typeof controlFixture>;
beforeEach(() => {
  f = controlFixture();
});
afterEach(() => f.close());

/** A gate the test opens: the fake operation waits on it. */
function hold(): () => void {
  let release = () => {};
  f.stacks.gate = new Promise<void>((resolve) => {
    release = resolve;
  });
  return release;
}

const SUCCEEDED = { stack: 'alpha', deploymentId: 1, outcome: 'succeeded', changedServices: ['web'] };

describe('POST /api/v1/stacks/:stack/up', () => {
  it('answers 202 with a running operation, which then succeeds with the UpResult', async () => {
    const res = await f.call('POST', '/api/v1/stacks/alpha/up', 'alpha-operator', {});
    expect(res.status).toBe(202);
    expect(res.json).toEqual({
      id: 'op-1',
      stack: 'alpha',
      kind: 'up',
      actor: 'alpha-operator',
      requestId: 'req-1',
      status: 'running',
      startedAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
      events: '/api/v1/events?operation=op-1',
    });
    await f.control.runner.idle();

    const got = await f.call('GET', '/api/v1/stacks/alpha/operations/op-1', 'alpha-viewer');
    expect(got.status).toBe(200);
    expect(got.json).toMatchObject({ id: 'op-1', status: 'succeeded', result: SUCCEEDED });
    expect(got.json.finishedAt).toEqual(expect.any(String));
    expect(got.json).not.toHaveProperty('error');
    expect(f.stacks.calls).toEqual([
      { op: 'up', stack: 'alpha', options: { build: undefined, actor: 'alpha-operator', trigger: 'api' } },
    ]);
  });

  it('passes build: true through', async () => {
    expect((await f.call('POST', '/api/v1/stacks/alpha/up', 'operator', { build: true })).status).toBe(202);
    await f.control.runner.idle();
    expect(f.stacks.calls[0]?.options).toMatchObject({ build: true });
  });

  it('reports another stack’s operation, and an unknown id, as 404', async () => {
    await f.call('POST', '/api/v1/stacks/alpha/up', 'operator', {});
    await f.control.runner.idle();
    for (const path of ['/api/v1/stacks/beta/operations/op-1', '/api/v1/stacks/alpha/operations/op-9']) {
      const res = await f.call('GET', path, 'viewer');
      expect(res.status).toBe(404);
      expect(res.json).toMatchObject({ code: 'OPERATION_NOT_FOUND', status: 404 });
    }
  });

  it('refuses a second operation on a busy stack with 409 naming the running one; other stacks start', async () => {
    const release = hold();
    expect((await f.call('POST', '/api/v1/stacks/alpha/up', 'operator', {})).json.id).toBe('op-1');
    const second = await f.call('POST', '/api/v1/stacks/alpha/restart', 'operator', {});
    expect(second.status).toBe(409);
    expect(second.json).toMatchObject({ code: 'OPERATION_IN_PROGRESS', status: 409 });
    expect(second.json.detail).toContain('operation op-1');
    expect(second.json.detail).toContain('up of alpha is running');
    expect(second.json.hint).toContain('/api/v1/events?operation=op-1');

    const beta = await f.call('POST', '/api/v1/stacks/beta/up', 'operator', {});
    expect(beta.status).toBe(202);
    expect(beta.json).toMatchObject({ id: 'op-2', stack: 'beta', status: 'running' });
    expect(f.control.runner.running().map((o) => o.id)).toEqual(['op-1', 'op-2']);

    release();
    await f.control.runner.idle();
    expect(f.store.operations.get('op-1')?.status).toBe('succeeded');
    // Once it is done the stack takes operations again.
    expect((await f.call('POST', '/api/v1/stacks/alpha/up', 'operator', {})).status).toBe(202);
  });

  it('records a coded failure with its code, message and hint', async () => {
    f.stacks.fail = Object.assign(new Error('image nginx:9 not found'), {
      code: 'DEPLOY_BUILD_FAILED',
      hint: 'check the image name',
    });
    await f.call('POST', '/api/v1/stacks/alpha/up', 'operator', {});
    await f.control.runner.idle();
    const got = await f.call('GET', '/api/v1/stacks/alpha/operations/op-1', 'viewer');
    expect(got.json).toMatchObject({
      status: 'failed',
      error: {
        code: 'DEPLOY_BUILD_FAILED',
        message: 'image nginx:9 not found',
        hint: 'check the image name',
      },
    });
    expect(got.json).not.toHaveProperty('result');
  });

  it('reports an uncoded failure as INTERNAL', async () => {
    f.stacks.fail = new Error('socket hang up');
    await f.call('POST', '/api/v1/stacks/alpha/up', 'operator', {});
    await f.control.runner.idle();
    expect(f.store.operations.get('op-1')?.error).toEqual({
      code: 'INTERNAL',
      message: 'socket hang up',
      hint: 'see the berth serve log for this operation id',
    });
  });

  it('counts deploys by stack and outcome, and times them', async () => {
    await f.call('POST', '/api/v1/stacks/alpha/up', 'operator', {});
    await f.control.runner.idle();
    f.stacks.fail = Object.assign(new Error('no'), { code: 'DEPLOY_INVALID_STACK', hint: 'h' });
    await f.call('POST', '/api/v1/stacks/beta/up', 'operator', {});
    await f.control.runner.idle();
    // down and restart are not deploys.
    await f.call('POST', '/api/v1/stacks/gamma/down', 'operator', {});
    await f.control.runner.idle();

    const metrics = await f.call('GET', '/metrics', 'admin');
    expect(metrics.status).toBe(200);
    const deploys = metrics.text.split('\n').filter((l) => l.startsWith('berth_deploys_total{'));
    // beta was refused before it recorded a deployment: not a failed deploy, counted apart.
    expect(deploys.sort()).toEqual(['berth_deploys_total{stack="alpha",outcome="succeeded"} 1']);
    expect(metrics.text).toContain('berth_deploy_duration_seconds_count{outcome="succeeded"} 1');
    expect(metrics.text).not.toContain('berth_deploy_duration_seconds_count{outcome="failed"}');
    expect(metrics.text).toContain('berth_deploys_refused_total{stack="beta",code="DEPLOY_INVALID_STACK"} 1');
  });

  it('refuses a stack that does not exist with 404 before any operation, event or metric series', async () => {
    for (let i = 0; i < 50; i++) {
      for (const action of ['up', 'down', 'restart']) {
        const res = await f.call('POST', `/api/v1/stacks/ghost-${i}/${action}`, 'operator', {});
        expect(res.status).toBe(404);
        expect(res.json).toMatchObject({
          code: 'DEPLOY_STACK_NOT_FOUND',
          detail: `no stack ghost-${i} in the workspace`,
        });
      }
    }
    await f.control.runner.idle();
    expect(f.stacks.calls).toEqual([]);
    expect(f.control.hub.latestId()).toBe(0);
    const metrics = (await f.call('GET', '/metrics', 'admin')).text;
    expect(metrics).not.toContain('ghost');
    // A stack deployed here whose files are gone is still this server's: it can be taken down.
    f.store.deployments.create({ stack: 'retired', trigger: 'cli', plan: {} });
    expect((await f.call('POST', '/api/v1/stacks/retired/down', 'operator', {})).status).toBe(202);
  });

  it('counts engine failures of operations and of requests by code', async () => {
    f.stacks.fail = new EngineError('ENGINE_UNAVAILABLE', 'no engine at /var/run/docker.sock');
    await f.call('POST', '/api/v1/stacks/alpha/up', 'operator', {});
    await f.control.runner.idle();
    f.stacks.failPlan = new EngineError('ENGINE_TIMEOUT', 'the engine did not answer');
    expect((await f.call('GET', '/api/v1/stacks/alpha/plan', 'viewer')).status).toBe(504);
    const text = (await f.call('GET', '/metrics', 'admin')).text;
    expect(text).toContain('berth_engine_errors_total{code="ENGINE_UNAVAILABLE"} 1');
    expect(text).toContain('berth_engine_errors_total{code="ENGINE_TIMEOUT"} 1');
  });
});

describe('down and restart', () => {
  it('needs admin on the stack to remove volumes', async () => {
    const refused = await f.call('POST', '/api/v1/stacks/alpha/down', 'operator', { volumes: true });
    expect(refused.status).toBe(403);
    expect(refused.json).toMatchObject({ code: 'FORBIDDEN' });
    expect(refused.json.detail).toContain('admin role');
    expect(f.stacks.calls).toEqual([]);

    const ok = await f.call('POST', '/api/v1/stacks/alpha/down', 'admin', { volumes: true });
    expect(ok.status).toBe(202);
    expect(ok.json).toMatchObject({ kind: 'down', status: 'running' });
    await f.control.runner.idle();
    expect(f.store.operations.get(ok.json.id)).toMatchObject({
      status: 'succeeded',
      result: { containers: ['alpha-web-1'], networks: ['alpha_default'], volumes: ['alpha_data'] },
    });
  });

  it('removes without volumes for an operator', async () => {
    const res = await f.call('POST', '/api/v1/stacks/alpha/down', 'alpha-operator', {});
    expect(res.status).toBe(202);
    await f.control.runner.idle();
    expect(f.stacks.calls).toEqual([{ op: 'down', stack: 'alpha', options: { volumes: undefined } }]);
    expect(f.store.operations.get('op-1')?.result).toMatchObject({ volumes: [] });
  });

  it('restarts one service', async () => {
    const res = await f.call('POST', '/api/v1/stacks/alpha/restart', 'operator', { service: 'worker' });
    expect(res.status).toBe(202);
    expect(res.json.kind).toBe('restart');
    await f.control.runner.idle();
    expect(f.stacks.calls[0]).toMatchObject({
      op: 'restart',
      stack: 'alpha',
      options: { service: 'worker' },
    });
    expect(f.store.operations.get('op-1')).toMatchObject({
      status: 'succeeded',
      result: { restarted: ['worker'] },
    });
  });
});

describe('the audit log', () => {
  const entries = () => f.deps.auditLog.list({ limit: 50 }).items.reverse();

  it('records up, down, restart and exec with outcome ok, and never the exec command line', async () => {
    await f.call('POST', '/api/v1/stacks/alpha/up', 'alpha-operator', { build: true });
    await f.control.runner.idle();
    await f.call('POST', '/api/v1/stacks/alpha/restart', 'alpha-operator', { service: 'web' });
    await f.control.runner.idle();
    await f.call('POST', '/api/v1/stacks/alpha/down', 'admin', { volumes: true });
    await f.control.runner.idle();
    const argv = ['psql', '--password=exec-secret-77'];
    const exec = await f.call('POST', '/api/v1/stacks/alpha/exec', 'alpha-operator', {
      service: 'web',
      argv,
    });
    expect(exec.status).toBe(200);

    const via = { via: 'token', ip: 'unknown' };
    expect(
      entries().map(({ actor, action, target, outcome, detail }) => ({
        actor,
        action,
        target,
        outcome,
        detail,
      })),
    ).toEqual([
      {
        actor: 'alpha-operator',
        action: 'deployStack',
        target: 'alpha',
        outcome: 'ok',
        detail: { ...via, operation: 'op-1', build: true },
      },
      {
        actor: 'alpha-operator',
        action: 'restartStack',
        target: 'alpha',
        outcome: 'ok',
        detail: { ...via, operation: 'op-2', service: 'web' },
      },
      {
        actor: 'admin',
        action: 'removeStack',
        target: 'alpha',
        outcome: 'ok',
        detail: { ...via, operation: 'op-3', volumes: true },
      },
      {
        actor: 'alpha-operator',
        action: 'execInService',
        target: 'alpha',
        outcome: 'ok',
        detail: { ...via, service: 'web' },
      },
    ]);
    expect(JSON.stringify(f.deps.auditLog.list({ limit: 50 }))).not.toContain('exec-secret-77');
    expect(entries().map((e) => e.requestId)).toEqual(['req-1', 'req-2', 'req-3', 'req-4']);
  });

  it('records refusals as denied and conflicts as failed, with their code', async () => {
    expect((await f.call('POST', '/api/v1/stacks/beta/up', 'alpha-operator', {})).status).toBe(403);
    expect((await f.call('POST', '/api/v1/stacks/alpha/down', 'operator', { volumes: true })).status).toBe(
      403,
    );
    const release = hold();
    await f.call('POST', '/api/v1/stacks/alpha/up', 'operator', {});
    expect((await f.call('POST', '/api/v1/stacks/alpha/up', 'operator', {})).status).toBe(409);
    release();
    await f.control.runner.idle();

    expect(
      entries().map(({ actor, action, target, outcome, detail }) => ({
        actor,
        action,
        target,
        outcome,
        code: (detail as { code?: string }).code,
      })),
    ).toEqual([
      {
        actor: 'alpha-operator',
        action: 'deployStack',
        target: 'beta',
        outcome: 'denied',
        code: 'FORBIDDEN',
      },
      { actor: 'operator', action: 'removeStack', target: 'alpha', outcome: 'denied', code: 'FORBIDDEN' },
      { actor: 'operator', action: 'deployStack', target: 'alpha', outcome: 'ok', code: undefined },
      {
        actor: 'operator',
        action: 'deployStack',
        target: 'alpha',
        outcome: 'failed',
        code: 'OPERATION_IN_PROGRESS',
      },
    ]);
  });
});

describe('GET /api/v1/stacks/:stack/operations', () => {
  it('lists a stack’s operations newest first, each with how it ended and without its result', async () => {
    await f.call('POST', '/api/v1/stacks/alpha/up', 'operator', {});
    await f.control.runner.idle();
    f.stacks.fail = new EngineError('ENGINE_UNAVAILABLE', 'no engine');
    await f.call('POST', '/api/v1/stacks/alpha/up', 'operator', {});
    await f.control.runner.idle();
    await f.call('POST', '/api/v1/stacks/beta/up', 'operator', {});
    await f.control.runner.idle();

    const res = await f.call('GET', '/api/v1/stacks/alpha/operations', 'alpha-viewer');
    expect(res.status).toBe(200);
    expect(res.json.items.map((o: { kind: string; ended?: string }) => [o.kind, o.ended])).toEqual([
      ['up', 'failed'],
      ['up', 'succeeded'],
    ]);
    for (const item of res.json.items) {
      expect(item).not.toHaveProperty('result');
      expect(item).not.toHaveProperty('error');
    }
    expect(
      (await f.call('GET', '/api/v1/stacks/alpha/operations?limit=1', 'viewer')).json.items,
    ).toHaveLength(1);
    expect((await f.call('GET', '/api/v1/stacks/beta/operations', 'alpha-viewer')).status).toBe(403);
    expect((await f.call('GET', '/api/v1/stacks/nope/operations', 'viewer')).status).toBe(404);
  });

  it('gives a running operation no `ended`', async () => {
    const release = hold();
    await f.call('POST', '/api/v1/stacks/alpha/up', 'operator', {});
    const res = await f.call('GET', '/api/v1/stacks/alpha/operations', 'viewer');
    expect(res.json.items).toMatchObject([{ kind: 'up', status: 'running' }]);
    expect(res.json.items[0]).not.toHaveProperty('ended');
    release();
    await f.control.runner.idle();
  });
});
