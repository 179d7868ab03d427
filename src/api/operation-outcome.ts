import type { z } from 'zod';
import { BackupSchema } from './backups.js';
import { UpResultSchema } from './deploy.js';
import { failureText } from './failure-text.js';
import { JobRunSchema } from './jobs.js';
import type { OperationRecordSchema } from './operations.js';

// How an operation ended, in one word (for machines) and a sentence (for people): the dashboard's
// outcome line, the `finished` event's message and the operation list's `ended` say the same.

export type OutcomeValue = 'running' | 'succeeded' | 'failed' | 'rolled-back' | 'interrupted';

export interface Outcome {
  readonly value: OutcomeValue;
  readonly text: string;
}

export type Ending = Pick<z.output<typeof OperationRecordSchema>, 'kind' | 'status' | 'result' | 'error'>;

const SUCCEEDED: Outcome = { value: 'succeeded', text: 'succeeded' };

/**
 * A job, backup or drill operation succeeds when it ran to its end: its result says how the run
 * (or the drill) went, which is the outcome people ask about.
 */
function taskOutcome(op: Ending): Outcome {
  if (op.kind === 'job') {
    const run = JobRunSchema.safeParse(op.result);
    if (!run.success) return SUCCEEDED;
    const r = run.data;
    if (r.status === 'succeeded')
      return { value: 'succeeded', text: `succeeded — ${r.service}/${r.job} ran` };
    if (r.status === 'interrupted')
      return { value: 'interrupted', text: `interrupted: ${r.reason ?? 'no reason given'}` };
    return {
      value: 'failed',
      text: `${r.status === 'failed' ? 'failed' : `failed (${r.status})`}: ${r.reason ?? 'no reason given'}`,
    };
  }
  const backup = BackupSchema.safeParse(op.result);
  if (!backup.success) return SUCCEEDED;
  const { id, drill } = backup.data;
  if (op.kind === 'drill') {
    return drill.status === 'passed'
      ? { value: 'succeeded', text: `succeeded — backup ${id} restored and matched its manifest` }
      : {
          value: 'failed',
          text: `failed: the drill of ${id} did not pass: ${drill.reason ?? 'no reason given'}`,
        };
  }
  const drilled =
    drill.status === 'passed'
      ? '; its drill passed'
      : drill.status === 'failed'
        ? `; its drill failed: ${drill.reason ?? 'no reason given'}`
        : '';
  return { value: 'succeeded', text: `succeeded — backup ${id} taken${drilled}` };
}

/** A deploy's result: an UpResult; a job's, backup's or drill's says how it went; other kinds only whether it worked. */
export function outcomeOf(op: Ending): Outcome {
  if (op.status === 'running') return { value: 'running', text: 'running' };
  if (op.status === 'interrupted') {
    return { value: 'interrupted', text: `interrupted${op.error ? `: ${op.error.message}` : ''}` };
  }
  if (op.status === 'failed')
    return { value: 'failed', text: `failed${op.error ? `: ${op.error.message}` : ''}` };
  if (op.kind === 'job' || op.kind === 'backup' || op.kind === 'drill') return taskOutcome(op);
  if (op.kind !== 'up') return SUCCEEDED;
  const up = UpResultSchema.safeParse(op.result);
  if (!up.success) return { value: 'succeeded', text: 'succeeded' };
  const r = up.data;
  const why = r.failure ? `${r.failure.service}: ${failureText(r.failure)}` : 'no reason given';
  switch (r.outcome) {
    case 'unchanged':
      return { value: 'succeeded', text: 'succeeded — nothing had to change' };
    case 'succeeded':
      return { value: 'succeeded', text: `succeeded — changed ${r.changedServices.join(', ') || 'nothing'}` };
    case 'rolled-back':
      return { value: 'rolled-back', text: `failed — rolled back: ${why}` };
    case 'failed':
      return {
        value: 'failed',
        text: `failed: ${why}${r.rollbackProblem ? `; the rollback did not complete: ${r.rollbackProblem}` : ''}`,
      };
  }
}
