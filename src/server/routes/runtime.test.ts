import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { controlFixture, PLANTED_SECRET } from '../../../test/support/control.js';
import { REDACTED } from '../../deploy/redact.js';

let f: ReturnType<typeof controlFixture>;
beforeEach(() => {
  f = controlFixture();
});
afterEach(() => f.close());

/** What the fake plan's steps look like once redacted: names, images and reasons kept. */
function expectRedactedPlan(plan: unknown): void {
  expect(plan).toMatchObject({
    stack: 'alpha',
    resources: [],
    removals: [],
    problems: [],
    builds: [
      {
        kind: 'build',
        service: 'web',
        request: { contextDir: '/src', tag: 'alpha-web', args: { TOKEN: REDACTED } },
        reasons: ['image missing'],
      },
    ],
    services: [
      {
        service: 'web',
        level: 0,
        steps: [
          {
            kind: 'create',
            replica: 1,
            spec: { name: 'alpha-web-1', image: 'nginx:1.27', env: { PASSWORD: REDACTED, MODE: REDACTED } },
            reasons: ['new'],
          },
        ],
      },
      {
        service: 'worker',
        level: 1,
        steps: [
          {
            kind: 'recreate',
            spec: { name: 'alpha-worker-1', env: { DB_URL: REDACTED } },
            current: { id: 'c0ffee', name: 'alpha-worker-1' },
            strategy: 'stop-first',
            reasons: ['env DB_URL changed (value hidden)', 'image busybox:1.35 → busybox:1.36'],
          },
        ],
      },
    ],
  });
}

describe('GET /api/v1/stacks/:stack/config', () => {
  it('shows the model with every environment value, build argument and inline content redacted', async () => {
    const res = await f.call('GET', '/api/v1/stacks/alpha/config', 'alpha-viewer');
    expect(res.status).toBe(200);
    expect(res.text).not.toContain(PLANTED_SECRET);
    expect(res.json).toMatchObject({
      name: 'alpha',
      services: {
        web: {
          environment: { PASSWORD: '[redacted]', EMPTY: null },
          build: { args: { TOKEN: '[redacted]' } },
        },
      },
      secrets: { key: { content: '[redacted]' } },
    });
    expect((await f.call('GET', '/api/v1/stacks/beta/config', 'alpha-viewer')).status).toBe(403);
  });

  it('shows an operator the environment as masked by value, as the plan does; build args and contents stay redacted', async () => {
    for (const token of ['alpha-operator', 'operator'] as const) {
      const res = await f.call('GET', '/api/v1/stacks/alpha/config', token);
      expect(res.status).toBe(200);
      expect(res.text).not.toContain(PLANTED_SECRET);
      expect(res.json).toMatchObject({
        services: {
          web: {
            environment: { PASSWORD: '********', MODE: 'prod', EMPTY: null },
            build: { args: { TOKEN: '[redacted]' } },
          },
        },
        secrets: { key: { content: '[redacted]' } },
      });
    }
    const viewer = await f.call('GET', '/api/v1/stacks/alpha/config', 'alpha-viewer');
    expect(viewer.json).toMatchObject({ services: { web: { environment: { MODE: '[redacted]' } } } });
  });
});

