import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { errorCodeOf, fakeClock, makeTempDir } from '../../test/support/store.js';
import { AUDIT_TEXT_LIMIT, type AuditLogStore, createAuditLogStore } from './audit-log.js';
import { MIGRATIONS, migrate } from './migrations.js';

let temp: ReturnType<typeof makeTempDir>;
let db: Database.Database;
let log: AuditLogStore;

beforeEach(() => {
  temp = makeTempDir();
  db = new Database(join(temp.dir, 'state.db'));
  db.pragma('journal_mode = WAL');
  migrate(db, fakeClock());
  log = createAuditLogStore(db);
});
afterEach(() => {
  db.close();
  temp.cleanup();
});

const entry = (i: number) => ({
  at: new Date(Date.UTC(2025, 0, 1, 0, 0, i)),
  actor: 'root',
  action: 'user.create',
  target: `user${i}`,
  outcome: 'ok' as const,
  requestId: `req-${i}`,
});

describe('audit log', () => {
  it('appends and reads back what was given', () => {
    const appended = log.append({
      ...entry(1),
      outcome: 'denied',
      detail: { reason: 'role', needed: ['admin'] },
    });
    expect(appended).toEqual({
      id: 1,
      at: '2025-01-01T00:00:01.000Z',
      actor: 'root',
      action: 'user.create',
      target: 'user1',
      outcome: 'denied',
      requestId: 'req-1',
      detail: { reason: 'role', needed: ['admin'] },
    });
    const bare = log.append({
      at: '2025-01-01T00:00:02.000Z',
      actor: 'anonymous',
      action: 'auth.login',
      outcome: 'failed',
      requestId: 'r',
    });
    expect(bare).toEqual({
      id: 2,
      at: '2025-01-01T00:00:02.000Z',
      actor: 'anonymous',
      action: 'auth.login',
      outcome: 'failed',
      requestId: 'r',
    });
    expect(log.list({ limit: 10 }).items).toEqual([bare, appended]);
  });

  it('pages newest first with a keyset cursor that is stable while entries arrive', () => {
    for (let i = 1; i <= 5; i++) log.append(entry(i));
    const first = log.list({ limit: 2 });
    expect(first.items.map((e) => e.requestId)).toEqual(['req-5', 'req-4']);
    expect(first.nextBefore).toBe(4);
    log.append(entry(6));
    const second = log.list({ limit: 2, before: first.nextBefore });
    expect(second.items.map((e) => e.requestId)).toEqual(['req-3', 'req-2']);
    const third = log.list({ limit: 2, before: second.nextBefore });
    expect(third.items.map((e) => e.requestId)).toEqual(['req-1']);
    expect(third.nextBefore).toBeUndefined();
    expect(log.list({ limit: 6 }).nextBefore).toBeUndefined();
    expect(log.list({ limit: 5 }).nextBefore).toBe(2);
  });

  it('filters by exact actor, action and target, keeping keyset pages correct among the matches', () => {
    for (let i = 1; i <= 9; i++) {
      log.append({
        ...entry(i),
        actor: i % 3 === 0 ? 'alice' : 'root',
        action: i % 2 === 0 ? 'user.delete' : 'user.create',
        target: i <= 4 ? 'bob' : `user${i}`,
      });
    }
    const ids = (page: { items: { id: number }[] }) => page.items.map((e) => e.id);
    // alice: 3, 6, 9.
    const first = log.list({ limit: 2, actor: 'alice' });
    expect(ids(first)).toEqual([9, 6]);
    expect(first.nextBefore).toBe(6);
    // An entry that does not match arrives between pages: the cursor is unaffected.
    log.append({ ...entry(10), actor: 'root' });
    const second = log.list({ limit: 2, actor: 'alice', before: first.nextBefore });
    expect(ids(second)).toEqual([3]);
    expect(second.nextBefore).toBeUndefined();
    expect(ids(log.list({ limit: 10, action: 'user.delete' }))).toEqual([8, 6, 4, 2]);
    expect(ids(log.list({ limit: 10, target: 'bob' }))).toEqual([4, 3, 2, 1]);
    expect(ids(log.list({ limit: 10, target: 'bob', action: 'user.create', actor: 'root' }))).toEqual([1]);
    expect(ids(log.list({ limit: 10, actor: 'nobody' }))).toEqual([]);
    // Exact match only: no prefix or case folding.
    expect(ids(log.list({ limit: 10, actor: 'ALICE' }))).toEqual([]);
    expect(ids(log.list({ limit: 10, target: 'bo' }))).toEqual([]);
    expect(errorCodeOf(() => log.list({ limit: 1, actor: '' }))).toBe('STORE_INVALID_INPUT');
  });

  it('has no way to change or remove an entry, and the file refuses it too', () => {
    log.append(entry(1));
    expect(Object.keys(log).sort()).toEqual(['append', 'finish', 'list', 'start']);
    expect(() => db.prepare(`UPDATE audit_log SET outcome = 'ok'`).run()).toThrow(/append-only/);
    expect(() => db.prepare('DELETE FROM audit_log').run()).toThrow(/append-only/);
    expect(log.list({ limit: 10 }).items).toHaveLength(1);
  });

  it('writes an entry when a request starts and gives it its outcome once, when it ends', () => {
    const started = log.start({
      at: '2025-01-01T00:00:01.000Z',
      actor: 'root',
      action: 'execInService',
      target: 'shop',
      requestId: 'req-1',
      detail: { via: 'token', token: 'tok_1' },
    });
    expect(started).toEqual({
      id: 1,
      at: '2025-01-01T00:00:01.000Z',
      actor: 'root',
      action: 'execInService',
      target: 'shop',
      outcome: 'started',
      requestId: 'req-1',
      detail: { via: 'token', token: 'tok_1' },
    });
    // Visible at once, while it runs.
    expect(log.list({ limit: 10 }).items).toEqual([started]);
    const ended = log.finish(started.id, {
      at: '2025-01-01T00:10:00.000Z',
      outcome: 'failed',
      detail: { via: 'token', token: 'tok_1', code: 'REQUEST_ABORTED' },
    });
    expect(ended).toEqual({
      ...started,
      outcome: 'failed',
      endedAt: '2025-01-01T00:10:00.000Z',
      detail: { via: 'token', token: 'tok_1', code: 'REQUEST_ABORTED' },
    });
    expect(errorCodeOf(() => log.finish(started.id, { at: new Date(), outcome: 'ok' }))).toBe(
      'STORE_INVALID_STATE',
    );
    expect(errorCodeOf(() => log.finish(99, { at: new Date(), outcome: 'ok' }))).toBe('STORE_NOT_FOUND');
    // @ts-expect-error: `started` is not an outcome an entry ends with
    expect(errorCodeOf(() => log.append({ ...entry(2), outcome: 'started' }))).toBe('STORE_INVALID_INPUT');

    // The file allows only that one transition, and only of the outcome, its time, target and detail.
    const other = log.start({ at: new Date(), actor: 'root', action: 'deployStack', requestId: 'req-2' });
    const sql = (set: string) => () => db.prepare(`UPDATE audit_log SET ${set} WHERE id = ?`).run(other.id);
    expect(sql(`actor = 'eve', outcome = 'ok', ended_at = 'x'`)).toThrow(/append-only/);
    expect(sql(`outcome = 'ok'`)).toThrow(/append-only/);
    expect(sql(`ended_at = 'x'`)).toThrow(/append-only/);
    expect(log.list({ limit: 10 }).items[0]).toMatchObject({ actor: 'root', outcome: 'started' });
  });

  it('keeps the entries of a state file from before entries had a start (migration 9)', () => {
    const path = join(temp.dir, 'v8.db');
    const v8 = new Database(path);
    migrate(v8, fakeClock(), MIGRATIONS.slice(0, 8));
    v8.prepare(
      `INSERT INTO audit_log (at, actor, action, outcome, request_id) VALUES ('2024-01-01T00:00:00.000Z', 'root', 'login', 'ok', 'r1')`,
    ).run();
    migrate(v8, fakeClock());
    const old = createAuditLogStore(v8);
    const next = old.append(entry(2));
    expect(old.list({ limit: 10 }).items.map((e) => [e.id, e.actor, e.outcome])).toEqual([
      [next.id, 'root', 'ok'],
      [1, 'root', 'ok'],
    ]);
    expect(next.id).toBe(2);
    expect(() => v8.prepare('DELETE FROM audit_log').run()).toThrow(/append-only/);
    v8.close();
  });

  it('cuts long texts and replaces an oversized detail rather than losing the entry', () => {
    const long = 'x'.repeat(1000);
    const e = log.append({ ...entry(1), target: long, detail: { blob: long.repeat(20) } });
    expect(e.target).toHaveLength(AUDIT_TEXT_LIMIT);
    expect(e.target?.endsWith('…')).toBe(true);
    // {"blob":"…"}: 20 000 characters plus 11 of JSON.
    expect(e.detail).toEqual({ truncated: true, bytes: 20_011 });
  });

  it('refuses malformed entries and options', () => {
    // @ts-expect-error: an outcome outside the list
    expect(errorCodeOf(() => log.append({ ...entry(1), outcome: 'maybe' }))).toBe('STORE_INVALID_INPUT');
    expect(errorCodeOf(() => log.append({ ...entry(1), at: 'yesterday' }))).toBe('STORE_INVALID_INPUT');
    expect(errorCodeOf(() => log.append({ ...entry(1), actor: '' }))).toBe('STORE_INVALID_INPUT');
    expect(errorCodeOf(() => log.list({ limit: 0 }))).toBe('STORE_INVALID_INPUT');
    expect(errorCodeOf(() => log.list({ limit: 1001 }))).toBe('STORE_INVALID_INPUT');
    expect(errorCodeOf(() => log.list({ limit: 1, before: 0 }))).toBe('STORE_INVALID_INPUT');
    expect(log.list({ limit: 10 }).items).toEqual([]);
  });
});
