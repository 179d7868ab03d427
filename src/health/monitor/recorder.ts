import type { Clock } from '../../clock.js';
import type { EventPublisher } from '../../events/hub.js';
import type { LockHolder, ProbeRecord, ProbeWrite, Store } from '../../store/index.js';
import {
  INITIAL_PROBE_STATE,
  type ProbeEvent,
  type ProbeState,
  type ProbeThresholds,
  stepProbe,
} from '../probe-state.js';
import { dayOf, hourOf } from '../uptime.js';
import { type ProbeId, probeKeyText } from './catalog.js';
import { probeEventInput, probeGoneInput } from './events.js';
import { heldResult, holdReason } from './holds.js';

export interface RecordedResult {
  readonly ok: boolean;
  readonly at: Date;
  readonly latencyMs?: number;
  /** Masked: what failed (or `ok`), in words every role reads (and alerts send). */
  readonly detail: string;
  /** Masked: what the checked program printed, for the stack's operators only. */
  readonly output?: string;
}

export interface RecorderPorts {
  readonly store: () => Store;
  readonly events: () => EventPublisher;
  readonly clock: Clock;
  /**
   * Who holds a stack's lock now (a deploy, restore, restart, down or image prune, in this process or
   * another live one); default: the store's live holder.
   */
  readonly holder?: (stack: string) => LockHolder | undefined;
}

/** Told of every result (metrics). */
export type ResultListener = (key: ProbeId, result: RecordedResult, state: ProbeState) => void;

const toState = (r: ProbeRecord): ProbeState => ({
  status: r.status,
  ...(r.since !== undefined ? { since: r.since } : {}),
  failures: r.failures,
  successes: r.successes,
  changes: r.changes,
  flapping: r.flapping,
});

/**
 * Where probe results go: each one steps its probe's state (kept in memory, read from the store
 * the first time so a restart continues where it was), joins a batch written once a second in one
 * transaction, and a change of state becomes an event at once (its batch is written first, so the
 * event never runs ahead of the stored state).
 */
export class ProbeRecorder {
  private readonly states = new Map<string, ProbeState>();
  private batch: ProbeWrite[] = [];
  private readonly listeners = new Set<ResultListener>();
  private readonly forgetters = new Set<(key: ProbeId) => void>();

  constructor(private readonly ports: RecorderPorts) {}

  onResult(listener: ResultListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Told of every probe forgotten (metrics drop its series). */
  onForget(listener: (key: ProbeId) => void): () => void {
    this.forgetters.add(listener);
    return () => this.forgetters.delete(listener);
  }

  stateOf(key: ProbeId): ProbeState {
    const text = probeKeyText(key);
    let state = this.states.get(text);
    if (state === undefined) {
      const stored = this.ports.store().probes.get(key);
      state = stored ? toState(stored) : INITIAL_PROBE_STATE;
      this.states.set(text, state);
    }
    return state;
  }

  /**
   * Why results of the stack's probes are not counted now (Berth itself is changing the stack), or
   * undefined. A reader that fails counts the result: a broken store must not hide outages.
   */
  holdOf(stack: string): string | undefined {
    try {
      const holder = (this.ports.holder ?? ((s: string) => this.ports.store().locks.liveHolder(s)))(stack);
      return holder === undefined ? undefined : holdReason(stack, holder);
    } catch {
      return undefined;
    }
  }

  /**
   * Records one result. While Berth holds the stack's lock (`held`, as the caller saw it when the run
   * started, or as it is now), the result is shown but not counted: no uptime, no failure history,
   * and a failure does not step the state (no DOWN, no alert); a success still does (a recovery is news).
   */
  record(
    key: ProbeId,
    given: RecordedResult,
    thresholds: ProbeThresholds,
    held?: string,
  ): ProbeEvent | undefined {
    const previous = this.stateOf(key);
    const reason = held ?? this.holdOf(key.stack);
    const result = reason === undefined ? given : heldResult(given, reason);
    const { state, event } =
      reason !== undefined && !result.ok
        ? { state: previous, event: undefined }
        : stepProbe(previous, result, thresholds);
    this.states.set(probeKeyText(key), state);
    const time = result.at.getTime();
    this.batch.push({
      ...(reason !== undefined ? { counted: false } : {}),
      state: {
        ...key,
        ...state,
        last: {
          at: result.at.toISOString(),
          ok: result.ok,
          ...(result.latencyMs !== undefined ? { latencyMs: result.latencyMs } : {}),
          detail: result.detail,
          ...(result.output !== undefined ? { output: result.output } : {}),
        },
      },
      hour: hourOf(time),
      day: dayOf(time),
    });
    for (const listener of this.listeners) listener(key, result, state);
    if (event) {
      this.flush();
      this.ports.events().publish(
        probeEventInput(key, event, {
          detail: given.detail,
          ...(given.output !== undefined ? { output: given.output } : {}),
          ...(previous.since !== undefined ? { previousSince: previous.since } : {}),
        }),
      );
    }
    return event;
  }

  /** Writes the batch; a failed write is dropped (results are history, not state to lose sleep over). */
  flush(): void {
    if (this.batch.length === 0) return;
    const batch = this.batch;
    this.batch = [];
    this.ports.store().probes.record(batch);
  }

  /** Probes no longer watched: their state goes (their history ages out by retention). */
  forget(keys: readonly ProbeId[]): void {
    if (keys.length === 0) return;
    this.flush();
    for (const key of keys) {
      const state = this.stateOf(key);
      this.states.delete(probeKeyText(key));
      for (const listener of this.forgetters) listener(key);
      // A DOWN probe that goes away would leave its alert open forever: say it ended, and why.
      if (state.status === 'down') this.ports.events().publish(probeGoneInput(key));
    }
    this.ports.store().probes.forget(keys);
  }

  get pending(): number {
    return this.batch.length;
  }
}
