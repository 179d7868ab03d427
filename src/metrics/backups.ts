import type { BackupView } from '../api/backups.js';
import type { AppMetrics } from './registry.js';

/** Keeps the backup gauges current: every drill that ends sets them. */
export function recordBackup(metrics: AppMetrics) {
  return (backup: BackupView): void => {
    const labels = { stack: backup.stack, service: backup.service };
    if (backup.drill.status === 'passed') {
      metrics.backupLastDrillPassed.set(labels, 1);
      metrics.backupLastGood.set(labels, Date.parse(backup.startedAt) / 1000);
    } else if (backup.drill.status === 'failed') {
      metrics.backupLastDrillPassed.set(labels, 0);
    }
  };
}
