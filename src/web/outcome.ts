import type { z } from 'zod';
import { UpResultSchema } from '../api/deploy.js';
import { OperationFinishedDataSchema, type StreamEvent } from '../api/events.js';
import type { OperationRecordSchema } from '../api/operations.js';

// How an operation ended, in one word (for machines) and a sentence (for people).

export type OutcomeValue = 'running' | 'succeeded' | 'failed' | 'rolled-back' | 'interrupted';

export interface Outcome {
  readonly value: OutcomeValue;
  readonly text: string;
}

type Ending = Pick<z.output<typeof OperationRecordSchema>, 'kind' | 'status' | 'result' | 'error'>;

/** A deploy's result: an UpResult. Every other kind only says whether it worked. */
export function outcomeOf(op: Ending): Outcome {
  if (op.status === 'running') return { value: 'running', text: 'running' };
  if (op.status === 'interrupted') {
    return { value: 'interrupted', text: `interrupted${op.error ? `: ${op.error.message}` : ''}` };
  }
  if (op.status === 'failed')
    return { value: 'failed', text: `failed${op.error ? `: ${op.error.message}` : ''}` };
  if (op.kind !== 'up') return { value: 'succeeded', text: 'succeeded' };
  const up = UpResultSchema.safeParse(op.result);
  if (!up.success) return { value: 'succeeded', text: 'succeeded' };
  const r = up.data;
  const why = r.failure
    ? `${r.failure.service}: ${r.failure.reason}: ${r.failure.detail}`
    : 'no reason given';
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

/** The ending an operation's `finished` event carries, or undefined for any other event. */
export function endingOf(event: StreamEvent, kind: Ending['kind']): Ending | undefined {
  if (event.kind !== 'operation' || event.type !== 'finished') return undefined;
  const data = OperationFinishedDataSchema.safeParse(event.data);
  if (!data.success || data.data.status === 'running') return undefined;
  const { status, result, error } = data.data;
  return { kind, status, ...(result !== undefined ? { result } : {}), ...(error ? { error } : {}) };
}

/** `12:34:56 web: message` */
export function eventLine(event: Pick<StreamEvent, 'at' | 'service' | 'message'>): string {
  const time = /T(\d\d:\d\d:\d\d)/.exec(event.at)?.[1];
  return `${time ? `${time} ` : ''}${event.service ? `${event.service}: ` : ''}${event.message}`;
}
