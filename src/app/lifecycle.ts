import { type Clock, systemClock } from '../clock.js';

/**
 * Something that runs for as long as Berth does, without a request: the operation runner, the
 * engine-event watcher, timers, the HTTP listener, later the scheduler and the probes.
 */
export interface BackgroundService {
  /** For logs and errors: `operations`, `container-events`, `http`. */
  readonly name: string;
  start(): void | Promise<void>;
  /**
   * Stop taking new work, and give what runs up to `graceMs` to finish (0: end it now). `graceMs`
   * is what is left of the shutdown's one grace, so a service must not wait longer.
   */
  drain?(graceMs: number): void | Promise<void>;
  /** Release what it holds: timers, streams, connections, files. */
  close?(): void | Promise<void>;
}

export interface LifecycleLogger {
  info(obj: object, msg?: string): void;
  error(obj: object, msg?: string): void;
}

export type LifecycleState = 'new' | 'starting' | 'running' | 'stopping' | 'stopped';

/**
 * Starts registered services in registration order and stops them in reverse: a service may rely
 * on every service registered before it (the store first, the listener last). Stopping runs two
 * passes, newest first: every service drains (the listener stops accepting before the runner's
 * grace, and streams stay open while operations finish), then every service closes.
 *
 * The grace of `stop` is one deadline for the whole shutdown, not one per service: each drain gets
 * the time left until it (measured on the injected clock), so what one service uses the next ones
 * do not get, and what one leaves unused they do. Work in flight keeps running while the services
 * before its own drain, so it has the whole grace from the signal and is told to end at the same
 * deadline as every other (the documented `--shutdown-grace`), however many services drain.
 */
export class Lifecycle {
  private readonly services: BackgroundService[] = [];
  private started: BackgroundService[] = [];
  private state: LifecycleState = 'new';

  constructor(
    private readonly logger?: LifecycleLogger,
    private readonly clock: Clock = systemClock(),
  ) {}

  /** Adds a service; it starts with the others. Registering after start is a bug in the wiring. */
  register(service: BackgroundService): void {
    if (this.state !== 'new') {
      throw new Error(`cannot register ${service.name}: the lifecycle is already ${this.state}`);
    }
    if (this.services.some((s) => s.name === service.name)) {
      throw new Error(`a service named ${service.name} is already registered`);
    }
    this.services.push(service);
  }

  get names(): string[] {
    return this.services.map((s) => s.name);
  }

  get status(): LifecycleState {
    return this.state;
  }

  /** Starts every service in order; when one fails, those already started are stopped and the error is thrown. */
  async start(): Promise<void> {
    if (this.state !== 'new') throw new Error(`cannot start: the lifecycle is already ${this.state}`);
    this.state = 'starting';
    for (const service of this.services) {
      try {
        await service.start();
      } catch (error: unknown) {
        this.logger?.error({ err: error, service: service.name }, 'a service failed to start');
        await this.stopStarted(0);
        this.state = 'stopped';
        throw error;
      }
      this.started.push(service);
    }
    this.state = 'running';
  }

  /** Stops what started, newest first; a service that fails to stop is logged and the others still stop. */
  async stop(graceMs: number): Promise<void> {
    if (this.state === 'stopped' || this.state === 'stopping') return;
    this.state = 'stopping';
    await this.stopStarted(graceMs);
    this.state = 'stopped';
  }

  private async stopStarted(graceMs: number): Promise<void> {
    const running = [...this.started].reverse();
    this.started = [];
    const deadline = this.clock.now().getTime() + Math.max(graceMs, 0);
    for (const service of running) {
      if (service.drain === undefined) continue;
      const left = Math.max(deadline - this.clock.now().getTime(), 0);
      if (left === 0 && graceMs > 0) {
        this.logger?.info(
          { service: service.name },
          'the shutdown grace is used up: draining without waiting',
        );
      }
      await this.step(service, 'drain', () => service.drain?.(left));
    }
    // Every drain still runs once the grace is used up, with 0 (no fixed minimum: that would let
    // the shutdown outlast the documented grace): at 0 a service ends its work in flight at once
    // and records it (operations `interrupted`, alert deliveries left pending to be retried on the
    // next start), so nothing is lost. Closing is not timed at all: it runs after every drain has
    // returned, so the store closes only once what was recording into it is done.
    for (const service of running) await this.step(service, 'close', () => service.close?.());
  }

  private async step(service: BackgroundService, what: string, action: () => unknown): Promise<void> {
    try {
      await action();
    } catch (error: unknown) {
      this.logger?.error({ err: error, service: service.name }, `a service failed to ${what}`);
    }
  }
}
