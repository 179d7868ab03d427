import type { PlanBackup } from '../../api/deploy.js';
import { planBackupText } from '../../api/plan-backup-text.js';

const MARKS = { taken: '*', fails: '!', skipped: '-' } as const;

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
    const { mark, text, hint } = planBackupText(b, options);
    lines.push(`    ${MARKS[mark]} ${text}`);
    if (hint) lines.push(`        hint: ${hint}`);
  }
  return lines;
}
