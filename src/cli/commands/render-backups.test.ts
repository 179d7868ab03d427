import { describe, expect, it } from 'vitest';
import { emptyPlan } from '../../../test/support/deploy-fixtures.js';
import type { PlanBackup } from '../../api/deploy.js';
import { formatPlan } from './render.js';
import { planBackupLines } from './render-backups.js';

const backups: PlanBackup[] = [
  { service: 'db', kind: 'postgres', outcome: 'taken', reason: 'backed up before its container is replaced' },
  {
    service: 'cache',
    kind: 'redis',
    outcome: 'fails',
    code: 'BACKUP_NOT_RUNNING',
    reason: 'shop/cache has no running container to back up (its container is exited)',
    hint: 'use --skip-backup',
  },
  { service: 'x', outcome: 'not-reached', reason: 'the backup of cache fails first' },
  {
    service: 'y',
    kind: 'volume',
    outcome: 'taken',
    reason: 'r',
    condition: 'if the pull brings a new image',
  },
];

describe('planBackupLines', () => {
  it('says which services are backed up first, which backup fails and what to do', () => {
    expect(planBackupLines(backups)).toEqual([
      '  backups before the deploy (x-berth.backup):',
      '    * db (postgres): backed up: backed up before its container is replaced',
      '    ! cache (redis): the backup FAILS (BACKUP_NOT_RUNNING): shop/cache has no running container to back up (its container is exited)',
      '        hint: use --skip-backup',
      '    - x: not backed up: the backup of cache fails first',
      '    * y (volume): backed up if the pull brings a new image: r',
    ]);
  });

  it('says none is taken with --skip-backup', () => {
    expect(planBackupLines(backups, { skipBackup: true })).toContain(
      '    - db (postgres): not backed up: --skip-backup',
    );
  });

  it('prints nothing for a stack without a backup policy', () => {
    expect(planBackupLines(undefined)).toEqual([]);
    expect(planBackupLines([])).toEqual([]);
  });

  it('is part of the plan text', () => {
    const text = formatPlan({ ...emptyPlan('shop'), backups });
    expect(text).toContain('! cache (redis): the backup FAILS');
  });
});

describe('formatPlan: problems', () => {
  it('says where in the files a problem is', () => {
    const text = formatPlan({
      ...emptyPlan('shop'),
      problems: [
        {
          code: 'IMAGE_MISSING',
          message: 'service app: image local/nope:1 is not on the engine, and its pull_policy is never',
          hint: 'load it',
          where: '/srv/shop/compose.yaml:4:5',
        },
      ],
    });
    expect(text).toContain(
      '  ! IMAGE_MISSING: /srv/shop/compose.yaml:4:5: service app: image local/nope:1 is not on the engine, and its pull_policy is never\n      hint: load it',
    );
  });
});
