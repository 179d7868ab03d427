import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  fakeClock,
  makeTempDir,
  OLDER_SCHEMA,
  schemaVersionOf,
  writeOlderStateFile,
} from '../../test/support/store.js';
import { openStore } from './db.js';
import { readLastDrills } from './read-drills.js';

// `berth audit --live` reads the restore drills from the state file without changing it: a file of
// another schema version (another Berth still uses it) is neither upgraded nor copied.

let temp: ReturnType<typeof makeTempDir>;
beforeEach(() => {
  temp = makeTempDir();
});
afterEach(() => temp.cleanup());

describe('readLastDrills', () => {
  it('reads nothing from a missing file, and creates none', () => {
    const path = join(temp.dir, 'berth.db');
    expect(readLastDrills(path, fakeClock())).toEqual({ drills: [] });
    expect(readdirSync(temp.dir)).toEqual([]);
  });

  it('reads the latest drill per service from a file of this schema', () => {
    const path = join(temp.dir, 'berth.db');
    const store = openStore({ path, clock: fakeClock(), isAlive: () => true });
    store.backups.begin({
      id: 'b1',
      stack: 'shop',
      service: 'db',
      kind: 'mariadb',
      store: 'local',
      trigger: 'manual',
    });
    store.close();
    // A drill that passed, as a finished drill leaves the row (a complete backup needs a whole manifest).
    const raw = new Database(path);
    raw
      .prepare(
        "UPDATE backups SET drill_status = 'passed', drill_at = '2026-12-04T03:00:00Z' WHERE id = 'b1'",
      )
      .run();
    raw.close();
    expect(readLastDrills(path, fakeClock())).toEqual({
      drills: [{ stack: 'shop', service: 'db', lastDrill: 'passed', at: '2026-12-04T03:00:00Z' }],
    });
  });

  it('leaves a file of an older schema as it is, and says why it did not read it', () => {
    const path = join(temp.dir, 'berth.db');
    writeOlderStateFile(path);
    const read = readLastDrills(path, fakeClock());
    expect(read).toEqual({ unread: expect.stringContaining(`has schema version ${OLDER_SCHEMA}`) });
    expect(schemaVersionOf(path)).toBe(OLDER_SCHEMA);
    // Nothing but the file and SQLite's own companions of a WAL file: no copy, no upgrade.
    expect(readdirSync(temp.dir).filter((n) => !/^berth\.db(-wal|-shm)?$/.test(n))).toEqual([]);
  });
});
