import type { StreamEvent } from '../../api/events.js';
import type { Clock } from '../../clock.js';
import { BerthLabel, type ContainerInfo, type Engine, isServiceContainer } from '../../engine/model.js';
import type { EventPublisher } from '../../events/hub.js';
import {
  type ContainerWatch,
  type CrashLoopRule,
  carriedLoopWatch,
  DEFAULT_CRASH_LOOP,
  NEW_WATCH,
  watchContainer,
} from '../crash-loop.js';
import type { ProbeId } from './catalog.js';
import { containerProbeName, containerVerdict } from './container-verdict.js';
import { containerAlarmInput, crashLoopGoneInput } from './events.js';
import type { ProbeRecorder } from './recorder.js';

export interface ContainerMonitorDeps {
  readonly engine: () => Promise<Engine>;
  readonly recorder: ProbeRecorder;
  readonly events: () => EventPublisher;
  /** The event log's live feed: the container watcher's engine events arrive here (no second stream). */
  readonly subscribe: (listener: (event: StreamEvent) => void) => () => void;
  readonly clock: Clock;
  /** Masks a service's secret values in what a container says (health output). */
  readonly maskOf: (stack: string, service: string) => (text: string) => string;
  /** Whether the service is a one-shot (a migration): exiting 0 is completing, not going down. */
  readonly isOneShot: (stack: string, service: string) => boolean;
  readonly logger?: { warn(obj: object, msg?: string): void };
  /** How often every container is inspected (default 15 s). */
  readonly sweepIntervalMs?: number;
  readonly crashLoop?: CrashLoopRule;
  /**
   * Whether a crash-loop alert of this container is still open (from before a restart of Berth):
   * found running and not looping at the first look, it is resolved.
   */
  readonly loopAlertOpen?: (stack: string, container: string) => boolean;
  /** Told of each look (metrics: restart counts) and of each container gone. */
  readonly onLook?: (labels: ContainerLabels, restarts: number) => void;
  readonly onGone?: (labels: ContainerLabels) => void;
  /**
   * Whether a stack is this server's (its workspace's, or deployed here). Berth containers of any other
   * stack on the engine (another server's, or left behind) are not watched: no probe, alert or metric.
   */
  readonly watches?: (stack: string) => Promise<boolean>;
}

export interface ContainerLabels {
  readonly stack: string;
  readonly service: string;
  readonly container: string;
}

/**
 * A container in a crash loop. Its stack is the one its `dev.berth.stack` label names: a container's
 * name cannot tell (`shop-admin-web-1` may be `admin-web` of `shop` or `web` of `shop-admin`).
 */
export interface CrashLooping {
  readonly stack: string;
  readonly container: string;
}

interface Watched {
  readonly key: ProbeId;
  readonly name: string;
  watch: ContainerWatch;
}

/** Two sweeps in a row (15 to 30 s): a container replaced by a deploy, or one restart, is not an outage. */
const CONTAINER_THRESHOLDS = { failureThreshold: 2, successThreshold: 1 } as const;

/**
 * The built-in probe of every Berth service container, and crash-loop and OOM detection: each
 * container is looked at (inspected) when the engine reports a change of it and on every sweep;
 * each look is a result of its `container` probe and a step of its crash-loop watch.
 */
export class ContainerMonitor {
  private readonly watched = new Map<string, Watched>();
  private readonly stopping = new AbortController();
  private readonly pendingLooks = new Map<string, Promise<void>>();
  /** Whether each stack seen is this server's (`watches`), as of the last sweep or first event. */
  private readonly served = new Map<string, boolean>();
  private loop: Promise<void> | undefined;
  private unsubscribe: (() => void) | undefined;

  constructor(private readonly deps: ContainerMonitorDeps) {}

  start(): void {
    if (this.stopping.signal.aborted || this.loop) return;
    this.unsubscribe = this.deps.subscribe((event) => this.onEvent(event));
    this.loop = this.run();
  }

  private onEvent(event: StreamEvent): void {
    if (event.kind !== 'container' || this.stopping.signal.aborted) return;
    const data = event.data as { id?: unknown; oneOff?: unknown } | undefined;
    if (typeof data?.id !== 'string' || data.oneOff === true) return;
    const id = data.id;
    if (event.type === 'destroy') {
      this.drop(id);
      return;
    }
    const stack = event.stack;
    if (stack === undefined || this.served.get(stack) === true) {
      void this.look(id, false);
      return;
    }
    if (this.served.get(stack) === false) return;
    void this.serves(stack).then((ok) => (ok ? this.look(id, false) : undefined));
  }

  /** Whether the stack is this server's; asked once per stack and sweep, so a look never waits on it. */
  private async serves(stack: string): Promise<boolean> {
    const known = this.served.get(stack);
    if (known !== undefined) return known;
    const ok = this.deps.watches === undefined || (await this.deps.watches(stack));
    this.served.set(stack, ok);
    return ok;
  }

  private async run(): Promise<void> {
    const every = this.deps.sweepIntervalMs ?? 15_000;
    while (!this.stopping.signal.aborted) {
      try {
        await this.sweep();
      } catch (error: unknown) {
        this.deps.logger?.warn({ err: error }, 'health: could not look at the containers; retrying');
      }
      await this.deps.clock.sleep(every, this.stopping.signal).catch(() => undefined);
    }
  }

