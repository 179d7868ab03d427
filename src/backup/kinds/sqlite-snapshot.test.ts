import { describe, expect, it } from 'vitest';
import { newBackupId } from '../take.js';
import { snapshotFiles, snapshotPath } from './sqlite-snapshot.js';

describe('snapshotPath', () => {
  it("is in the container's /tmp for an id Berth makes", () => {
    const id = newBackupId(new Date('2026-12-04T18:15:02.123Z'));
    expect(snapshotPath(id)).toMatch(/^\/tmp\/berth-backup-20261204T181502Z-[0-9a-f]{4}\.db$/);
  });

  it('is undefined for anything else (never a path built from arbitrary input)', () => {
    for (const id of [
      '',
      '../etc/passwd',
      '20261204T181502Z-3fa9 /data',
      '20261204T181502Z-3fa9/../x',
      '*',
    ]) {
      expect(snapshotPath(id)).toBeUndefined();
    }
  });
});

describe('snapshotFiles', () => {
  it('names the snapshot and the -wal, -shm and -journal files SQLite makes beside it', () => {
    expect(snapshotFiles('/tmp/berth-backup-x.db')).toEqual([
      '/tmp/berth-backup-x.db',
      '/tmp/berth-backup-x.db-wal',
      '/tmp/berth-backup-x.db-shm',
      '/tmp/berth-backup-x.db-journal',
    ]);
  });
});
