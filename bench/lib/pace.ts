// A steady-rate HTTP load: request i is due at start + i * (1000 / rate) ms, whatever happened to the
// earlier ones (open loop, unlike autocannon's overallRate, which sends each connection's share of a
// second back to back). Timers only, no busy wait: a send may be late by the event loop's lag, which
// is recorded apart from the latency. Latency runs from the request call (so it includes any wait
// for a free keep-alive socket) to the response's last byte.
import { Agent, get } from 'node:http';
import { performance } from 'node:perf_hooks';

export interface PacedResult {
  /** Latency of each 2xx response, ms, ascending. */
  latencies: number[];
  /** How late each request was sent after its due time, ms, ascending. */
  lags: number[];
  sent: number;
  non2xx: number;
  errors: number;
  /** Requests sent per second, from the first due time to one interval after the last send. */
  sendRate: number;
}

/** How many of `total` requests due every `intervalMs` from `startMs` (the first at startMs) are due at `nowMs`. */
export function dueBy(nowMs: number, startMs: number, intervalMs: number, total: number): number {
  if (nowMs < startMs) return 0;
  return Math.min(total, Math.floor((nowMs - startMs) / intervalMs) + 1);
}

/** The timer delay until `dueMs` seen at `nowMs`: whole ms, at least 0 (setTimeout would round up 0.4 to 1). */
export function timerDelay(nowMs: number, dueMs: number): number {
  return Math.max(0, Math.floor(dueMs - nowMs));
}

const byNumber = (a: number, b: number): number => a - b;

/** `rate` GET requests per second to `url` for `durationS` seconds over `sockets` keep-alive sockets. */
export async function pacedLoad(o: {
  url: string;
  headers: Record<string, string>;
  rate: number;
  durationS: number;
  sockets: number;
  timeoutMs?: number;
}): Promise<PacedResult> {
  const agent = new Agent({ keepAlive: true, maxSockets: o.sockets, scheduling: 'fifo' });
  const request = (onDone: (status: number | undefined) => void): void => {
    const req = get(o.url, { agent, headers: o.headers }, (res) => {
      res.resume();
      res.once('end', () => onDone(res.statusCode));
      res.once('error', () => onDone(undefined));
    });
    req.setTimeout(o.timeoutMs ?? 10_000, () => req.destroy(new Error('timeout')));
    req.once('error', () => onDone(undefined));
  };
  try {
    // Open every socket first, so that no timed request pays for a TCP handshake.
    await Promise.all(Array.from({ length: o.sockets }, () => new Promise((resolve) => request(resolve))));
    return await new Promise<PacedResult>((resolve) => {
      const interval = 1000 / o.rate;
      const total = Math.max(1, Math.round(o.rate * o.durationS));
      const result: PacedResult = { latencies: [], lags: [], sent: 0, non2xx: 0, errors: 0, sendRate: 0 };
      let done = 0;
      let lastSend = 0;
      const start = performance.now() + 10;
      const send = (due: number): void => {
        const t0 = performance.now();
        result.lags.push(t0 - due);
        lastSend = t0;
        request((status) => {
          const t1 = performance.now();
          if (status === undefined) result.errors++;
          else if (status >= 200 && status < 300) result.latencies.push(t1 - t0);
          else result.non2xx++;
          if (++done < total) return;
          result.latencies.sort(byNumber);
          result.lags.sort(byNumber);
          result.sendRate = (1000 * result.sent) / (lastSend - start + interval);
          resolve(result);
        });
      };
      const tick = (): void => {
        const due = dueBy(performance.now(), start, interval, total);
        while (result.sent < due) send(start + result.sent++ * interval);
        if (result.sent < total) {
          setTimeout(tick, timerDelay(performance.now(), start + result.sent * interval));
        }
      };
      setTimeout(tick, timerDelay(performance.now(), start));
    });
  } finally {
    agent.destroy();
  }
}
