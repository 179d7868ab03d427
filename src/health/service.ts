import type { StreamEvent } from '../api/events.js';
import type { HealthList, ProbeDetail } from '../api/health.js';
import type { Clock } from '../clock.js';
import { oneShotServices } from '../compose/graph.js';
import type { LoadedStack } from '../compose/stack.js';
import type { Engine } from '../engine/model.js';
import type { EventPublisher } from '../events/hub.js';
import { valueMasker } from '../secrets/mask.js';
import type { Store } from '../store/index.js';
import { HealthError } from './errors.js';
import { type ProbeId, probeEntries, probeKeyText } from './monitor/catalog.js';
import { type ContainerLabels, ContainerMonitor } from './monitor/containers.js';
import { type MonitorDeps, ProbeMonitor } from './monitor/monitor.js';
import { ProbeRecorder, type ResultListener } from './monitor/recorder.js';
import { execInContainer } from './probes/exec.js';
import { runCheck } from './probes/run.js';
import { healthViews, periodStart, UPTIME_PERIODS, type UptimePeriod } from './report.js';
import { type StackRun, stackRun } from './stack-run.js';
import { DAY_MS, HOUR_MS } from './uptime.js';
import { CONTAINER_PROBE } from './xberth.js';

export interface HealthServiceDeps {
  readonly engine: () => Promise<Engine>;
  readonly store: () => Store;
  readonly clock: Clock;
  readonly events: () => EventPublisher;
  readonly subscribe: (listener: (event: StreamEvent) => void) => () => void;
  readonly stacks: () => Promise<readonly LoadedStack[]>;
  /**
   * Whether the server answers for a stack: Berth containers of other stacks on the engine (another
   * server's) get no built-in probe, crash-loop watch, alert or metric. Absent: every stack's.
   */
  readonly serves?: (stack: string) => Promise<boolean>;
  readonly logger?: { warn(obj: object, msg?: string): void };
  /** Tests and the benchmark tune the loops; the defaults suit a server. */
  readonly tuning?: Pick<MonitorDeps, 'syncIntervalMs' | 'flushIntervalMs' | 'maxInFlight' | 'observe'> & {
    readonly sweepIntervalMs?: number;
    readonly runCheck?: MonitorDeps['runCheck'];
  };
  /** How long hourly buckets, daily buckets are kept (default 8 and 400 days). */
  readonly retention?: { readonly hoursMs?: number; readonly daysMs?: number };
}

/** Whether the stacks of these declared probes run, from what the store recorded (stack-run.ts). */
function stackRuns(store: Store, declared: readonly ProbeId[]): Map<string, StackRun> {
  return new Map(
    [...new Set(declared.map((d) => d.stack))].map((stack) => [
      stack,
      stackRun(store.stackDowns.facts(stack)),
    ]),
  );
}

/** Failures kept per probe, newest first. */
const KEEP_FAILURES = 50;

/**
 * Health as one service: the probe monitor, the container monitor, the recorder they share, and
 * the views the API reads. Started and drained by the composition root.
 */
export class HealthService {
  readonly recorder: ProbeRecorder;
  private readonly monitor: ProbeMonitor;
  private readonly containers: ContainerMonitor;
  private masks = new Map<string, (text: string) => string>();
  /** `stack/service` of the one-shot services, as the stacks load now. */
  private oneShots = new Set<string>();
  private types = new Map<string, string>();
  /** The probes the stacks' files declare, as they load now. */
  private declared: readonly ProbeId[] = [];
  private prune: NodeJS.Timeout | undefined;
  private resync: NodeJS.Timeout | undefined;
  private unsubscribe: (() => void) | undefined;
  private readonly runListeners = new Set<NonNullable<MonitorDeps['observe']>>();
  private readonly containerListeners = new Set<{
    look: (labels: ContainerLabels, restarts: number) => void;
    gone: (labels: ContainerLabels) => void;
  }>();

