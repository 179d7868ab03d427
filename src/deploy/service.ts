import type {
  ContainerRow,
  DeploymentView,
  DownResult,
  ExecResult,
  LogEntry,
  PlanView,
  RestartResult,
  Trigger,
  UpResult,
} from '../api/deploy.js';
import type { ImagePruneResult } from '../api/images.js';
import type { Sendable } from '../api/wire.js';
import type { Clock } from '../clock.js';
import { oneShotServices } from '../compose/graph.js';
import { everySensitiveValue } from '../compose/sensitive.js';
import type { LoadedStack } from '../compose/stack.js';
import type { Engine } from '../engine/model.js';
import type { Logger } from '../log/index.js';
import { maskError } from '../secrets/mask.js';
import type { LockOwner } from '../store/index.js';
import {
  type ContainerListFilter,
  execInService,
  type LogOptions,
  listContainers,
  stackLogs,
} from './containers.js';
import { deployStack, planDeploy } from './deploy.js';
import { type DownRequest, downTarget } from './down-target.js';
import { serviceNotFound } from './errors.js';
import type { DeployEvent, DeployListener } from './events.js';
import { maskedDeployments } from './history.js';
import { pruneImagesOf } from './image-prune-command.js';
import { withStackLock } from './lock.js';
import type { Plan } from './plan-types.js';
import type { DeployStores } from './ports.js';
import type { RegistryAuthFor } from './pull-images.js';
import { recoverInterrupted } from './recover.js';
import { maskEvent, maskPlan, shownComposeView, stackMasker } from './redact.js';
import { restartStack } from './restart.js';
import { StackSource, type StackSourceOptions } from './stack-source.js';

export interface UpOptions {
  readonly build?: boolean;
  readonly onEvent?: (e: DeployEvent) => void;
  /** Who asked: stored with the deployment. */
  readonly actor?: string;
  readonly trigger?: Trigger;
  /** Aborts the builds and waits of a deploy (the server shutting down). */
  readonly signal?: AbortSignal;
  /** Deploy without backing up first the replaced services that have a backup policy. */
  readonly skipBackup?: boolean;
}

/**
 * Backs up, before a deploy, the services it replaces (the backup capability, wired by the
 * composition root). Returns what it took; throwing stops the deploy.
 */
export type PreDeployBackup = (
  loaded: LoadedStack,
  services: readonly string[],
  context: { readonly signal?: AbortSignal; readonly record: DeployListener },
) => Promise<ReadonlyArray<{ service: string; id: string }>>;

/**
 * Everything Berth does to a stack's containers: what the CLI runs in-process and the API serves.
 * Answers are the API contract's types, so a client over HTTP implements the same interface.
 */
export interface StackOperations {
  plan(stack: string, options?: { build?: boolean }): Promise<Sendable<PlanView>>;
  /** The stack as one compose document (`berth config`). */
  config(stack: string): Promise<Record<string, unknown>>;
  up(stack: string, options: UpOptions): Promise<UpResult>;
  down(stack: string, options: DownRequest): Promise<DownResult>;
  ps(stack?: string, filter?: ContainerListFilter): Promise<ContainerRow[]>;
  logs(stack: string, options: LogOptions): AsyncIterable<LogEntry>;
  restart(
    stack: string,
    options: { service?: string; onEvent?: (e: DeployEvent) => void },
  ): Promise<RestartResult>;
  exec(stack: string, service: string, argv: readonly string[]): Promise<ExecResult>;
  /** Removes the stack's image versions beyond the retention (see image-retention.ts); `dryRun` removes nothing. */
  pruneImages(stack: string, options: { keep?: number; dryRun: boolean }): Promise<ImagePruneResult>;
  deployments(
    stack: string,
    options: { limit: number; before?: number },
  ): Promise<{ items: DeploymentView[]; nextBefore?: number }>;
}

/** Where a service name is looked up: see ServedStacks#requireService. */
export type ServiceSource = 'files' | 'files-or-engine';

/** The stack operations the API serves, and the check its routes make before they start anything. */
export interface ServedStacks extends StackOperations {
  /**
   * Refuses, before anything runs, a service name the stack does not have (DEPLOY_SERVICE_NOT_FOUND,
   * naming the services it has). `files`: the service must be in the stack's compose files (restart
   * works from them). `files-or-engine`: a service that still has containers counts too (logs and exec
   * of a service that left the files, or of a stack whose files are gone).
   */
  requireService(stack: string, service: string, where: ServiceSource): Promise<void>;
}

