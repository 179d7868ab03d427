import type { ErrorInfo } from '../api/http.js';
import type { OperationKind } from '../api/operations.js';

/** What an interrupted restore had done, as far as its recorded steps tell. */
export interface InterruptedRestore {
  /** The stack and service restored into. */
  readonly stack: string;
  readonly service: string;
  /** The safety backup of the target, once it was taken: what to restore from now. */
  readonly safety?: string;
  /** Whether it had begun writing into the target (the data may be partly restored). */
  readonly writing: boolean;
}

/** What stopped before the operation finished (`berth serve`, unless another process ran it). */
const message = (stopped: string) => `${stopped} stopped before the operation finished`;

/**
 * The error an operation ends with when the process running it stopped first. The hint says what
 * to do for its kind: a deploy converges with `berth up`, a job or backup is run again, and a
 * restore names the safety backup to restore from (when one was taken).
 */
export function interruptedError(
  kind: OperationKind,
  stack: string,
  restore?: InterruptedRestore,
  stopped = 'berth serve',
): ErrorInfo {
  const info = (hint: string): ErrorInfo => ({
    code: 'OPERATION_INTERRUPTED',
    message: message(stopped),
    hint,
  });
  switch (kind) {
    case 'up':
    case 'down':
    case 'restart':
      return info(`run it again: \`berth up ${stack}\` converges from whatever state the stack was left in`);
    case 'job':
      return info(
        `the run was recorded as interrupted: \`berth job run ${stack} SERVICE JOB\` runs it again`,
      );
    case 'backup':
      return info(`the backup was recorded as failed: \`berth backup run ${stack} SERVICE\` takes another`);
    case 'drill':
      return info(`the drill proves nothing either way: \`berth backup drill ${stack} ID\` drills again`);
    case 'restore':
      return restoreError(stack, restore, stopped);
  }
}

function restoreError(stack: string, restore: InterruptedRestore | undefined, stopped: string): ErrorInfo {
  const base = (hint: string, detail: string): ErrorInfo => ({
    code: 'OPERATION_INTERRUPTED',
    message: `${message(stopped)}: ${detail}`,
    hint,
  });
  if (!restore?.safety) {
    return base(
      `run the restore again (\`berth backup restore ${stack} ID\`); \`berth ps ${stack}\` shows what runs`,
      'the restore stopped before its safety backup was taken, so nothing was restored',
    );
  }
  const where = `${restore.stack}/${restore.service}`;
  const command = `berth backup restore ${restore.stack} ${restore.safety}`;
  return base(
    restore.writing
      ? `\`${command}\` puts back the data from before the restore (the safety backup), or run the restore again`
      : `nothing was written yet; run the restore again, or \`${command}\` (the safety backup) if in doubt`,
    restore.writing
      ? `the data in ${where} may be partly restored; its safety backup is ${restore.safety}`
      : `the restore into ${where} had not begun writing; its safety backup is ${restore.safety}`,
  );
}
