import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { makeWorkspace, principal, tableAuthenticator, testDeps } from '../../../test/support/http-app.js';
import { SESSION_COOKIE } from '../../api/http.js';
import { createApp } from '../app.js';
import { confine } from './stacks.js';

const workspace = makeWorkspace();
afterAll(() => workspace.cleanup());

const tokens = {
  viewer: principal('viewer', [{ role: 'viewer' }]),
  'op-alpha': principal('op-alpha', [{ role: 'operator', stack: 'alpha' }]),
  'op-two': principal('op-two', [
    { role: 'operator', stack: 'alpha' },
    { role: 'viewer', stack: 'gamma' },
  ]),
  // An admin's token capped to viewing beta.
  'admin-as-beta-viewer': principal('admin', [{ role: 'admin' }], {
    tokenScope: { role: 'viewer', stacks: ['beta'] },
  }),
  operator: principal('operator', [{ role: 'operator' }]),
};
const sessions = {
  'sess-op': { principal: principal('op-user', [{ role: 'operator' }]), csrf: 'csrf-op' },
  'sess-other': { principal: principal('other', [{ role: 'operator' }]), csrf: 'csrf-other' },
  'sess-viewer': { principal: principal('view-user', [{ role: 'viewer' }]), csrf: 'csrf-viewer' },
};
const app = createApp(
  testDeps({ root: workspace.root, authenticator: tableAuthenticator(tokens, sessions) }),
);

const get = async (path: string, token: string) => {
  const res = await app.request(path, { headers: { Authorization: `Bearer ${token}` } });
  return { status: res.status, json: (await res.json()) as Record<string, unknown> };
};
const names = (json: Record<string, unknown>) => (json.items as { name: string }[]).map((s) => s.name);

describe('GET /api/v1/stacks', () => {
  it('shows a global viewer every stack, sorted, with catalog fields and service counts', async () => {
    const { status, json } = await get('/api/v1/stacks', 'viewer');
    expect(status).toBe(200);
    expect(names(json)).toEqual(['alpha', 'beta', 'delta', 'gamma']);
    expect((json.items as unknown[])[0]).toEqual({
      name: 'alpha',
      group: 'web',
      owner: 'team-a',
      description: 'The alpha site',
      environment: 'production',
      valid: true,
      services: 2,
    });
    expect((json.items as { name: string; valid: boolean }[]).find((s) => s.name === 'delta')).toMatchObject({
      valid: false,
      services: 0,
    });
    expect(json.nextCursor).toBeNull();
  });

  it('shows a per-stack grant holder only the stacks granted', async () => {
    expect(names((await get('/api/v1/stacks', 'op-alpha')).json)).toEqual(['alpha']);
    expect(names((await get('/api/v1/stacks', 'op-two')).json)).toEqual(['alpha', 'gamma']);
    expect(names((await get('/api/v1/stacks', 'admin-as-beta-viewer')).json)).toEqual(['beta']);
  });

  it('pages with limit and cursor until nextCursor is null', async () => {
    const seen: string[] = [];
    let path = '/api/v1/stacks?limit=3';
    for (let pages = 0; pages < 10; pages++) {
      const { status, json } = await get(path, 'viewer');
      expect(status).toBe(200);
      seen.push(...names(json));
      if (json.nextCursor === null) break;
      path = `/api/v1/stacks?limit=3&cursor=${encodeURIComponent(String(json.nextCursor))}`;
    }
    expect(seen).toEqual(['alpha', 'beta', 'delta', 'gamma']);
  });

  it('refuses a bad limit, an unknown query parameter and a forged cursor with field errors', async () => {
    const limit = await get('/api/v1/stacks?limit=0', 'viewer');
    expect(limit.status).toBe(400);
    expect(limit.json).toMatchObject({ code: 'VALIDATION', errors: [{ in: 'query', path: 'limit' }] });
    const unknown = await get('/api/v1/stacks?limt=5', 'viewer');
    expect(unknown.status).toBe(400);
    expect(unknown.json).toMatchObject({
      code: 'VALIDATION',
      errors: [{ in: 'query', code: 'unrecognized_keys' }],
    });
    const cursor = await get('/api/v1/stacks?cursor=bm90LWEtY3Vyc29y', 'viewer');
    expect(cursor.status).toBe(400);
    expect(cursor.json.code).toBe('INVALID_CURSOR');
  });
});

describe('GET /api/v1/stacks/:stack', () => {
  it('returns a granted stack with its service names', async () => {
    const { status, json } = await get('/api/v1/stacks/alpha', 'op-alpha');
    expect(status).toBe(200);
    expect(json).toMatchObject({ name: 'alpha', services: ['web', 'worker'] });
  });

  it('is 403 on a stack without a grant, whether or not it exists', async () => {
    expect((await get('/api/v1/stacks/beta', 'op-alpha')).status).toBe(403);
    expect((await get('/api/v1/stacks/nope', 'op-alpha')).status).toBe(403);
  });

  it('is 404 STACK_NOT_FOUND for a global viewer asking for a missing stack', async () => {
    const { status, json } = await get('/api/v1/stacks/nope', 'viewer');
    expect(status).toBe(404);
    expect(json.code).toBe('STACK_NOT_FOUND');
  });

  it('is 400 for a name that is not a stack name', async () => {
    const { status, json } = await get('/api/v1/stacks/Bad%20Name', 'viewer');
    expect(status).toBe(400);
    expect(json).toMatchObject({ code: 'VALIDATION', errors: [{ in: 'params', path: 'stack' }] });
  });
});