export interface StackServiceDeps extends StackSourceOptions {
  /** Connected on first use, so commands that fail earlier never need the engine. */
  readonly engine: () => Promise<Engine>;
  readonly store: () => DeployStores;
  readonly clock: Clock;
  /** Who holds stack locks while deploying (pid, host, a random token). */
  readonly owner: LockOwner;
  /**
   * Deploy events are logged here too (the `deploy` component), at info; at debug, each step, gate
   * and rollback of a deploy's execution (step-log.ts).
   */
  readonly logger?: Pick<Logger, 'info' | 'debug'>;
  /** Backups before a deploy, of the services it replaces (absent: none are taken). */
  readonly preDeploy?: PreDeployBackup;
  /** Credentials for the registries images are pulled from (absent: anonymous pulls). */
  readonly registryAuth?: RegistryAuthFor;
}

/** Loads stacks from the workspace, drives the engine, keeps state in the store. */
export class StackService implements ServedStacks {
  private readonly source: StackSource;

  constructor(private readonly deps: StackServiceDeps) {
    this.source = new StackSource(deps);
  }

  /**
   * Deploy events go to the `deploy` logger too, besides the caller's listener; `output` events
   * (what a build printed) do not: like logs, they are for the stack's operators, on the event stream.
   */
  private logged(stack: string, onEvent?: (e: DeployEvent) => void) {
    const log = this.deps.logger;
    return (e: DeployEvent) => {
      if (e.type !== 'output')
        log?.info({ stack, type: e.type, ...(e.service ? { service: e.service } : {}) }, e.message);
      onEvent?.(e);
    };
  }

  private async run() {
    const { clock, owner, registryAuth } = this.deps;
    const engine = await this.deps.engine();
    return {
      engine,
      store: this.deps.store(),
      clock,
      owner,
      ...(registryAuth ? { registryAuth } : {}),
      ...(this.deps.logger ? { log: this.deps.logger } : {}),
      imagesNamedElsewhere: (stack: string) => this.source.imagesNamedElsewhere(stack),
    };
  }

  /** A stack by name in the workspace, or (with allowPaths) by path. */
  load(stack: string): Promise<LoadedStack> {
    return this.source.load(stack);
  }

  /** The stack name for commands that act on what runs (a path given to the CLI: its stack's name). */
  nameOf(stack: string): Promise<string> {
    return this.source.nameOf(stack);
  }

  /** The stack as a compose document; values from `.env`, env files and secrets masked wherever they landed. */
  async config(stack: string): Promise<Record<string, unknown>> {
    const loaded = await this.load(stack);
    return shownComposeView(loaded);
  }

  /** What `up` would do; the stack's secret values masked in every field (labels, command, healthcheck…). */
  async plan(stack: string, options: { build?: boolean } = {}) {
    const loaded = await this.load(stack);
    const mask = stackMasker(loaded);
    try {
      return maskPlan((await planDeploy(await this.run(), loaded, options)).plan, mask);
    } catch (error: unknown) {
      throw maskError(error, mask);
    }
  }

  /** The deploy's `beforeApply`: the services whose containers the plan replaces go to the backup hook. */
  private beforeApply(loaded: LoadedStack, preDeploy: PreDeployBackup, signal: AbortSignal | undefined) {
    return async (plan: Plan, record: DeployListener) => {
      const replaced = plan.services
        .filter((s) => s.steps.some((step) => step.kind === 'recreate'))
        .map((s) => s.service);
      if (replaced.length === 0) return [];
      return preDeploy(loaded, replaced, { record, ...(signal ? { signal } : {}) });
    };
  }

  async up(stack: string, options: UpOptions): Promise<UpResult> {
    const loaded = await this.load(stack);
    // The applied plan stays here: it holds the stack's secrets, and the deployment record keeps it.
    const { plan: _applied, ...result } = await deployStack(
      { ...(await this.run()), ...(options.signal ? { signal: options.signal } : {}) },
      loaded,
      {
        trigger: options.trigger ?? 'cli',
        ...(options.actor ? { actor: options.actor } : {}),
        ...(options.build ? { build: true } : {}),
        onEvent: this.logged(loaded.name, options.onEvent),
        ...(this.deps.preDeploy && !options.skipBackup
          ? { beforeApply: this.beforeApply(loaded, this.deps.preDeploy, options.signal) }
          : {}),
      },
    );
    return result;
  }

  async down(target: string, options: DownRequest): Promise<DownResult> {
    return downTarget(() => this.run(), this, target, options);
  }

