import type { Clock } from '../clock.js';
import { type ConnectConfig, connectEngine, type EngineLogger } from '../engine/index.js';
import type { Engine } from '../engine/model.js';

export interface EngineConnectionOptions {
  /** DOCKER_HOST-style address; absent: the default socket. */
  readonly host?: string;
  readonly clock: Pick<Clock, 'now'>;
  /** Each Engine API call is logged here at debug (the `engine` component). */
  readonly logger?: EngineLogger;
  /** Injected by tests; connectEngine otherwise. */
  readonly connect?: (config: ConnectConfig) => Promise<Engine>;
  /** First wait after a failed connection (default 1 s); it doubles up to `maxBackoffMs` (30 s). */
  readonly backoffMs?: number;
  readonly maxBackoffMs?: number;
}

/** Berth's one engine connection: made on first use, kept, and retried with backoff when it fails. */
export interface EngineConnection {
  /** The connected engine. A failed connection is retried by a later call, not before the backoff. */
  (): Promise<Engine>;
  /** Whether the engine answers now (readiness), within `timeoutMs`; never throws. */
  probe(timeoutMs: number): Promise<boolean>;
}

/**
 * Connected on first use, so commands that fail earlier never need the engine. After a failure,
 * calls within the backoff get the same error at once instead of each waiting on a dead socket;
 * the backoff doubles with every failure and resets on success.
 */
export function engineConnection(options: EngineConnectionOptions): EngineConnection {
  const connect = options.connect ?? connectEngine;
  const base = options.backoffMs ?? 1000;
  const max = options.maxBackoffMs ?? 30_000;
  const config: ConnectConfig = {
    ...(options.host ? { host: options.host } : {}),
    ...(options.logger ? { logger: options.logger } : {}),
  };
  let connected: Promise<Engine> | undefined;
  let failure: { error: unknown; until: number; backoff: number } | undefined;
  const now = () => options.clock.now().getTime();

  const get = (): Promise<Engine> => {
    if (connected) return connected;
    if (failure && now() < failure.until) return Promise.reject(failure.error);
    const attempt = connect(config);
    connected = attempt;
    attempt.then(
      () => {
        failure = undefined;
      },
      (error: unknown) => {
        connected = undefined;
        const backoff = failure ? Math.min(failure.backoff * 2, max) : base;
        failure = { error, until: now() + backoff, backoff };
      },
    );
    return attempt;
  };
  const probe = async (timeoutMs: number): Promise<boolean> => {
    try {
      await connect({ ...config, timeoutMs });
      return true;
    } catch {
      return false;
    }
  };
  return Object.assign(get, { probe });
}