  constructor(private readonly deps: HealthServiceDeps) {
    this.recorder = new ProbeRecorder({ store: deps.store, events: deps.events, clock: deps.clock });
    const stacks = async () => {
      const loaded = await deps.stacks();
      this.learn(loaded);
      return loaded;
    };
    this.monitor = new ProbeMonitor({
      engine: deps.engine,
      stacks,
      recorder: this.recorder,
      clock: deps.clock,
      runCheck: deps.tuning?.runCheck ?? runCheck,
      exec: execInContainer,
      ...(deps.logger ? { logger: deps.logger } : {}),
      ...(deps.tuning?.syncIntervalMs !== undefined ? { syncIntervalMs: deps.tuning.syncIntervalMs } : {}),
      ...(deps.tuning?.flushIntervalMs !== undefined ? { flushIntervalMs: deps.tuning.flushIntervalMs } : {}),
      ...(deps.tuning?.maxInFlight !== undefined ? { maxInFlight: deps.tuning.maxInFlight } : {}),
      observe: (sample) => {
        deps.tuning?.observe?.(sample);
        for (const listener of this.runListeners) listener(sample);
      },
    });
    this.containers = new ContainerMonitor({
      engine: deps.engine,
      recorder: this.recorder,
      events: deps.events,
      subscribe: deps.subscribe,
      clock: deps.clock,
      maskOf: (stack, service) => this.masks.get(`${stack}/${service}`) ?? ((t) => t),
      isOneShot: (stack, service) => this.oneShots.has(`${stack}/${service}`),
      ...(deps.logger ? { logger: deps.logger } : {}),
      ...(deps.tuning?.sweepIntervalMs !== undefined ? { sweepIntervalMs: deps.tuning.sweepIntervalMs } : {}),
      loopAlertOpen: (stack, container) =>
        deps.store().alerts.openAlert(`crash-loop:${stack}/${container}`) !== undefined,
      onLook: (labels, restarts) => {
        for (const l of this.containerListeners) l.look(labels, restarts);
      },
      onGone: (labels) => {
        for (const l of this.containerListeners) l.gone(labels);
      },
      ...(deps.serves ? { watches: deps.serves } : {}),
    });
  }

  /** Masks and probe types from the stacks as they load now. */
  private learn(stacks: readonly LoadedStack[]): void {
    const masks = new Map<string, (text: string) => string>();
    for (const stack of stacks) {
      for (const service of Object.keys(stack.model.services ?? {})) {
        masks.set(
          `${stack.name}/${service}`,
          valueMasker([...stack.sensitive.project, ...(stack.sensitive.services[service] ?? [])]),
        );
      }
    }
    this.masks = masks;
    this.oneShots = new Set(
      stacks.flatMap((stack) =>
        [...oneShotServices(stack.model.services ?? {})].map((service) => `${stack.name}/${service}`),
      ),
    );
    const entries = probeEntries(stacks);
    this.types = new Map(entries.map((e) => [probeKeyText(e.key), e.definition.check.type]));
    this.declared = entries.map((e) => e.key);
  }

  start(): void {
    this.monitor.start();
    this.containers.start();
    // A container started or removed (a deploy, a `down`) changes where probes reach: look again soon.
    this.unsubscribe = this.deps.subscribe((event) => {
      if (event.kind !== 'container' || (event.type !== 'start' && event.type !== 'destroy')) return;
      if (this.resync) return;
      this.resync = setTimeout(() => {
        this.resync = undefined;
        void this.monitor.sync().catch(() => undefined);
      }, 500);
      this.resync.unref();
    });
    this.prune = setInterval(() => this.pruneNow(), HOUR_MS);
    this.prune.unref();
  }

  pruneNow(): number {
    const now = this.deps.clock.now().getTime();
    return this.deps.store().probes.prune({
      hoursBefore: now - (this.deps.retention?.hoursMs ?? 8 * DAY_MS),
      daysBefore: now - (this.deps.retention?.daysMs ?? 400 * DAY_MS),
      keepFailures: KEEP_FAILURES,
    });
  }

  /** Looks the probes up now (tests; the monitor does it on its own every sync interval). */
  sync(): Promise<void> {
    return this.monitor.sync();
  }

  /** Looks at every container now (tests; the monitor sweeps on its own). */
  sweep(): Promise<void> {
    return this.containers.sweep();
  }

