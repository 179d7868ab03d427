import type { AlertHint } from '../api/alert-hint.js';
import type { ErrorInfo } from '../api/http.js';
import type { OperationKind, OperationStatus } from '../api/operations.js';
import type { StoreEventInput } from '../store/index.js';

/**
 * The alert of an operation that ended `failed` (its body threw: nothing of it reached a gate), unless
 * an event of the operation raised one already. Failures that do not throw are alerted by their own
 * events: a deploy failed at a gate ends `succeeded` with its outcome in the result, and its `done`
 * event is its alert; a job run that failed, a drill that did not pass, a restore rolled back to its
 * safety backup are told by the job's `failed`, `drill-failed` and `restore-rolled-back` events. An
 * interrupted operation has its own alert (interrupted-alert.ts). A backup a deploy (`pre-deploy`)
 * or restore (`safety`) took that failed is told by this alert of the operation, not by its own
 * `failed` event (alerts/classify.ts). Pure.
 */

export interface EndedOperation {
  readonly kind: OperationKind;
  readonly stack: string;
  readonly status: OperationStatus;
  readonly error?: ErrorInfo;
  /** Absent for the CLI's `--local` runs, which record no operation. */
  readonly id?: string;
}

export interface FailureAlert {
  readonly hint: AlertHint;
  readonly message: string;
}

/**
 * A backup refused by its checks (no settings, no policy, one running, the stack's lock held) records
 * nothing; past them, any failure is recorded and published as a backup `failed` event (an error
 * notice) before it is thrown (backup/take.ts).
 */
const BACKUP_REFUSALS: ReadonlySet<string> = new Set([
  'BACKUP_NOT_CONFIGURED',
  'BACKUP_NO_POLICY',
  'BACKUP_KIND_UNKNOWN',
  'BACKUP_RUNNING',
  'BACKUP_STACK_BUSY',
]);

/**
 * Whether a kind's failure (an error thrown, with its code) was told by an event its service publishes
 * outside the operation's stream. Deploys, removals and restarts report through the operation
 * (`told`); a job's, drill's or restore's thrown error comes before or after everything their own
 * alerting events say (a job's errors end its run `failed`, a drill's end it not passed, a restore's
 * rolled back), so none told it.
 */
const TOLD_BY_ITS_SERVICE: Readonly<Record<OperationKind, (code: string) => boolean>> = {
  up: () => false,
  down: () => false,
  restart: () => false,
  job: () => false,
  backup: (code) => !BACKUP_REFUSALS.has(code),
  drill: () => false,
  restore: () => false,
};

/** What each kind is, in the alert's words. */
const WHAT: Readonly<Record<OperationKind, (stack: string) => string>> = {
  up: (stack) => `the deploy of ${stack}`,
  down: (stack) => `the removal of ${stack}`,
  restart: (stack) => `the restart of ${stack}`,
  job: (stack) => `a job run of ${stack}`,
  backup: (stack) => `a backup of ${stack}`,
  drill: (stack) => `a drill of a backup of ${stack}`,
  restore: (stack) => `a restore into ${stack}`,
};

/** The alert of a failed operation: an error notice per stack and kind, as a failed deploy's is. */
export function failedOperationHint(op: Pick<EndedOperation, 'kind' | 'stack'>): AlertHint {
  return { key: `operation-failed:${op.stack}/${op.kind}`, status: 'notice', severity: 'error' };
}

/**
 * The alert of `op`, or undefined when it did not fail or was told already. `told`: an event of the
 * operation raised an alert (a deploy's `done` after a failed gate, a removal's `failure`). The
 * error's words are as recorded: masked where they were made (the stack's secrets by the deploy,
 * a backup's by the backup).
 */
export function failedOperationAlert(op: EndedOperation, told: boolean): FailureAlert | undefined {
  if (op.status !== 'failed' || told) return undefined;
  const error: ErrorInfo = op.error ?? {
    code: 'INTERNAL',
    message: 'no error was recorded',
    hint: 'see the berth serve log',
  };
  if (TOLD_BY_ITS_SERVICE[op.kind](error.code)) return undefined;
  const which = op.id === undefined ? '' : ` (operation ${op.id})`;
  return {
    hint: failedOperationHint(op),
    message: `${WHAT[op.kind](op.stack)}${which} failed: ${error.message} [${error.code}]. Next: ${error.hint}`,
  };
}

/**
 * Errors of a `--local` run that are no failed operation: a stack or service that does not exist (the
 * server refuses those before an operation exists: 404), and a signal that stopped a deploy (Ctrl-C:
 * the operator stopped it, and it put back what it changed, as the runner's shutdown interrupts one).
 */
const NOT_LOCAL_FAILURES: ReadonlySet<string> = new Set([
  'DEPLOY_STACK_NOT_FOUND',
  'DEPLOY_SERVICE_NOT_FOUND',
  'DEPLOY_INTERRUPTED',
]);

/**
 * The event a failed operation of the CLI's `--local` mode is stored with, for a `berth serve` on the
 * same state to alert as it alerts the runner's `finished` event (without an operation id); undefined
 * when it raises no alert.
 */
export function failedLocalOperationEvent(
  op: Omit<EndedOperation, 'status' | 'id'> & { readonly error: ErrorInfo },
  told: boolean,
): StoreEventInput | undefined {
  if (NOT_LOCAL_FAILURES.has(op.error.code)) return undefined;
  const alert = failedOperationAlert({ ...op, status: 'failed' }, told);
  if (alert === undefined) return undefined;
  return {
    kind: 'operation',
    type: 'finished',
    stack: op.stack,
    message: alert.message,
    data: { status: 'failed', error: { ...op.error }, alert: alert.hint },
  };
}
