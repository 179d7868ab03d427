import type { PlanBackup } from './deploy.js';

/** How one pre-deploy backup of a plan reads, wherever a plan is shown (CLI, web). */
export interface PlanBackupText {
  /** taken: `up` backs the service up first; fails: the deploy would stop there; skipped: neither. */
  readonly mark: 'taken' | 'fails' | 'skipped';
  readonly text: string;
  readonly hint?: string;
}

/**
 * What `up` would do about one service's backup policy before it changes anything: back it up,
 * fail there (with the code and hint), or not, and why. `skipBackup` (`up --skip-backup`): none is
 * taken. Pure; the plan's words come from the API, already redacted.
 */
export function planBackupText(
  b: PlanBackup,
  options: { readonly skipBackup?: boolean } = {},
): PlanBackupText {
  const name = `${b.service}${b.kind ? ` (${b.kind})` : ''}`;
  if (options.skipBackup) return { mark: 'skipped', text: `${name}: not backed up: --skip-backup` };
  const when = b.condition ? ` ${b.condition}` : '';
  switch (b.outcome) {
    case 'taken':
      return { mark: 'taken', text: `${name}: backed up${when}: ${b.reason}` };
    case 'fails':
      return {
        mark: 'fails',
        text: `${name}: the backup FAILS${when}${b.code ? ` (${b.code})` : ''}: ${b.reason}`,
        ...(b.hint ? { hint: b.hint } : {}),
      };
    case 'not-reached':
    case 'not-taken':
      return { mark: 'skipped', text: `${name}: not backed up${when}: ${b.reason}` };
  }
}
