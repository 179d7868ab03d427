import { describe, expect, it } from 'vitest';
import { steppingClock } from '../../test/support/http-app.js';
import { openMemoryStore } from '../store/index.js';
import { isBackupError } from './errors.js';
import { checkDrillable } from './service-checks.js';

const settings = { stores: {}, recipients: ['age1x'], identityFile: '/etc/berth/key.txt' };

function refusal(action: () => unknown) {
  try {
    action();
  } catch (error: unknown) {
    if (isBackupError(error)) return error;
    throw error;
  }
  throw new Error('expected a refusal');
}

describe('checkDrillable', () => {
  it('refuses a failed backup as not drillable (it exists), naming it and the way to the good ones', () => {
    const backups = openMemoryStore(steppingClock()).backups;
    const base = { stack: 'shop', service: 'api', kind: 'sqlite', store: 'local' } as const;
    backups.begin({ ...base, id: '20261204T030000Z-dead', trigger: 'manual' });
    const failed = backups.fail('20261204T030000Z-dead', 'Berth stopped during the backup');
    for (const what of ['drill', 'restore'] as const) {
      const error = refusal(() => checkDrillable(settings, failed, failed.id, what));
      expect(error.code).toBe('BACKUP_NOT_DRILLABLE');
      expect(error.message).toBe(
        `backup 20261204T030000Z-dead of shop/api is failed: only a completed backup can be ${what === 'drill' ? 'drilled' : 'restored'}`,
      );
      expect(error.hint).toContain('berth backup list shop --service api');
    }
  });
});
