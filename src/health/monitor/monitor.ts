import type { Clock } from '../../clock.js';
import type { LoadedStack } from '../../compose/stack.js';
import { BerthLabel, type ContainerInfo, type Engine, isServiceContainer } from '../../engine/model.js';
import type { CheckOutcome, ProbeCheck } from '../probe-types.js';
import type { CheckContext } from '../probes/context.js';
import { firstOffset, type ProbeEntry, type ProbeId, probeEntries, probeKeyText } from './catalog.js';
import { DueQueue } from './due-queue.js';
import type { ProbeRecorder } from './recorder.js';
import { contextFor, type TargetPorts } from './targets.js';
import { judge } from './verdict.js';

export interface MonitorDeps {
  readonly engine: () => Promise<Engine>;
  /** The stacks of the workspace as they load now. */
  readonly stacks: () => Promise<readonly LoadedStack[]>;
  readonly recorder: ProbeRecorder;
  readonly clock: Clock;
  readonly runCheck: (check: ProbeCheck, ctx: CheckContext) => Promise<CheckOutcome>;
  readonly exec: TargetPorts['exec'];
  readonly logger?: { warn(obj: object, msg?: string): void };
  /** How often the probes and containers are looked up again (default 15 s). */
  readonly syncIntervalMs?: number;
  /** How often results are written (default 1 s). */
  readonly flushIntervalMs?: number;
  /** Runs in flight at most (default 512); more wait a little. */
  readonly maxInFlight?: number;
  /** Told of every run: how late it started (scheduling lag) and how long it took. */
  readonly observe?: (sample: {
    readonly key: ProbeId;
    readonly lagMs: number;
    readonly durationMs: number;
  }) => void;
}

interface Active {
  readonly entry: ProbeEntry;
  readonly text: string;
  /** The definition as JSON: a changed one starts the probe over. */
  readonly signature: string;
  readonly generation: number;
  container: ContainerInfo;
  running: boolean;
}

/**
 * Runs the probes of `x-berth.probes` on their intervals. A probe is watched while its service has
 * a container (running or not: a stopped service's probes fail, and say so); a stack taken down
 * stops its probes. Due runs come off a heap, each run is bounded by its timeout, results go to the
 * recorder (which batches writes), so a slow probe delays only itself and nothing waits on alerts.
 */
export class ProbeMonitor {
  private readonly active = new Map<string, Active>();
  private readonly queue = new DueQueue<{ text: string; generation: number }>();
  private readonly stopping = new AbortController();
  private readonly runs = new AbortController();
  private wake = new AbortController();
  private readonly inFlight = new Set<Promise<void>>();
  private loop: Promise<void> | undefined;
  private syncing: Promise<void> | undefined;
  private generation = 0;

  constructor(private readonly deps: MonitorDeps) {}

  start(): void {
    if (this.stopping.signal.aborted || this.loop) return;
    this.loop = this.run();
  }

  /** The probes watched now. */
  watched(): ProbeId[] {
    return [...this.active.values()].map((a) => a.entry.key);
  }

  /** Looks the probes and their containers up again (the loop does it every sync interval). */
  sync(): Promise<void> {
    this.syncing ??= this.doSync().finally(() => {
      this.syncing = undefined;
    });
    return this.syncing;
  }

  private now(): number {
    return this.deps.clock.now().getTime();
  }

  private async doSync(): Promise<void> {
    const [stacks, engine] = await Promise.all([this.deps.stacks(), this.deps.engine()]);
    const entries = probeEntries(stacks);
    const wanted = new Set(entries.map((e) => `${e.key.stack}/${e.key.service}`));
    const containers = (await engine.containers.list({ [BerthLabel.Stack]: true }))
      .filter(isServiceContainer)
      .sort((a, b) => a.name.localeCompare(b.name));
    // Each service with probes is probed in one container, inspected: a running one (a deploy's
    // replacement that has not started yet is not the one serving), the first by name (replica 1
    // before 2); a service with none running, in its first container, whose probes fail and say why.
    const chosen = new Map<string, string>();
    for (const running of [true, false]) {
      for (const c of containers) {
        const service = `${c.labels[BerthLabel.Stack]}/${c.labels[BerthLabel.Service]}`;
        if (wanted.has(service) && !chosen.has(service) && (c.state === 'running') === running)
          chosen.set(service, c.id);
      }
    }
    const inspected = new Map<string, ContainerInfo>();
    await Promise.all(
      [...chosen].map(async ([service, id]) => {
        try {
          inspected.set(service, await engine.containers.inspect(id));
        } catch {
          // Removed between the listing and now: the next sync sees it gone.
        }
      }),
    );
    const seen = new Set<string>();
    const now = this.now();
    for (const entry of entries) {
      const container = inspected.get(`${entry.key.stack}/${entry.key.service}`);
      if (!container) continue;
      const text = probeKeyText(entry.key);
      seen.add(text);
      const signature = JSON.stringify(entry.definition);
      const current = this.active.get(text);
      if (current && current.signature === signature) {
        current.container = container;
        continue;
      }
      const generation = ++this.generation;
      this.active.set(text, { entry, text, signature, generation, container, running: false });
      this.queue.push(now + firstOffset(text, entry.definition.intervalMs), { text, generation });
    }
    const gone = [...this.active.values()].filter((a) => !seen.has(a.text));
    for (const a of gone) this.active.delete(a.text);
    this.deps.recorder.forget(gone.map((a) => a.entry.key));
    this.wake.abort();
  }