  onResult(listener: ResultListener): () => void {
    return this.recorder.onResult(listener);
  }

  /** The type of a probe (`container` for the built-in one; `unknown` before its stack loaded). */
  typeOf(key: ProbeId): string {
    if (key.probe === CONTAINER_PROBE || key.probe.startsWith(`${CONTAINER_PROBE}-`)) return CONTAINER_PROBE;
    return this.types.get(probeKeyText(key)) ?? 'unknown';
  }

  /** Told of every probe run: how late it started and how long it took. */
  onRun(listener: NonNullable<MonitorDeps['observe']>): () => void {
    this.runListeners.add(listener);
    return () => this.runListeners.delete(listener);
  }

  /** Told of every look at a container (its restart count) and of containers gone. */
  onContainer(
    look: (labels: ContainerLabels, restarts: number) => void,
    gone: (labels: ContainerLabels) => void,
  ): void {
    this.containerListeners.add({ look, gone });
  }

  /**
   * Every probe Berth knows (state kept in the store, and those the files declare that have not run
   * yet, `pending`) and every container in a crash loop, optionally of one stack; `visible` keeps
   * those of the stacks a caller may see.
   */
  list(stack?: string, visible: (stack: string) => boolean = () => true): HealthList {
    this.recorder.flush();
    const store = this.deps.store();
    const now = this.deps.clock.now().getTime();
    const totals = Object.fromEntries(
      (Object.keys(UPTIME_PERIODS) as UptimePeriod[]).map((p) => [
        p,
        store.probes.totals(UPTIME_PERIODS[p].size, periodStart(p, now), stack),
      ]),
    ) as Record<UptimePeriod, ReturnType<Store['probes']['totals']>>;
    // A probe's type is shown while it is watched; the built-in probe is watched while its state is kept.
    const watched = new Set(this.monitor.watched().map(probeKeyText));
    const states = store.probes.states(stack);
    const declared = this.declared.filter((d) => stack === undefined || d.stack === stack);
    const types = new Map<string, string>();
    for (const s of [...states, ...declared]) {
      const text = probeKeyText(s);
      if (s.probe === CONTAINER_PROBE || s.probe.startsWith(`${CONTAINER_PROBE}-`))
        types.set(text, CONTAINER_PROBE);
      else if (watched.has(text)) types.set(text, this.types.get(text) ?? 'unknown');
    }
    const shown = (s: string) => (stack === undefined || s === stack) && visible(s);
    return {
      items: healthViews({ states, totals, types, declared, runs: stackRuns(store, declared) }).filter((p) =>
        visible(p.stack),
      ),
      crashLooping: this.containers
        .crashLooping()
        .filter((c) => shown(c.stack))
        .map((c) => c.container)
        .sort(),
    };
  }

  /** One probe with its recent failures and the hourly buckets of the last 48 hours. */
  detail(key: ProbeId): ProbeDetail {
    const probe = this.list(key.stack).items.find((p) => p.service === key.service && p.probe === key.probe);
    if (!probe) {
      throw new HealthError(
        'HEALTH_PROBE_NOT_FOUND',
        `no probe ${probeKeyText(key)}`,
        '`berth health STACK` lists the probes of a stack',
      );
    }
    const store = this.deps.store();
    const since = Math.floor(this.deps.clock.now().getTime() / HOUR_MS) * HOUR_MS - 47 * HOUR_MS;
    return {
      probe,
      failures: store.probes.failures(key, 20),
      hours: store.probes.bucketsOf(key, 'hour', since).map((b) => ({
        start: new Date(b.start).toISOString(),
        ok: b.ok,
        total: b.total,
        ...(b.latencyCount > 0
          ? { meanLatencyMs: Math.round((b.latencySumMs / b.latencyCount) * 10) / 10 }
          : {}),
      })),
    };
  }

  async drain(graceMs: number): Promise<void> {
    this.unsubscribe?.();
    if (this.resync) clearTimeout(this.resync);
    clearInterval(this.prune);
    await Promise.all([this.monitor.drain(graceMs), this.containers.drain()]);
    this.recorder.flush();
  }
}