describe('POST /api/v1/validate', () => {
  const post = (body: unknown, headers: Record<string, string>) =>
    app.request('/api/v1/validate', {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', ...headers },
      body: JSON.stringify(body),
    });
  const cookie = (id: string) => ({ Cookie: `${SESSION_COOKIE}=${id}` });

  it('validates the workspace with berth validate --json semantics', async () => {
    const res = await post({ path: '.' }, { Authorization: 'Bearer operator' });
    expect(res.status).toBe(200);
    const json = (await res.json()) as { valid: boolean; files: { path: string; valid: boolean }[] };
    expect(json.valid).toBe(false);
    expect(json.files.find((f) => f.path === 'delta/compose.yaml')).toMatchObject({
      valid: false,
      errors: [{ code: 'SPEC_UNKNOWN_SERVICE' }],
    });
    const alpha = await post({ path: 'alpha' }, { Authorization: 'Bearer operator' });
    expect(await alpha.json()).toMatchObject({ valid: true, files: [{ path: 'alpha/compose.yaml' }] });
  });

  it('refuses paths outside the workspace', async () => {
    const res = await post({ path: '../..' }, { Authorization: 'Bearer operator' });
    expect(res.status).toBe(400);
    expect(((await res.json()) as { code: string }).code).toBe('PATH_OUTSIDE_WORKSPACE');
    expect(() => confine('/srv/ws', '/etc/passwd')).toThrow(/outside the workspace/);
    expect(confine('/srv/ws', '/srv/ws/alpha')).toBe('/srv/ws/alpha');
    expect(confine('/srv/ws', '..data/x')).toBe('/srv/ws/..data/x');
  });

  describe('CSRF', () => {
    it('is 403 CSRF for a session without the token, with a wrong one, or with another session’s', async () => {
      for (const headers of [
        cookie('sess-op'),
        { ...cookie('sess-op'), 'X-CSRF-Token': 'wrong' },
        { ...cookie('sess-op'), 'X-CSRF-Token': 'csrf-other' },
      ]) {
        const res = await post({ path: '.' }, headers);
        expect(res.status).toBe(403);
        expect(await res.json()).toMatchObject({ code: 'CSRF', status: 403 });
      }
    });

    it('passes a session with its token', async () => {
      expect((await post({ path: '.' }, { ...cookie('sess-op'), 'X-CSRF-Token': 'csrf-op' })).status).toBe(
        200,
      );
    });

    it('checks CSRF before looking at the body', async () => {
      const res = await post({ nonsense: true }, cookie('sess-op'));
      expect(((await res.json()) as { code: string }).code).toBe('CSRF');
    });

    it('still needs the role when the token is right', async () => {
      const res = await post({ path: '.' }, { ...cookie('sess-viewer'), 'X-CSRF-Token': 'csrf-viewer' });
      expect(res.status).toBe(403);
      expect(((await res.json()) as { code: string }).code).toBe('FORBIDDEN');
    });

    it('needs no token for a bearer token, nor for a session reading', async () => {
      expect((await post({ path: '.' }, { Authorization: 'Bearer operator' })).status).toBe(200);
      expect((await app.request('/api/v1/stacks', { headers: cookie('sess-op') })).status).toBe(200);
    });
  });
});

describe('a workspace whose file (berth.yaml) does not load', () => {
  const broken = makeWorkspace();
  afterAll(() => broken.cleanup());
  // Valid YAML stacks, but the catalog itself is broken at line 2: nothing can be listed.
  writeFileSync(join(broken.root, 'berth.yaml'), 'stacks:\n  alpha: [path\n');
  const brokenApp = createApp(
    testDeps({ root: broken.root, authenticator: tableAuthenticator({ viewer: tokens.viewer }) }),
  );
  const read = async (path: string) => {
    const res = await brokenApp.request(path, { headers: { Authorization: 'Bearer viewer' } });
    return { status: res.status, json: (await res.json()) as Record<string, unknown> };
  };

  it('answers the list with the coded error at its file:line:col, not an empty list', async () => {
    for (const path of ['/api/v1/stacks', '/api/v1/stacks?include=last-deployment']) {
      const { status, json } = await read(path);
      expect(status, path).toBe(422);
      expect(json).toMatchObject({
        code: 'DEPLOY_INVALID_STACK',
        detail: expect.stringContaining(`the workspace ${broken.root} cannot be read`),
        hint: expect.stringContaining('fix the workspace file'),
      });
      expect(json.detail).toMatch(/berth\.yaml:\d+:\d+/);
      expect(json).not.toHaveProperty('items');
    }
  });

  it('answers a stack by name with the same error, not "no stack"', async () => {
    const { status, json } = await read('/api/v1/stacks/alpha');
    expect(status).toBe(422);
    expect(json).toMatchObject({ code: 'DEPLOY_INVALID_STACK' });
    expect(json.detail).toMatch(/berth\.yaml:\d+:\d+/);
  });

  it('lists the stacks again once the file is fixed', async () => {
    writeFileSync(join(broken.root, 'berth.yaml'), 'stacks:\n  alpha:\n    path: alpha\n');
    const { status, json } = await read('/api/v1/stacks');
    expect(status).toBe(200);
    expect(names(json)).toEqual(['alpha']);
  });
});
