import { randomBytes } from 'node:crypto';
import { Readable } from 'node:stream';
import type { BackupTrigger, Manifest } from '../api/backups.js';
import type { Clock } from '../clock.js';
import type { LoadedStack } from '../compose/stack.js';
import type { BackupSettings } from '../config/backup-settings.js';
import { desiredState } from '../deploy/desired.js';
import type { Engine } from '../engine/model.js';
import type { EventPublisher } from '../events/hub.js';
import { valueMasker } from '../secrets/mask.js';
import type { BackupRecord, Store } from '../store/index.js';
import { readIdentities, writeArtifact } from './artifact.js';
import { type BackupEntry, backupEntries } from './catalog.js';
import { drill } from './drill.js';
import { BackupError } from './errors.js';
import { describeFacts } from './facts.js';
import { startDump } from './kinds/index.js';
import { removeLeftovers } from './leftovers.js';
import { type RetentionDecision, retention } from './retention.js';
import { dirStore } from './stores/dir.js';
import type { ArtifactStore } from './stores/types.js';
import type { BackupKind } from './xberth.js';

export interface BackupServiceDeps {
  readonly engine: () => Promise<Engine>;
  readonly store: () => Pick<Store, 'backups'>;
  readonly clock: Clock;
  readonly events: () => EventPublisher;
  readonly stacks: () => Promise<readonly LoadedStack[]>;
  /** Stores and keys from the config file; undefined: backups are not configured (may throw a located problem). */
  readonly settings: () => BackupSettings | undefined;
  readonly logger?: { warn(obj: object, msg?: string): void; error(obj: object, msg?: string): void };
}

export interface BackupRequest {
  readonly trigger: BackupTrigger;
  readonly signal?: AbortSignal;
  /** Steps and bytes as they happen (a manual run shows them live). */
  readonly onProgress?: (message: string, data?: Record<string, number | string>) => void;
  /** Drill after the backup even when the policy drills on a schedule (default: as the policy says). */
  readonly drill?: boolean;
}

const message = (error: unknown) => (error instanceof Error ? error.message : String(error));

/** `20261204T181502Z-3fa9`: sorts by time, unique per service. */
const newId = (now: Date) =>
  `${now.toISOString().replace(/[-:]/g, '').replace(/\.\d+/, '')}-${randomBytes(2).toString('hex')}`;

/**
 * Backups: takes them (dump → gzip → age → store, atomic, with a manifest of content facts), drills
 * them (restores into scratch containers and compares), lists them, and prunes by retention.
 */
export class BackupService {
  private readonly busy = new Set<string>();
  private stores: Map<string, ArtifactStore> | undefined;
  private readonly listeners = new Set<(backup: BackupRecord) => void>();
  /** The cleanup after a previous process; backups and drills wait for it. */
  private recovering: Promise<void> = Promise.resolve();

  constructor(private readonly deps: BackupServiceDeps) {}