describe('GET /api/v1/stacks/:stack/plan', () => {
  it('redacts environment values and build arguments, keeping their names', async () => {
    const res = await f.call('GET', '/api/v1/stacks/alpha/plan', 'alpha-viewer');
    expect(res.status).toBe(200);
    expect(res.text).not.toContain(PLANTED_SECRET);
    expectRedactedPlan(res.json);
  });

  it('shows an operator of the stack the environment values as the plan has them (as --local plan)', async () => {
    for (const token of ['alpha-operator', 'operator'] as const) {
      const res = await f.call('GET', '/api/v1/stacks/alpha/plan', token);
      expect(res.status).toBe(200);
      const [web, worker] = res.json.services;
      // Values the service masked by value stay masked; the others are shown, old and new.
      expect(web.steps[0].spec.env).toEqual({ PASSWORD: '********', MODE: 'prod' });
      expect(worker.steps[0].spec.env).toEqual({ DB_URL: `postgres://app:${PLANTED_SECRET}@db` });
      expect(worker.steps[0].reasons).toEqual([
        `env DB_URL changed: postgres://old → postgres://app:${PLANTED_SECRET}@db`,
        'image busybox:1.35 → busybox:1.36',
      ]);
      // Build arguments stay hidden for every role: exec does not reveal them.
      expect(res.json.builds[0].request.args).toEqual({ TOKEN: REDACTED });
    }
    // Viewers (of every stack, or of this one) still see [redacted].
    for (const token of ['viewer', 'alpha-viewer'] as const)
      expectRedactedPlan((await f.call('GET', '/api/v1/stacks/alpha/plan', token)).json);
  });

  it('answers 404 problem+json for a stack that does not exist', async () => {
    const res = await f.call('GET', '/api/v1/stacks/zeta/plan', 'viewer');
    expect(res.status).toBe(404);
    expect(res.headers.get('content-type')).toBe('application/problem+json');
    expect(res.json).toMatchObject({
      code: 'DEPLOY_STACK_NOT_FOUND',
      status: 404,
      detail: 'no stack zeta in the workspace',
      requestId: 'req-1',
    });
  });

  it('validates the query', async () => {
    const res = await f.call('GET', '/api/v1/stacks/alpha/plan?build=yes', 'viewer');
    expect(res.status).toBe(400);
    expect(res.json).toMatchObject({ code: 'VALIDATION', errors: [{ in: 'query', path: 'build' }] });
  });
});

describe('GET /api/v1/stacks/:stack/deployments', () => {
  it('redacts the stored plans the same way', async () => {
    const res = await f.call('GET', '/api/v1/stacks/alpha/deployments', 'viewer');
    expect(res.status).toBe(200);
    expect(res.text).not.toContain(PLANTED_SECRET);
    expect(res.json.items).toHaveLength(1);
    expect(res.json.items[0]).toMatchObject({ id: 1, stack: 'alpha', actor: 'alice', status: 'succeeded' });
    expectRedactedPlan(res.json.items[0].plan);
    expect(res.json).not.toHaveProperty('nextBefore');
  });

  it('shows an operator the stored plan’s environment values, as the plan route does', async () => {
    const res = await f.call('GET', '/api/v1/stacks/alpha/deployments', 'alpha-operator');
    const plan = res.json.items[0].plan;
    expect(plan.services[0].steps[0].spec.env).toEqual({ PASSWORD: '********', MODE: 'prod' });
    expect(plan.builds[0].request.args).toEqual({ TOKEN: REDACTED });
  });

  it('is 404 for a stack that does not exist', async () => {
    const res = await f.call('GET', '/api/v1/stacks/zeta/deployments', 'viewer');
    expect(res.json).toMatchObject({ status: 404, code: 'DEPLOY_STACK_NOT_FOUND' });
  });
});

