import { describe, expect, it } from 'vitest';
import type { BackupView } from '../api/backups.js';
import { recordBackup } from './backups.js';
import { createMetrics } from './registry.js';

const backup = (startedAt: string, drill: BackupView['drill']['status']): BackupView => ({
  id: 'x',
  stack: 'shop',
  service: 'db',
  kind: 'mariadb',
  store: 'local',
  trigger: 'schedule',
  status: 'completed',
  startedAt,
  drill: { status: drill },
});

describe('backup metrics', () => {
  it('a passed drill sets the last good backup and a failed one the drill gauge only', async () => {
    const metrics = createMetrics();
    const record = recordBackup(metrics);
    record(backup('2026-12-01T03:00:00Z', 'passed'));
    record(backup('2026-12-02T03:00:00Z', 'failed'));
    record(backup('2026-12-03T03:00:00Z', 'none'));
    const text = await metrics.registry.metrics();
    expect(text).toContain(
      `berth_backup_last_good_timestamp_seconds{stack="shop",service="db"} ${Date.parse('2026-12-01T03:00:00Z') / 1000}`,
    );
    expect(text).toContain('berth_backup_last_drill_passed{stack="shop",service="db"} 0');
  });
});