  /** Told about every backup or drill that ended (metrics). */
  onFinished(listener: (backup: BackupRecord) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private finished(record: BackupRecord): BackupRecord {
    for (const listener of this.listeners) {
      try {
        listener(record);
      } catch (error: unknown) {
        this.deps.logger?.warn({ err: error }, 'a backup listener failed');
      }
    }
    return record;
  }

  /** Every service with a backup policy in the workspace now. */
  async entries(stack?: string): Promise<BackupEntry[]> {
    const all = backupEntries(await this.deps.stacks());
    return stack === undefined ? all : all.filter((e) => e.stack === stack);
  }

  async find(stack: string, service: string): Promise<BackupEntry> {
    const found = (await this.entries(stack)).find((e) => e.service === service);
    if (!found) {
      throw new BackupError(
        'BACKUP_NO_POLICY',
        `${stack}/${service} has no backup policy`,
        'add `x-berth: { backup: { kind: … } }` to the service; `berth backup list STACK` shows the services that have one',
      );
    }
    return found;
  }

  private settings(): BackupSettings {
    const settings = this.deps.settings();
    if (!settings) {
      throw new BackupError(
        'BACKUP_NOT_CONFIGURED',
        'backups are not configured on this server',
        'add a `backup:` section (stores, recipients, identity) to the config file; see "Backups" in the README',
      );
    }
    return settings;
  }

  /** The store a policy names, else the default one, else the only one. */
  storeFor(name: string | undefined): ArtifactStore {
    const settings = this.settings();
    this.stores ??= new Map(Object.entries(settings.stores).map(([n, s]) => [n, dirStore(n, s.path)]));
    const names = [...this.stores.keys()];
    const chosen = name ?? settings.defaultStore ?? (names.length === 1 ? names[0] : undefined);
    const store = chosen === undefined ? undefined : this.stores.get(chosen);
    if (!store) {
      throw new BackupError(
        'BACKUP_NOT_CONFIGURED',
        chosen === undefined
          ? 'the policy names no store and the server has several'
          : `no store named ${chosen}`,
        `stores of this server: ${names.join(', ')}; set \`store:\` in the policy or \`defaultStore\` in the config file`,
      );
    }
    return store;
  }

  private publish(
    record: Pick<BackupRecord, 'stack' | 'service' | 'id'>,
    type: string,
    text: string,
    data: Record<string, unknown> = {},
  ) {
    try {
      this.deps.events().publish({
        kind: 'backup',
        type,
        stack: record.stack,
        service: record.service,
        message: text,
        data: { backup: record.id, ...data } as never,
      });
    } catch (error: unknown) {
      this.deps.logger?.warn({ err: error }, 'a backup event could not be stored');
    }
  }

  /** Refuses, before anything starts, a backup that cannot run: no settings, no kind, no store, one running. */
  check(entry: BackupEntry): { kind: BackupKind; store: ArtifactStore; settings: BackupSettings } {
    const settings = this.settings();
    const { kind } = entry;
    if (!kind) {
      throw new BackupError(
        'BACKUP_KIND_UNKNOWN',
        `the image of ${entry.stack}/${entry.service} does not say what it holds`,
        'set `kind:` (mariadb, mysql, postgres, sqlite, redis or volume) in the backup policy',
      );
    }
    const store = this.storeFor(entry.policy.store);
    const key = `${entry.stack}/${entry.service}`;
    if (this.busy.has(key)) {
      throw new BackupError(
        'BACKUP_RUNNING',
        `a backup of ${key} is running`,
        'wait for it to finish: `berth backup list` shows it',
      );
    }
    return { kind, store, settings };
  }

  /** Refuses a drill that cannot run: an unknown or incomplete backup, no identity, one in use. */
  checkDrill(stack: string, id: string): BackupRecord & { artifact: string; manifest: Manifest } {
    const settings = this.settings();
    const record = this.get(stack, id);
    const { artifact, manifest } = record;
    if (record.status !== 'completed' || !manifest || !artifact) {
      throw new BackupError(
        'BACKUP_NOT_FOUND',
        `backup ${id} is ${record.status}: only a completed backup can be drilled`,
        '`berth backup list` shows the completed ones',
      );
    }
    if (!settings.identityFile) {
      throw new BackupError(
        'BACKUP_NOT_CONFIGURED',
        'drills need the age identity to decrypt',
        'set `backup.identity` in the config file to the key file (kept outside every store)',
      );
    }
    if (record.inUse) {
      throw new BackupError(
        'BACKUP_RUNNING',
        `backup ${id} is in use by a ${record.inUse}`,
        'wait for it to finish',
      );
    }
    return { ...record, artifact, manifest };
  }

  /** Takes a backup of one service now, then drills it when the policy says after-each. */
  async run(entry: BackupEntry, req: BackupRequest): Promise<BackupRecord> {
    const { kind, store, settings } = this.check(entry);
    const key = `${entry.stack}/${entry.service}`;
    this.busy.add(key);
    try {
      await this.recovering.catch(() => undefined);
      return await this.take(entry, kind, store, settings, req);
    } finally {
      this.busy.delete(key);
    }
  }

  private async take(
    entry: BackupEntry,
    kind: NonNullable<BackupEntry['kind']>,
    store: ArtifactStore,
    settings: BackupSettings,
    req: BackupRequest,
  ): Promise<BackupRecord> {
    const { clock } = this.deps;
    const started = clock.now();
    const id = newId(started);
    const db = this.deps.store().backups;
    const record = db.begin({
      id,
      stack: entry.stack,
      service: entry.service,
      kind,
      store: store.name,
      trigger: req.trigger,
    });
    this.publish(record, 'started', `backup of ${entry.stack}/${entry.service} started (${req.trigger})`, {
      trigger: req.trigger,
    });
    const mask = valueMasker([
      ...entry.loaded.sensitive.project,
      ...(entry.loaded.sensitive.services[entry.service] ?? []),
    ]);
    const signal = req.signal ?? new AbortController().signal;
    const base = `${entry.stack}/${entry.service}/${id}`;
    let artifact: string | undefined;
    try {
      const engine = await this.deps.engine();
      const { dump, container } = await startDump({
        engine,
        stack: entry.stack,
        service: entry.service,
        policy: entry.policy,
        kind,
        id,
        signal,
      });
      try {
        artifact = `${base}.${dump.extension}${dump.compressed ? '' : '.gz'}.age`;
        req.onProgress?.(`dumping with ${dump.tool}`);
        const written = await writeArtifact({
          dump,
          recipients: settings.recipients,
          store,
          key: artifact,
          signal,
          onBytes: this.byteProgress(started, req.onProgress),
        });
        const facts = await dump.finish();
        const finished = clock.now();
        const manifest: Manifest = {
          format: 1,
          id,
          stack: entry.stack,
          service: entry.service,
          kind,
          tool: dump.tool,
          ...(dump.server ? { server: dump.server } : {}),
          image: container.image,
          imageId: container.imageId,
          ...(dump.sourcePath ? { sourcePath: dump.sourcePath } : {}),
          ...(dump.volumes ? { volumes: [...dump.volumes] } : {}),
          startedAt: started.toISOString(),
          finishedAt: finished.toISOString(),
          artifact: {
            file: artifact.split('/').pop() ?? artifact,
            compression: written.compression,
            encryption: 'age',
            recipients: [...settings.recipients],
            size: written.size,
            sha256: written.sha256,
            plainSize: written.plainSize,
          },
          facts,
          timings: { totalMs: finished.getTime() - started.getTime() },
        };
        // The manifest goes last: an artifact without one is not a backup.
        await store.write(
          `${base}.manifest.json`,
          Readable.from([`${JSON.stringify(manifest, null, 2)}\n`]),
          signal,
        );
        const done = db.complete(id, { artifact, manifest });
        this.publish(
          done,
          'completed',
          `backup ${id} of ${entry.stack}/${entry.service}: ${describeFacts(facts)}, ${written.size} bytes stored`,
          { size: written.size },
        );
        const drillNow = req.drill ?? entry.policy.drill === 'after-each';
        const drilled =
          drillNow && req.trigger !== 'safety'
            ? await this.drill(entry.stack, id, {
                signal,
                ...(req.onProgress ? { onProgress: req.onProgress } : {}),
              })
            : done;
        await this.prune(entry.stack, { service: entry.service, dryRun: false }).catch((error: unknown) =>
          this.deps.logger?.warn({ err: error, backup: id }, 'pruning after a backup failed'),
        );
        return drilled;
      } finally {
        await dump.close?.();
      }
    } catch (error: unknown) {
      if (artifact) await store.remove(artifact).catch(() => undefined);
      await store.remove(`${base}.manifest.json`).catch(() => undefined);
      const reason = mask(message(error));
      const failed = db.fail(id, reason);
      this.publish(failed, 'failed', `backup of ${entry.stack}/${entry.service} failed: ${reason}`);
      if (error instanceof BackupError) throw new BackupError(error.code, mask(error.message), error.hint);
      throw new BackupError(
        'BACKUP_DUMP_FAILED',
        reason,
        'nothing was kept; the previous backups are intact',
      );
    }
  }

  /** Reports bytes and rate at most once a second (a live progress line, not a flood of events). */
  private byteProgress(started: Date, onProgress: BackupRequest['onProgress']) {
    if (!onProgress) return undefined;
    let last = started.getTime();
    return (bytes: number) => {
      const now = this.deps.clock.now().getTime();
      if (now - last < 1_000) return;
      last = now;
      const rate = bytes / Math.max((now - started.getTime()) / 1000, 0.001);
      const mb = (n: number) => (n / 1_048_576).toFixed(1);
      onProgress(`${mb(bytes)} MiB dumped, ${mb(rate)} MiB/s`, { bytes, rate: Math.round(rate) });
    };
  }

  /** Restores a backup into scratch containers and compares what comes back with its manifest. */
  async drill(
    stack: string,
    id: string,
    req: Pick<BackupRequest, 'signal' | 'onProgress'> = {},
  ): Promise<BackupRecord> {
    const record = this.checkDrill(stack, id);
    const db = this.deps.store().backups;
    await this.recovering.catch(() => undefined);
    const identities = await readIdentities(this.settings().identityFile ?? '');
    const loaded = (await this.deps.stacks()).find((s) => s.name === stack);
    const spec = loaded
      ? desiredState(loaded, { imageIds: new Map(), installCompleted: () => true }).services[record.service]
          ?.replicas[0]?.spec
      : undefined;
    const started = this.deps.clock.now();
    db.use(id, 'drill');
    db.drillStarted(id);
    this.publish(record, 'drill-started', `drill of backup ${id} started`);
    try {
      const result = await drill({
        engine: await this.deps.engine(),
        store: this.storeFor(record.store),
        identities,
        backup: { id, artifact: record.artifact ?? '', manifest: record.manifest as Manifest },
        spec,
        drillId: randomBytes(4).toString('hex'),
        signal: req.signal ?? new AbortController().signal,
        ...(req.onProgress ? { progress: (step: string) => req.onProgress?.(step) } : {}),
      });
      const durationMs = this.deps.clock.now().getTime() - started.getTime();
      const done = db.drillFinished(id, {
        passed: result.passed,
        durationMs,
        ...(result.reason ? { reason: result.reason } : {}),
      });
      if (result.passed)
        this.publish(done, 'drill-passed', `drill of backup ${id} passed: ${result.checks.join(', ')}`);
      else this.publish(done, 'drill-failed', `drill of backup ${id} failed: ${result.reason ?? 'unknown'}`);
      return this.finished(done);
    } catch (error: unknown) {
      const durationMs = this.deps.clock.now().getTime() - started.getTime();
      const done = db.drillFinished(id, { passed: false, durationMs, reason: message(error) });
      this.publish(done, 'drill-failed', `drill of backup ${id} failed: ${message(error)}`);
      return this.finished(done);
    } finally {
      db.use(id, undefined);
    }
  }

  get(stack: string, id: string): BackupRecord {
    const record = this.deps.store().backups.get(id);
    if (!record || record.stack !== stack) {
      throw new BackupError(
        'BACKUP_NOT_FOUND',
        `no backup ${id} of stack ${stack}`,
        '`berth backup list STACK` lists them',
      );
    }
    return record;
  }

  list(stack: string, filter: { service?: string; limit?: number } = {}): BackupRecord[] {
    return this.deps.store().backups.list({ stack, ...filter });
  }

  /**
   * Applies each service's retention to its completed backups: what goes, and why each one stays.
   * A service whose policy is gone keeps everything (removing a policy never deletes data).
   */
  async prune(
    stack: string,
    options: { service?: string; dryRun: boolean },
  ): Promise<Array<RetentionDecision & { service: string; store: string }>> {
    const entries = await this.entries(stack);
    const completed = this.list(stack, {
      ...(options.service ? { service: options.service } : {}),
      limit: 100_000,
    }).filter((b) => b.status === 'completed');
    const byService = new Map<string, BackupRecord[]>();
    for (const b of completed) byService.set(b.service, [...(byService.get(b.service) ?? []), b]);
    const decisions: Array<RetentionDecision & { service: string; store: string }> = [];
    for (const [service, backups] of byService) {
      const policy = entries.find((e) => e.service === service)?.policy;
      const decided = policy
        ? retention(
            backups.map((b) => ({
              id: b.id,
              startedAt: b.startedAt,
              drill: b.drill.status,
              inUse: b.inUse !== undefined,
            })),
            policy.retain,
          )
        : backups.map((b) => ({
            id: b.id,
            keep: true,
            reasons: ['the service has no backup policy now: kept'],
          }));
      for (const d of decided) {
        const record = backups.find((b) => b.id === d.id);
        if (!record) continue;
        decisions.push({ ...d, service, store: record.store });
        if (d.keep || options.dryRun) continue;
        await this.remove(record);
      }
    }
    return decisions;
  }

  private async remove(record: BackupRecord): Promise<void> {
    const store = this.storeFor(record.store);
    const db = this.deps.store().backups;
    const current = db.get(record.id);
    if (!current || current.inUse) return;
    if (record.artifact) await store.remove(record.artifact);
    await store.remove(`${record.stack}/${record.service}/${record.id}.manifest.json`);
    db.remove(record.id);
    this.publish(record, 'pruned', `backup ${record.id} pruned by retention`);
  }

  /** At start: backups and drills a stopped Berth left running failed, their files and scratch objects go. */
  recover(): Promise<void> {
    this.recovering = this.cleanUp();
    return this.recovering;
  }

  private async cleanUp(): Promise<void> {
    const interrupted = this.deps.store().backups.interruptRunning('Berth stopped during the backup');
    const settings = this.deps.settings();
    if (settings) {
      for (const record of interrupted.filter((r) => r.status === 'failed' && !r.manifest)) {
        const store = this.storeFor(record.store);
        for (const key of await store.list(`${record.stack}/${record.service}`)) {
          if (key.split('/').pop()?.startsWith(`${record.id}.`)) await store.remove(key);
        }
      }
      for (const name of Object.keys(settings.stores)) await this.storeFor(name).cleanPartials();
    }
    const removed = await removeLeftovers(await this.deps.engine());
    if (interrupted.length > 0 || removed > 0) {
      this.deps.logger?.warn(
        { backups: interrupted.map((r) => r.id), scratch: removed },
        'backups of a previous process recorded as failed; their leftovers removed',
      );
    }
  }
}
