import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { capturedLoggers } from '../../test/support/quiet-loggers.js';
import { OLDER_SCHEMA, writeOlderStateFile } from '../../test/support/store.js';
import { useTempBerths } from '../../test/support/temp-berth.js';
import { systemClock } from '../clock.js';
import { MIGRATIONS } from '../store/migrations.js';
import { createBerth } from './berth.js';

// The order createBerth registers its services in is the order they start, and the reverse of the
// order they drain. What it promises about that order, checked on the real wiring.

const { berth, tempDir } = useTempBerths('berth-order-');

describe('the services of one Berth', () => {
  it('start the store first and alerts before the runner, so alerts drain after every producer', async () => {
    const b = berth();
    const names = b.lifecycle.names;
    const at = (name: string) => names.indexOf(name);
    expect(at('store')).toBe(0);
    // Alerts drain after the operation runner: a deploy the shutdown interrupts is alerted before
    // the process ends (not only by the next start's tail).
    for (const producer of ['operations', 'container-events', 'scheduler', 'backups', 'health']) {
      expect([producer, at('alerts') < at(producer)]).toEqual([producer, true]);
    }
    await b.stop(0);
  });
});

describe('a state file an older Berth wrote', () => {
  it('is upgraded on first use, and the log says where the copy from before the upgrade is', async () => {
    const dir = tempDir('berth-upgrade-');
    const stateDir = join(dir, 'state');
    mkdirSync(stateDir, { mode: 0o700 });
    const path = join(stateDir, 'berth.db');
    writeOlderStateFile(path);
    const { loggers, text } = capturedLoggers('info');
    const b = createBerth({
      stateDir,
      workspace: dir,
      env: {},
      clock: systemClock(),
      loggers,
      allowPaths: false,
      process: 'serve',
    });
    expect(b.store().upgradeCopy?.path).toBe(`${path}.schema-${OLDER_SCHEMA}.bak`);
    const line = text()
      .split('\n')
      .find((l) => l.includes('a copy from before the upgrade is kept'));
    expect(JSON.parse(line ?? '{}')).toMatchObject({
      copy: `${path}.schema-${OLDER_SCHEMA}.bak`,
      from: OLDER_SCHEMA,
      to: MIGRATIONS.at(-1)?.version,
    });
    await b.stop(0);
  });
});