describe('GET /api/v1/containers', () => {
  const names = async (path: string, token: 'viewer' | 'alpha-viewer') => {
    const res = await f.call('GET', path, token);
    expect(res.status).toBe(200);
    return (res.json.items as { name: string }[]).map((c) => c.name);
  };

  it('shows a global viewer every container', async () => {
    expect(await names('/api/v1/containers', 'viewer')).toEqual([
      'alpha-web-1',
      'alpha-worker-1',
      'beta-api-1',
    ]);
    expect(await names('/api/v1/containers?stack=beta', 'viewer')).toEqual(['beta-api-1']);
  });

  it('shows a viewer of one stack only that stack’s containers', async () => {
    expect(await names('/api/v1/containers', 'alpha-viewer')).toEqual(['alpha-web-1', 'alpha-worker-1']);
    expect(await names('/api/v1/containers?stack=alpha', 'alpha-viewer')).toEqual([
      'alpha-web-1',
      'alpha-worker-1',
    ]);
    expect(await names('/api/v1/containers?stack=beta', 'alpha-viewer')).toEqual([]);
  });

  it('asks for one-off containers only with oneoff=true', async () => {
    await names('/api/v1/containers?stack=alpha', 'viewer');
    expect(f.stacks.psFilter).toMatchObject({ oneOff: false });
    await names('/api/v1/containers?stack=alpha&oneoff=true', 'viewer');
    expect(f.stacks.psFilter).toMatchObject({ oneOff: true });
    expect((await f.call('GET', '/api/v1/containers?oneoff=yes', 'viewer')).status).toBe(400);
  });

  it('answers with the full rows', async () => {
    const res = await f.call('GET', '/api/v1/containers?stack=beta', 'viewer');
    expect(res.json.items).toEqual([
      {
        stack: 'beta',
        service: 'api',
        replica: 1,
        name: 'beta-api-1',
        id: 'id-beta-api',
        state: 'running',
        status: 'Up 5 minutes',
        ports: [],
        image: 'nginx:1.27',
      },
    ]);
  });
});

describe('POST /api/v1/stacks/:stack/exec', () => {
  it('returns the command’s output and exit code', async () => {
    const res = await f.call('POST', '/api/v1/stacks/alpha/exec', 'alpha-operator', {
      service: 'web',
      argv: ['echo', 'hi there'],
    });
    expect(res.status).toBe(200);
    expect(res.json).toEqual({ exitCode: 0, stdout: 'echo hi there\n', stderr: '', truncated: false });
    expect(f.stacks.calls).toEqual([
      { op: 'exec', stack: 'alpha', options: { service: 'web', argv: ['echo', 'hi there'] } },
    ]);
  });

  it('rejects an empty argv, or a missing service, with 400 listing the fields', async () => {
    const res = await f.call('POST', '/api/v1/stacks/alpha/exec', 'operator', { argv: [] });
    expect(res.status).toBe(400);
    expect(res.json.code).toBe('VALIDATION');
    expect(res.json.errors.map((e: { in: string; path: string }) => `${e.in}.${e.path}`).sort()).toEqual([
      'body.argv',
      'body.service',
    ]);
    expect(f.stacks.calls).toEqual([]);
  });

  it('is 404 for a stack that does not exist, and 403 for a viewer', async () => {
    const body = { service: 'web', argv: ['true'] };
    expect((await f.call('POST', '/api/v1/stacks/zeta/exec', 'operator', body)).json).toMatchObject({
      status: 404,
      code: 'DEPLOY_STACK_NOT_FOUND',
    });
    expect((await f.call('POST', '/api/v1/stacks/alpha/exec', 'viewer', body)).status).toBe(403);
  });
});

describe('GET /api/v1/stacks/:stack/down-plan', () => {
  it('answers what down would remove, with volumes only when asked, and changes nothing', async () => {
    const plain = await f.call('GET', '/api/v1/stacks/alpha/down-plan', 'alpha-viewer');
    expect(plain.status).toBe(200);
    expect(plain.json).toEqual({ containers: ['alpha-web-1'], networks: ['alpha_default'], volumes: [] });
    const volumes = await f.call('GET', '/api/v1/stacks/alpha/down-plan?volumes=true', 'alpha-viewer');
    expect(volumes.json.volumes).toEqual(['alpha_data']);
    expect(f.stacks.calls.map((c) => c.op)).toEqual(['down-plan', 'down-plan']);
    expect(await f.store.auditLog.list({ limit: 10 })).toMatchObject({ items: [] });
  });

  it('needs a view of the stack', async () => {
    expect((await f.call('GET', '/api/v1/stacks/beta/down-plan', 'alpha-viewer')).status).toBe(403);
  });
});
