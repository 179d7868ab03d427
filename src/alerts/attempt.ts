import type { Clock } from '../clock.js';
import type { AlertMessage } from './message.js';
import type { Sender, SendResult } from './senders/types.js';

export interface AttemptResult {
  readonly result: SendResult;
  readonly ms: number;
  /** Failed because shutdown cut it short: not an outcome of the channel, so not counted. */
  readonly stopped: boolean;
}

/**
 * One attempt to send, bounded by the channel's timeout on the clock. The attempt's promise ends
 * when the timeout or `stop` fires, whatever the sender does: a receiver that accepts and never
 * answers holds its lane for `timeoutMs` at most.
 */
export async function attempt(
  sender: Sender,
  message: AlertMessage,
  options: { delivery: number; clock: Clock; timeoutMs: number; stop: AbortSignal },
): Promise<AttemptResult> {
  const { clock, timeoutMs, stop } = options;
  const controller = new AbortController();
  const seconds = `${Math.round(timeoutMs / 100) / 10}s`;
  const onStop = () => controller.abort('berth is shutting down');
  if (stop.aborted) onStop();
  else stop.addEventListener('abort', onStop, { once: true });
  const timer = new AbortController();
  clock.sleep(timeoutMs, timer.signal).then(
    () => controller.abort(`no answer within ${seconds}`),
    () => undefined,
  );
  // The reason is the error: the sender may still be waiting on a socket that never answers.
  const aborted = new Promise<SendResult>((resolve) => {
    const give = () => resolve({ ok: false, error: String(controller.signal.reason) });
    if (controller.signal.aborted) give();
    else controller.signal.addEventListener('abort', give, { once: true });
  });
  const started = clock.now().getTime();
  // A sender that throws (or rejects after the timeout won) is a failed attempt, never unhandled.
  const sending = Promise.resolve()
    .then(() =>
      sender.send(message, { delivery: options.delivery, signal: controller.signal, now: clock.now() }),
    )
    .catch(
      (error: unknown): SendResult => ({
        ok: false,
        error: error instanceof Error ? error.message : String(error),
      }),
    );
  try {
    const result = await Promise.race([sending, aborted]);
    return { result, ms: clock.now().getTime() - started, stopped: !result.ok && stop.aborted };
  } finally {
    timer.abort();
    stop.removeEventListener('abort', onStop);
  }
}
