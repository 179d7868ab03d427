import type { PlanBackup } from '../../api/deploy.js';

/**
 * The plan's pre-deploy backups as lines of `berth plan` / `berth up --dry-run`: per service with a
 * backup policy, whether `up` backs it up first, fails there (with the hint), or not, and why.
 * `skipBackup` (`up --dry-run --skip-backup`): none is taken. Pure.
 */
export function planBackupLines(
  backups: readonly PlanBackup[] | undefined,
  options: { readonly skipBackup?: boolean } = {},
): string[] {
  if (!backups || backups.length === 0) return [];
  const lines = ['  backups before the deploy (x-berth.backup):'];
  for (const b of backups) {
    const name = `${b.service}${b.kind ? ` (${b.kind})` : ''}`;
    if (options.skipBackup) {
      lines.push(`    - ${name}: not backed up: --skip-backup`);
      continue;
    }
    const when = b.condition ? ` ${b.condition}` : '';
    switch (b.outcome) {
      case 'taken':
        lines.push(`    * ${name}: backed up${when}: ${b.reason}`);
        break;
      case 'fails':
        lines.push(`    ! ${name}: the backup FAILS${when}${b.code ? ` (${b.code})` : ''}: ${b.reason}`);
        if (b.hint) lines.push(`        hint: ${b.hint}`);
        break;
      case 'not-reached':
        lines.push(`    - ${name}: not backed up${when}: ${b.reason}`);
        break;
      case 'not-taken':
        lines.push(`    - ${name}: not backed up${when}: ${b.reason}`);
        break;
    }
  }
  return lines;
}
