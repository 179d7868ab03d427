import type { BackupTrigger, Manifest, RestoreResult } from '../api/backups.js';
import type { BackupSettings } from '../config/backup-settings.js';
import type { BackupRecord } from '../store/index.js';
import { type BackupEntry, backupEntries } from './catalog.js';
import { drillBackup } from './drill-run.js';
import { BackupError } from './errors.js';
import { type PruneDecision, planPrune } from './prune-plan.js';
import { type RecoveryPorts, recoverAll, settleStale } from './recovery.js';
import type { RestoreRequest } from './restorer.js';
import { checkBackup, checkDrillable, checkStackFree, noPolicy } from './service-checks.js';
import type { BackupRequest, BackupServiceDeps } from './service-types.js';
import { StoreRegistry } from './stores/registry.js';
import type { ArtifactStore } from './stores/types.js';
import type { BackupKind } from './xberth.js';

const message = (error: unknown) => (error instanceof Error ? error.message : String(error));

/**
 * Backups: takes them (dump → gzip → age → store, atomic, with a manifest of content facts), drills
 * them (restores into scratch containers and compares), lists them, and prunes by retention.
 */
export class BackupService {
  private readonly busy = new Set<string>();
  private stores: StoreRegistry | undefined;
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
    if (found) return found;
    const loaded = (await this.deps.stacks()).find((s) => s.name === stack);
    throw noPolicy(stack, service, loaded && Object.keys(loaded.model.services ?? {}));
  }

  /** Whether this server has backup settings (stores and recipients). */
  configured(): boolean {
    return this.deps.settings() !== undefined;
  }

  /** The private keys that open the artifacts (the identity file, kept outside every store). */
  async identities(): Promise<string[]> {
    const file = this.settings().identityFile;
    if (!file) {
      throw new BackupError(
        'BACKUP_NOT_CONFIGURED',
        'no age identity to decrypt with',
        'set `backup.identity` in the config file to the key file (kept outside every store)',
      );
    }
    const { readIdentities } = await import('./artifact.js');
    return readIdentities(file);
  }

  /** Marks a backup as read by a drill or restore (pruning leaves it alone), or unmarks it. */
  use(id: string, what: 'drill' | 'restore' | undefined): void {
    this.deps.store().backups.use(id, what);
  }

  /** Waits for the cleanup after a previous process (a restore must not race it). */
  async ready(): Promise<void> {
    await this.recovering.catch(() => undefined);
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
    this.stores ??= new StoreRegistry(this.settings());
    return this.stores.get(name);
  }

  publish(
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

  /**
   * Refuses, before anything starts, a backup that cannot run: no settings, no kind, no store, one
   * running, or (manual and scheduled ones) a stack whose lock a live process holds. Without a
   * trigger (a restore's check of its safety backup, under its own lock) the lock is not looked at.
   */
  check(
    entry: BackupEntry,
    trigger?: BackupTrigger,
  ): { kind: BackupKind; store: ArtifactStore; settings: BackupSettings } {
    const checked = checkBackup(entry, this.settings(), (name) => this.storeFor(name), this.busy);
    if (trigger !== undefined)
      checkStackFree(entry, trigger, this.deps.store().locks.liveHolder(entry.stack));
    return checked;
  }

  /** Refuses a drill (or restore) that cannot run: an unknown or incomplete backup, no identity, one in use. */
  checkDrill(
    stack: string,
    id: string,
    what: 'drill' | 'restore' = 'drill',
  ): BackupRecord & { artifact: string; manifest: Manifest } {
    return checkDrillable(this.settings(), this.get(stack, id), id, what);
  }

  /** Takes a backup of one service now, then drills it when the policy says after-each. */
  async run(entry: BackupEntry, req: BackupRequest): Promise<BackupRecord> {
    const { kind, store, settings } = this.check(entry, req.trigger);
    const key = `${entry.stack}/${entry.service}`;
    this.busy.add(key);
    let taken: BackupRecord;
    try {
      await this.recovering.catch(() => undefined);
      const { takeBackup } = await import('./take.js');
      taken = await takeBackup(
        {
          engine: this.deps.engine,
          backups: this.deps.store().backups,
          clock: this.deps.clock,
          publish: (record, type, text, data) => this.publish(record, type, text, data),
        },
        { entry, kind, store, recipients: settings.recipients, request: req },
      );
    } finally {
      this.busy.delete(key);
    }
    // The backup is complete and kept whatever happens next: a drill that cannot run leaves it undrilled.
    const drillNow = (req.drill ?? entry.policy.drill === 'after-each') && req.trigger !== 'safety';
    let result = taken;
    if (drillNow) {
      result = await this.drill(entry.stack, taken.id, {
        ...(req.signal ? { signal: req.signal } : {}),
        ...(req.onProgress ? { onProgress: req.onProgress } : {}),
      }).catch((error: unknown) => {
        this.deps.logger?.warn({ err: error, backup: taken.id }, 'the backup could not be drilled');
        req.onProgress?.(`not drilled: ${message(error)}`);
        return taken;
      });
    }
    if (req.trigger !== 'safety') {
      await this.prune(entry.stack, { service: entry.service, dryRun: false }).catch((error: unknown) =>
        this.deps.logger?.warn({ err: error, backup: taken.id }, 'pruning after a backup failed'),
      );
    }
    return result;
  }

  /** Restores a backup into scratch containers and compares what comes back with its manifest. */
  async drill(
    stack: string,
    id: string,
    req: Pick<BackupRequest, 'signal' | 'onProgress'> = {},
  ): Promise<BackupRecord> {
    const record = this.checkDrill(stack, id);
    return drillBackup(
      {
        engine: () => this.deps.engine(),
        backups: this.deps.store().backups,
        clock: this.deps.clock,
        stacks: () => this.deps.stacks(),
        recovering: this.recovering,
        identities: () => this.identities(),
        storeFor: (name) => this.storeFor(name),
        publish: (r, type, text, data) => this.publish(r, type, text, data),
        finished: (r) => this.finished(r),
      },
      { stack, id, record },
      req,
    );
  }

  /** Restores a backup into its service (or another of the same kind): see restorer.ts. */
  async restore(req: RestoreRequest): Promise<RestoreResult> {
    const { restoreBackup } = await import('./restorer.js');
    return restoreBackup(this, { ...this.deps, lock: this.deps.lock ?? ((_stack, action) => action()) }, req);
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
  async prune(stack: string, options: { service?: string; dryRun: boolean }): Promise<PruneDecision[]> {
    const completed = this.list(stack, {
      ...(options.service ? { service: options.service } : {}),
      limit: 100_000,
    }).filter((b) => b.status === 'completed');
    const decisions = planPrune(await this.entries(stack), completed, this.deps.clock.now());
    if (!options.dryRun) {
      for (const d of decisions) {
        const record = completed.find((b) => b.id === d.id);
        if (record && !d.keep) await this.remove(record);
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
    if (record.manifest?.config)
      await store.remove(`${record.stack}/${record.service}/${record.manifest.config.file}`);
    await store.remove(`${record.stack}/${record.service}/${record.id}.manifest.json`);
    db.remove(record.id);
    this.publish(record, 'pruned', `backup ${record.id} pruned by retention`);
  }

  /** At start: backups and drills a stopped Berth left running failed, their files and scratch objects go. */
  recover(): Promise<void> {
    this.recovering = recoverAll(this.recoveryPorts());
    return this.recovering;
  }

  /** What processes that are gone left running is settled; a live process's work is left be. */
  settleStale(): Promise<BackupRecord[]> {
    return settleStale(this.recoveryPorts());
  }

  private recoveryPorts(): RecoveryPorts {
    return {
      store: this.deps.store,
      settings: this.deps.settings,
      storeFor: (name) => this.storeFor(name),
      engine: this.deps.engine,
      ...(this.deps.logger ? { logger: this.deps.logger } : {}),
    };
  }
}
