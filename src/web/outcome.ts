import { OperationFinishedDataSchema, type StreamEvent } from '../api/events.js';
import type { Ending } from '../api/operation-outcome.js';

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
