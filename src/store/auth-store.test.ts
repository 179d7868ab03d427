import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { fakeClock, makeTempDir } from '../../test/support/store.js';
import { ROLES } from '../access/roles.js';
import { createAuthStore } from './auth-store.js';
import { StoredRoleSchema } from './auth-users.js';
import { openStore } from './db.js';
import { MIGRATIONS, migrate } from './migrations.js';

let temp: ReturnType<typeof makeTempDir>;
beforeEach(() => {
  temp = makeTempDir();
});
afterEach(() => temp.cleanup());

const AUTH_TABLES = [
  'api_tokens',
  'audit_log',
  'login_attempts',
  'sessions',
  'setup_tokens',
  'user_grants',
  'users',
];

function tables(db: Database.Database): string[] {
  return db
    .prepare(`SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name`)
    .pluck()
    .all()
    .map(String);
}

describe('migration 2 (auth)', () => {
  it('applies to a database created at version 1, keeping its data', () => {
    const path = join(temp.dir, 'state.db');
    const v1 = new Database(path);
    expect(migrate(v1, fakeClock(), MIGRATIONS.slice(0, 1))).toEqual([1]);
    v1.prepare(
      `INSERT INTO deployments (stack, trigger, plan_json, status, started_at)
       VALUES ('web', 'cli', '{}', 'succeeded', '2024-12-31T00:00:00.000Z')`,
    ).run();
    expect(tables(v1)).not.toContain('users');
    v1.close();

    const store = openStore({ path, clock: fakeClock(), isAlive: () => true });
    try {
      expect(store.schemaVersion()).toBe(MIGRATIONS.at(-1)?.version);
      expect(store.deployments.list('web', { limit: 10 }).items.map((d) => d.status)).toEqual(['succeeded']);
    } finally {
      store.close();
    }
    const db = new Database(path, { readonly: true });
    try {
      for (const table of AUTH_TABLES) expect(tables(db)).toContain(table);
      const versions = db.prepare('SELECT version, name FROM schema_migrations ORDER BY version').all();
      expect(versions.slice(0, 2)).toEqual([
        { version: 1, name: 'initial' },
        { version: 2, name: 'auth' },
      ]);
      expect(versions).toHaveLength(MIGRATIONS.length);
    } finally {
      db.close();
    }
  });

  it('knows the same roles as rbac.ts', () => {
    expect(StoredRoleSchema.options).toEqual([...ROLES]);
  });

  it('refuses an unknown role and cascades user deletion', () => {
    const db = new Database(':memory:');
    db.pragma('foreign_keys = ON');
    migrate(db, fakeClock());
    const auth = createAuthStore(db);
    const at = '2025-01-01T00:00:00.000Z';
    const user = { id: 'usr_1', username: 'alice', passwordHash: 'h', createdAt: at, passwordChangedAt: at };
    expect(auth.users.insert(user, [{ role: 'admin' }, { role: 'viewer', stack: 'web' }])).toBe(true);
    expect(auth.users.insert({ ...user, id: 'usr_2' }, [])).toBe(false);
    expect(() => db.prepare(`INSERT INTO user_grants VALUES ('usr_1', 'db', 'root')`).run()).toThrow(/CHECK/);
    auth.sessions.insert({
      idHash: 'a',
      userId: 'usr_1',
      csrfHash: 'b',
      createdAt: at,
      idleExpiresAt: at,
      absoluteExpiresAt: at,
    });
    auth.tokens.insert({
      id: 'tok_1',
      userId: 'usr_1',
      name: 'n',
      tokenHash: 'c',
      role: 'viewer',
      createdAt: at,
      expiresAt: at,
    });
    expect(auth.users.remove('usr_1')).toBe(true);
    for (const table of ['user_grants', 'sessions', 'api_tokens']) {
      expect(db.prepare(`SELECT COUNT(*) FROM ${table}`).pluck().get()).toBe(0);
    }
    db.close();
  });
});
