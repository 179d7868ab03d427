import { retryAfterMs } from '../../api/http.js';
import type { SendResult } from './types.js';

/**
 * One HTTP request of a channel (webhook, Slack, Discord, ntfy, Matrix) with fetch. The caller's
 * signal bounds it (the per-attempt timeout, shutdown); redirects are not followed, since a
 * redirected POST may land somewhere that should not get the message or its headers.
 */
export interface HttpRequest {
  readonly method: 'POST' | 'PUT';
  readonly url: string;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: string;
}

/** The most of an error answer kept: receivers say what was wrong in the first line or two. */
const ANSWER_BYTES = 200;

function originOf(url: string): string {
  try {
    return new URL(url).host;
  } catch {
    return 'the receiver';
  }
}

function causeCode(error: unknown): string {
  const cause = (error as { cause?: { code?: unknown; message?: unknown } }).cause;
  if (typeof cause?.code === 'string') return cause.code;
  if (typeof cause?.message === 'string') return cause.message;
  return error instanceof Error ? error.message : String(error);
}

/** `now` (ms) reads a Retry-After date. */
export async function sendHttp(request: HttpRequest, signal: AbortSignal, now: number): Promise<SendResult> {
  const host = originOf(request.url);
  let res: Response;
  try {
    res = await fetch(request.url, {
      method: request.method,
      headers: { 'User-Agent': 'berth-alerts', ...request.headers },
      body: request.body,
      redirect: 'manual',
      signal,
    });
  } catch (error: unknown) {
    if (signal.aborted) return { ok: false, error: `no answer from ${host} (${String(signal.reason)})` };
    return { ok: false, error: `cannot reach ${host} (${causeCode(error)})` };
  }
  if (res.status >= 200 && res.status < 300) {
    // Read (and drop) the answer so the connection is free again.
    await res.arrayBuffer().catch(() => undefined);
    return { ok: true };
  }
  const answer = await res.text().then(
    (t) => t.slice(0, ANSWER_BYTES).trim(),
    () => '',
  );
  const error = `HTTP ${res.status} from ${host}${answer ? `: ${answer}` : ''}`;
  const retry = retryAfterMs(res.headers.get('retry-after'), now);
  // Timeouts, throttling and server errors pass; anything else will fail the same way next time.
  const transient = res.status === 408 || res.status === 425 || res.status === 429 || res.status >= 500;
  return {
    ok: false,
    error,
    ...(transient ? {} : { permanent: true }),
    ...(retry !== undefined ? { retryAfterMs: retry } : {}),
  };
}
