import { describe, expect, it } from 'vitest';
import { kindsFit, needsRunning, restoreTools, targetKind } from './restore-needs.js';
import type { BackupKind } from './xberth.js';

const KINDS: BackupKind[] = ['mariadb', 'mysql', 'postgres', 'sqlite', 'redis', 'volume'];

describe('kindsFit', () => {
  it('a kind takes its own backups, MariaDB and MySQL take each other’s, nothing else fits', () => {
    const fits = KINDS.flatMap((b) => KINDS.filter((t) => kindsFit(b, t)).map((t) => `${b}>${t}`));
    expect(fits).toEqual([
      'mariadb>mariadb',
      'mariadb>mysql',
      'mysql>mariadb',
      'mysql>mysql',
      'postgres>postgres',
      'sqlite>sqlite',
      'redis>redis',
      'volume>volume',
    ]);
  });
});

describe('targetKind', () => {
  it('the policy’s kind wins over the image', () => {
    expect(targetKind('volume', 'redis:7')).toBe('volume');
  });

  it('a service without a policy is the kind its image implies', () => {
    expect(targetKind(undefined, 'docker.io/library/redis:7-alpine')).toBe('redis');
    expect(targetKind(undefined, 'postgres:16')).toBe('postgres');
  });

  it('an image that says nothing, or no image, leaves the kind unknown', () => {
    expect(targetKind(undefined, 'local/busybox:1')).toBeUndefined();
    expect(targetKind(undefined, undefined)).toBeUndefined();
  });
});

describe('restoreTools', () => {
  it('names the tools the restore and the safety backup run in the target, per kind', () => {
    expect(restoreTools('sqlite')).toEqual([{ names: ['sqlite3'] }]);
    expect(restoreTools('redis')).toEqual([{ names: ['redis-cli'] }]);
    expect(restoreTools('volume')).toEqual([]);
    expect(restoreTools('postgres')).toEqual([
      { names: ['pg_dump'], user: 'postgres' },
      { names: ['psql'], user: 'postgres' },
      { names: ['pg_isready'], user: 'postgres' },
    ]);
  });

  it('MariaDB and MySQL accept either family’s tools, their own first', () => {
    expect(restoreTools('mariadb').map((n) => n.names[0])).toEqual([
      'mariadb-dump',
      'mariadb',
      'mariadb-admin',
    ]);
    expect(restoreTools('mysql').map((n) => n.names[0])).toEqual(['mysqldump', 'mysql', 'mysqladmin']);
    for (const need of [...restoreTools('mariadb'), ...restoreTools('mysql')])
      expect(need.names).toHaveLength(2);
  });

  it('every kind but volume runs something in the target, and needs it running', () => {
    for (const kind of KINDS) {
      expect(restoreTools(kind).length > 0).toBe(kind !== 'volume');
      expect(needsRunning(kind)).toBe(kind !== 'volume');
    }
  });
});
