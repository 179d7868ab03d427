/** Stable codes of the alerts capability; the HTTP edge maps them to statuses. Never rename one. */
export type AlertErrorCode = 'ALERT_CHANNEL_NOT_FOUND' | 'ALERT_SECRET_UNREADABLE';

export class AlertError extends Error {
  override readonly name = 'AlertError';

  constructor(
    readonly code: AlertErrorCode,
    message: string,
    readonly hint: string,
  ) {
    super(message);
  }
}

export const isAlertError = (error: unknown): error is AlertError => error instanceof AlertError;