  /** Looks at every service container; those gone since are forgotten. */
  async sweep(): Promise<void> {
    const engine = await this.deps.engine();
    const listed = (await engine.containers.list({ [BerthLabel.Stack]: true })).filter(isServiceContainer);
    // Which stacks are this server's is asked again each sweep (a stack may have been deployed or removed).
    const stacks = new Set(listed.map((c) => c.labels[BerthLabel.Stack] ?? ''));
    const fresh = new Map<string, boolean>();
    for (const stack of stacks)
      fresh.set(stack, this.deps.watches === undefined || (await this.deps.watches(stack)));
    this.served.clear();
    for (const [stack, ok] of fresh) this.served.set(stack, ok);
    const ids = new Set(
      listed.filter((c) => this.served.get(c.labels[BerthLabel.Stack] ?? '') === true).map((c) => c.id),
    );
    for (const id of [...this.watched.keys()]) if (!ids.has(id)) this.drop(id);
    // A few at a time: a 200-container estate is inspected in a second or two, without a burst.
    const queue = [...ids];
    const worker = async () => {
      for (let id = queue.shift(); id !== undefined; id = queue.shift()) await this.look(id, true);
    };
    await Promise.all(Array.from({ length: Math.min(8, queue.length) }, worker));
  }

  /**
   * One look at a container; looks at the same container never overlap. Every look steps the
   * crash-loop watch (an engine event is looked at at once); only a sweep's look (and a container's
   * very first look) is a result of the `container` probe, so its results come at an even pace
   * (uptime is not skewed by bursts of events) and a single restart between two sweeps is not an outage.
   */
  look(id: string, sweep: boolean): Promise<void> {
    const pending = this.pendingLooks.get(id);
    if (pending && !sweep) return pending;
    const look = (pending ?? Promise.resolve())
      .then(() => this.lookNow(id, sweep))
      .finally(() => {
        if (this.pendingLooks.get(id) === look) this.pendingLooks.delete(id);
      });
    this.pendingLooks.set(id, look);
    return look;
  }

  private async lookNow(id: string, sweep: boolean): Promise<void> {
    let info: ContainerInfo;
    try {
      info = await (await this.deps.engine()).containers.inspect(id);
    } catch {
      return; // removed meanwhile: its destroy event or the next sweep drops it
    }
    const stack = info.labels[BerthLabel.Stack];
    const service = info.labels[BerthLabel.Service];
    if (!stack || !service || !isServiceContainer(info) || this.stopping.signal.aborted) return;
    if (this.served.get(stack) === false) return; // another server's: its sweep drops it
    const key: ProbeId = { stack, service, probe: containerProbeName(info.labels, BerthLabel.Replica) };
    const known = this.watched.get(id) ?? { key, name: info.name, watch: NEW_WATCH };
    this.watched.set(id, known);
    const now = this.deps.clock.now();
    const firstLook = known.watch === NEW_WATCH;
    // A loop whose alert is open when Berth (re)starts watching is not over because the container
    // happens to run at that moment: it ends by the rule, a whole window without a restart.
    const from =
      firstLook && this.deps.loopAlertOpen?.(stack, info.name)
        ? carriedLoopWatch(now.getTime())
        : known.watch;
    const { watch, alarms } = watchContainer(
      from,
      {
        state: info.state,
        restartCount: info.restartCount,
        oomKilled: info.oomKilled === true,
        exitCode: info.exitCode,
      },
      now.getTime(),
      this.deps.crashLoop ?? DEFAULT_CRASH_LOOP,
    );
    known.watch = watch;
    for (const alarm of alarms) {
      this.deps.events().publish(containerAlarmInput({ stack, service, container: info.name }, alarm));
    }
    this.deps.onLook?.({ stack, service, container: info.name }, info.restartCount);
    // A container's first look is a result too: a new container has its probe at once, not a sweep later.
    if (!sweep && !firstLook) return;
    const verdict = containerVerdict(info, this.deps.isOneShot(stack, service));
    const mask = this.deps.maskOf(stack, service);
    this.deps.recorder.record(
      key,
      {
        ok: verdict.ok,
        at: now,
        detail: mask(`${info.name} ${verdict.detail}`),
        ...(verdict.output !== undefined ? { output: mask(verdict.output) } : {}),
      },
      CONTAINER_THRESHOLDS,
    );
  }

  private drop(id: string): void {
    const gone = this.watched.get(id);
    if (!gone) return;
    this.watched.delete(id);
    this.deps.onGone?.({ stack: gone.key.stack, service: gone.key.service, container: gone.name });
    if (gone.watch.crashLooping) {
      this.deps
        .events()
        .publish(
          crashLoopGoneInput({ stack: gone.key.stack, service: gone.key.service, container: gone.name }),
        );
    }
    // Another container under the same probe (recreated by a deploy) keeps its state.
    const still = [...this.watched.values()].some(
      (w) =>
        w.key.stack === gone.key.stack &&
        w.key.service === gone.key.service &&
        w.key.probe === gone.key.probe,
    );
    if (!still) this.deps.recorder.forget([gone.key]);
  }

  /** The containers in a crash loop now, each with its stack (its label), for the health view. */
  crashLooping(): CrashLooping[] {
    return [...this.watched.values()]
      .filter((w) => w.watch.crashLooping)
      .map((w) => ({ stack: w.key.stack, container: w.name }));
  }

  async drain(): Promise<void> {
    this.stopping.abort();
    this.unsubscribe?.();
    await this.loop;
    await Promise.allSettled([...this.pendingLooks.values()]);
  }
}
