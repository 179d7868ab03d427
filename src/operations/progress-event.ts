/** A step an operation's body reports: a deploy's progress, a job's output line. */
export interface OperationEvent {
  readonly type: string;
  readonly service?: string;
  readonly message: string;
  readonly data?: Readonly<Record<string, unknown>>;
}

/**
 * A progress event as the event log stores it: `operation` is absent when the work ran without the
 * runner (the CLI's `--local` deploys). One mapping for both, so alerts read them alike.
 */
export function progressEventInput(
  kind: 'deploy' | 'job' | 'backup',
  stack: string,
  e: OperationEvent,
  operation?: string,
) {
  return {
    kind,
    type: e.type,
    stack,
    ...(operation !== undefined ? { operation } : {}),
    ...(e.service ? { service: e.service } : {}),
    message: e.message,
    ...(e.data ? { data: e.data } : {}),
  };
}
