import { afterEach, describe, expect, it } from 'vitest';
import { type AuthFixture, authFixture } from '../../../test/support/auth.js';
import { authApp, principal, tableAuthenticator } from '../../../test/support/http-app.js';
import { PROBLEM_CONTENT_TYPE } from '../../api/http.js';

// GET /api/v1/audit-log through the app, over a real audit log in SQLite.

const fixtures: AuthFixture[] = [];
afterEach(() => {
  for (const f of fixtures.splice(0)) f.cleanup();
});

const tokens = {
  admin: principal('admin', [{ role: 'admin' }]),
  operator: principal('operator', [{ role: 'operator' }]),
  'alpha-admin': principal('alpha-admin', [{ role: 'admin', stack: 'alpha' }]),
};

/** An app whose audit log holds `n` entries: actors alternate root/alice, actions user.create/user.delete. */
function setup(n: number) {
  const f = authFixture();
  fixtures.push(f);
  for (let i = 1; i <= n; i++) {
    f.auditLog.append({
      at: new Date(Date.UTC(2025, 0, 1, 0, 0, i)),
      actor: i % 2 === 0 ? 'alice' : 'root',
      action: i % 3 === 0 ? 'user.delete' : 'user.create',
      target: `user${i % 4}`,
      outcome: 'ok',
      requestId: `req-${i}`,
    });
  }
  const app = authApp(f, { authenticator: tableAuthenticator(tokens) });
  const get = async (query: string, as: keyof typeof tokens = 'admin') => {
    const res = await app.request(`/api/v1/audit-log${query}`, {
      headers: { authorization: `Bearer ${as}` },
    });
    return {
      status: res.status,
      type: res.headers.get('content-type'),
      json: (await res.json()) as PageJson,
    };
  };
  return { f, get };
}

/** A page, or a problem (then without items). */
interface PageJson {
  readonly items: { readonly id: number }[];
  readonly nextBefore?: number;
  readonly [key: string]: unknown;
}

const ids = (json: PageJson) => json.items.map((e) => e.id);

describe('GET /api/v1/audit-log', () => {
  it('pages newest first, 100 by default, with nextBefore until the last page', async () => {
    const { get } = setup(150);
    const first = await get('');
    expect(first.status).toBe(200);
    expect(first.json.items).toHaveLength(100);
    expect(first.json.items[0]).toEqual({
      id: 150,
      at: '2025-01-01T00:02:30.000Z',
      actor: 'alice',
      action: 'user.delete',
      target: 'user2',
      outcome: 'ok',
      requestId: 'req-150',
    });
    expect(first.json.nextBefore).toBe(51);
    const last = await get(`?before=${first.json.nextBefore}`);
    expect(ids(last.json)).toEqual(Array.from({ length: 50 }, (_, i) => 50 - i));
    expect(last.json.nextBefore).toBeUndefined();
    const small = await get('?limit=3&before=10');
    expect(ids(small.json)).toEqual([9, 8, 7]);
    expect(small.json.nextBefore).toBe(7);
  });

  it('filters by exact actor, action and target, paging among the matches', async () => {
    const { get } = setup(12);
    // alice: 2, 4, 6, 8, 10, 12.
    const page1 = await get('?actor=alice&limit=4');
    expect(ids(page1.json)).toEqual([12, 10, 8, 6]);
    const page2 = await get(`?actor=alice&limit=4&before=${page1.json.nextBefore}`);
    expect(ids(page2.json)).toEqual([4, 2]);
    expect(page2.json.nextBefore).toBeUndefined();
    expect(ids((await get('?action=user.delete')).json)).toEqual([12, 9, 6, 3]);
    expect(ids((await get('?target=user1')).json)).toEqual([9, 5, 1]);
    expect(ids((await get('?actor=root&action=user.delete&target=user1')).json)).toEqual([9]);
    expect(ids((await get('?actor=ali')).json)).toEqual([]);
  });

  it('includes the entries the pipeline writes for mutating calls', async () => {
    const { get, f } = setup(0);
    f.auditLog.append({
      at: new Date(),
      actor: 'admin',
      action: 'createUser',
      target: 'bob',
      outcome: 'failed',
      requestId: 'r1',
      detail: { code: 'AUTH_WEAK_PASSWORD' },
    });
    const res = await get('?action=createUser');
    expect(res.json.items).toEqual([
      expect.objectContaining({ actor: 'admin', outcome: 'failed', detail: { code: 'AUTH_WEAK_PASSWORD' } }),
    ]);
  });

  it.each(['?limit=0', '?limit=1001', '?limit=ten', '?before=0', '?before=-3', '?actor='])(
    'answers %s with a VALIDATION problem',
    async (query) => {
      const { get } = setup(1);
      const res = await get(query);
      expect(res.status).toBe(400);
      expect(res.type).toBe(PROBLEM_CONTENT_TYPE);
      expect(res.json).toMatchObject({
        code: 'VALIDATION',
        errors: [expect.objectContaining({ in: 'query' })],
      });
    },
  );

  it('accepts the largest page', async () => {
    const { get } = setup(3);
    expect(ids((await get('?limit=1000')).json)).toEqual([3, 2, 1]);
  });

  it('is for global admins only', async () => {
    const { get } = setup(1);
    expect((await get('', 'operator')).status).toBe(403);
    expect((await get('', 'alpha-admin')).status).toBe(403);
  });
});
