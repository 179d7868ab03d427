import { afterAll, describe, expect, it } from 'vitest';
import { makeWorkspace, principal, tableAuthenticator, testDeps } from '../../../test/support/http-app.js';
import { SESSION_COOKIE } from '../../api/http.js';
import type { ReadinessCheck } from '../../api/system.js';
import { createApp } from '../app.js';

const workspace = makeWorkspace();
afterAll(() => workspace.cleanup());

function appWith(ready: () => Promise<readonly ReadinessCheck[]>, errors: object[] = []) {
  const logger = { info: () => {}, error: (obj: object) => void errors.push(obj) };
  const authenticator = tableAuthenticator(
    { scoped: principal('ci', [{ role: 'admin' }], { tokenScope: { role: 'viewer', stacks: ['alpha'] } }) },
    { 'sess-1': { principal: principal('ann', [{ role: 'operator', stack: 'alpha' }]), csrf: 'c' } },
  );
  return createApp(testDeps({ root: workspace.root, authenticator, ready, logger }));
}

describe('health and readiness', () => {
  it('healthz is ok without asking anything else', async () => {
    const app = appWith(async () => {
      throw new Error('must not be called');
    });
    const res = await app.request('/healthz');
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ status: 'ok' });
  });

  it('readyz is 200 when every check passes', async () => {
    const res = await appWith(async () => [
      { name: 'store', ok: true },
      { name: 'engine', ok: true },
    ]).request('/readyz');
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({
      status: 'ready',
      checks: [
        { name: 'store', ok: true },
        { name: 'engine', ok: true },
      ],
    });
  });

  it('readyz is a 503 problem naming the failing check', async () => {
    const res = await appWith(async () => [
      { name: 'store', ok: true },
      { name: 'engine', ok: false },
    ]).request('/readyz');
    expect(res.status).toBe(503);
    expect(res.headers.get('content-type')).toBe('application/problem+json');
    expect(res.headers.get('retry-after')).toBe('5');
    expect(await res.json()).toMatchObject({
      code: 'NOT_READY',
      detail: 'not ready: engine',
      checks: [
        { name: 'store', ok: true },
        { name: 'engine', ok: false },
      ],
    });
  });

  it('readyz keeps a throwing check’s message in the log, not the response', async () => {
    const errors: object[] = [];
    const app = appWith(async () => {
      throw new Error('connect EACCES /var/run/docker.sock');
    }, errors);
    const res = await app.request('/readyz');
    expect(res.status).toBe(503);
    expect(await res.text()).not.toContain('docker.sock');
    expect(errors).toHaveLength(1);
  });

  it('readyz with no checks at all is not ready', async () => {
    expect((await appWith(async () => []).request('/readyz')).status).toBe(503);
  });
});

describe('GET /api/v1/whoami', () => {
  const app = appWith(async () => []);

  it('describes a token with its scope', async () => {
    const res = await app.request('/api/v1/whoami', { headers: { Authorization: 'Bearer scoped' } });
    expect(await res.json()).toEqual({
      kind: 'token',
      userId: 'u-ci',
      name: 'ci',
      grants: [{ role: 'admin' }],
      tokenScope: { role: 'viewer', stacks: ['alpha'] },
    });
  });

  it('describes a session user without revealing the session id', async () => {
    const res = await app.request('/api/v1/whoami', { headers: { Cookie: `${SESSION_COOKIE}=sess-1` } });
    const text = await res.text();
    expect(JSON.parse(text)).toEqual({
      kind: 'user',
      userId: 'u-ann',
      name: 'ann',
      grants: [{ role: 'operator', stack: 'alpha' }],
    });
    expect(text).not.toContain('sess-1');
  });
});
