import type { Failure } from '../backoff.js';
import type { AlertMessage } from '../message.js';

export interface SendContext {
  /** The delivery's id: webhooks send it, Matrix makes it the transaction id (a retry is not repeated). */
  readonly delivery: number;
  /** Aborted when the attempt times out or Berth stops. */
  readonly signal: AbortSignal;
  /** For the webhook signature's timestamp. */
  readonly now: Date;
}

export type SendResult = { readonly ok: true } | ({ readonly ok: false } & Failure);

/**
 * Sends one message to one channel. A failure is a result (a throw, e.g. an unreadable credential
 * file, counts as one); the caller masks what it says.
 */
export interface Sender {
  send(message: AlertMessage, context: SendContext): Promise<SendResult>;
  /** The credential values it uses, for masking what it reports (files read on first use). */
  secrets(): readonly string[];
}