  private async run(): Promise<void> {
    const syncEvery = this.deps.syncIntervalMs ?? 15_000;
    const flushEvery = this.deps.flushIntervalMs ?? 1_000;
    let nextSync = this.now();
    let nextFlush = this.now() + flushEvery;
    while (!this.stopping.signal.aborted) {
      const now = this.now();
      if (now >= nextSync) {
        nextSync = now + syncEvery;
        void this.sync().catch((error: unknown) =>
          this.deps.logger?.warn({ err: error }, 'health: could not look up probes and containers; retrying'),
        );
      }
      if (now >= nextFlush) {
        nextFlush = now + flushEvery;
        this.flush();
      }
      for (const due of this.queue.popDue(now)) this.launch(due.at, due.item, now);
      const wakeAt = Math.min(this.queue.peekAt() ?? Number.POSITIVE_INFINITY, nextSync, nextFlush);
      // One controller per sleep, aborted by a sync or a drain (AbortSignal.any on the long-lived
      // stopping signal would keep a listener per sleep: a leak at a hundred wake-ups a second).
      this.wake = new AbortController();
      if (this.stopping.signal.aborted) break;
      await this.deps.clock.sleep(Math.max(0, wakeAt - this.now()), this.wake.signal).catch(() => undefined);
    }
  }

  private flush(): void {
    try {
      this.deps.recorder.flush();
    } catch (error: unknown) {
      this.deps.logger?.warn({ err: error }, 'health: could not write probe results');
    }
  }

  private launch(dueAt: number, item: { text: string; generation: number }, now: number): void {
    const active = this.active.get(item.text);
    if (!active || active.generation !== item.generation) return;
    const interval = active.entry.definition.intervalMs;
    // Behind schedule (a long pause): the next run is an interval from now, never a burst.
    const next = dueAt + interval > now ? dueAt + interval : now + interval;
    if (active.running || this.inFlight.size >= (this.deps.maxInFlight ?? 512)) {
      this.queue.push(active.running ? next : now + 50, item);
      return;
    }
    this.queue.push(next, item);
    active.running = true;
    const run = this.runOne(active, now - dueAt).finally(() => {
      active.running = false;
      this.inFlight.delete(run);
    });
    this.inFlight.add(run);
  }

  private async runOne(active: Active, lagMs: number): Promise<void> {
    const { entry, container } = active;
    const { definition } = entry;
    const started = this.deps.clock.now();
    // Held when the run starts or when it ends (the recorder looks again): a check that overlapped
    // Berth's own change of the stack is not counted.
    const held = this.deps.recorder.holdOf(entry.key.stack);
    const t0 = performance.now();
    let ok = false;
    let detail: string;
    let output: string | undefined;
    let latencyMs: number | undefined;
    try {
      const volumes = entry.stack.model.volumes ?? {};
      const ctx = contextFor(
        { engine: await this.deps.engine(), now: () => this.now(), exec: this.deps.exec },
        container,
        (name) => (volumes[name] as { name?: string } | undefined)?.name ?? `${entry.key.stack}_${name}`,
        { signal: this.runs.signal, timeoutMs: definition.timeoutMs },
      );
      const outcome = await this.deps.runCheck(definition.check, ctx);
      const verdict = judge(definition, outcome);
      ok = verdict.ok;
      detail = verdict.detail;
      output = verdict.output;
      latencyMs = outcome.latencyMs;
    } catch (error: unknown) {
      detail = error instanceof Error ? error.message : String(error);
    }
    // Forgotten while it ran (its container went: a down, a rollback), or redefined: the result is
    // of a probe that is no more. Recorded, it would bring the probe back for good (nothing forgets
    // it again) and count a failure against a container that is gone as downtime.
    if (this.runs.signal.aborted || this.active.get(active.text) !== active) return;
    // A stopped container is the likeliest reason a probe fails: say so next to the failure.
    if (!ok && container.state !== 'running')
      detail = `${detail} (container ${container.name} is ${container.state})`;
    this.deps.observe?.({ key: entry.key, lagMs, durationMs: performance.now() - t0 });
    try {
      this.deps.recorder.record(
        entry.key,
        {
          ok,
          at: started,
          ...(latencyMs !== undefined ? { latencyMs } : {}),
          detail: entry.mask(detail),
          ...(output !== undefined ? { output: entry.mask(output) } : {}),
        },
        definition,
        held,
      );
    } catch (error: unknown) {
      this.deps.logger?.warn({ err: error, probe: active.text }, 'health: could not record a probe result');
    }
  }

  /** Stops scheduling; runs in flight get `graceMs`, then are aborted; the last results are written. */
  async drain(graceMs: number): Promise<void> {
    this.stopping.abort();
    this.wake.abort();
    await this.loop;
    await this.syncing?.catch(() => undefined);
    const settled = Promise.allSettled([...this.inFlight]);
    const grace = new AbortController();
    await Promise.race([settled, this.deps.clock.sleep(graceMs, grace.signal).catch(() => undefined)]);
    grace.abort();
    this.runs.abort(new Error('berth serve is shutting down'));
    await settled;
    this.flush();
  }
}