  async ps(stack?: string, filter: ContainerListFilter = {}): Promise<ContainerRow[]> {
    const rows = await listContainers(
      await this.run(),
      stack === undefined ? undefined : await this.nameOf(stack),
      filter,
    );
    return this.markOneShots(rows);
  }

  /**
   * Says of each exited container whether its service is a one-shot (`oneShotServices`, the rule
   * the health monitor uses), so a completed migration is not read as stopped. Only the stacks with
   * an exited container are loaded; a stack whose files do not load leaves `oneShot` absent.
   */
  private async markOneShots(rows: ContainerRow[]): Promise<ContainerRow[]> {
    const stacks = new Set(rows.filter((r) => r.state === 'exited').map((r) => r.stack));
    if (stacks.size === 0) return rows;
    const oneShots = new Map<string, ReadonlySet<string>>();
    for (const name of stacks) {
      const loaded = await this.load(name).catch(() => undefined);
      if (loaded) oneShots.set(name, oneShotServices(loaded.model.services ?? {}));
    }
    return rows.map((r) => {
      const services = r.state === 'exited' ? oneShots.get(r.stack) : undefined;
      return services ? { ...r, oneShot: services.has(r.service) } : r;
    });
  }

  /**
   * The stack's container logs, masked as everywhere Berth shows text: the values its files hold
   * (`.env`, env files, secrets, secret-looking variables) and its containers' secret-looking
   * variables. Files that do not load (gone, or being edited) leave only the containers' to mask with.
   */
  async *logs(stack: string, options: LogOptions) {
    const loaded = await this.load(stack).catch(() => undefined);
    const name = loaded?.name ?? (await this.nameOf(stack));
    yield* stackLogs(
      await this.deps.engine(),
      name,
      options,
      loaded ? everySensitiveValue(loaded.sensitive) : [],
    );
  }

  /**
   * Puts back what an interrupted deploy of `stack` left (its unverified containers go, its parked last
   * good ones get their names back), as the next `up` or `restart` would: `berth serve` calls it at
   * start for the deploys a previous process left running. DEPLOY_LOCKED when another process holds
   * the stack; DEPLOY_RECOVERY_FAILED when a container cannot be put back.
   */
  async recover(stack: string, onEvent?: (e: DeployEvent) => void): Promise<void> {
    const deps = await this.run();
    await withStackLock(deps, stack, async () => {
      deps.store.deployments.markInterrupted(stack, 'the process running it stopped before it finished');
      await recoverInterrupted(deps, stack, onEvent ?? (() => undefined), {
        interruptedOnly: true,
        verb: 'recovered',
      });
    });
  }

  async restart(stack: string, options: { service?: string; onEvent?: (e: DeployEvent) => void }) {
    const loaded = await this.load(stack);
    const mask = stackMasker(loaded);
    const onEvent = options.onEvent;
    try {
      const deps = await this.run();
      const { desired } = await planDeploy(deps, loaded);
      return await restartStack(
        deps,
        loaded,
        desired,
        options.service,
        onEvent ? (e) => onEvent(maskEvent(e, mask)) : undefined,
      );
    } catch (error: unknown) {
      throw maskError(error, mask);
    }
  }

  async requireService(stack: string, service: string, where: ServiceSource): Promise<void> {
    const loaded = await this.load(stack).catch((error: unknown) => {
      // Files that do not load: restart cannot run at all (say why); what runs may still be read.
      if (where === 'files') throw error;
      return undefined;
    });
    const inFiles = Object.keys(loaded?.model.services ?? {});
    if (inFiles.includes(service)) return;
    const name = loaded?.name ?? (await this.nameOf(stack));
    const onEngine = where === 'files' ? [] : (await this.ps(name, { oneOff: true })).map((c) => c.service);
    if (onEngine.includes(service)) return;
    throw serviceNotFound(name, service, [...new Set([...inFiles, ...onEngine])].sort());
  }

  async pruneImages(stack: string, options: { keep?: number; dryRun: boolean }) {
    const loaded = await this.load(stack);
    return pruneImagesOf(await this.run(), loaded, options);
  }

  async exec(stack: string, service: string, argv: readonly string[]) {
    return execInService(await this.deps.engine(), await this.nameOf(stack), service, argv);
  }

  /**
   * A stack's deployments. Records are masked when written; they are masked again with the stack's
   * values as they load now, for records written before masking (when the stack loads at all).
   */
  async deployments(stack: string, options: { limit: number; before?: number }) {
    const identity = (text: string) => text;
    return maskedDeployments(this.deps.store().deployments, stack, options, () =>
      this.load(stack).then(stackMasker, () => identity),
    );
  }
}
