import { existsSync } from 'node:fs';
import { resolve, sep } from 'node:path';
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
import type { Sendable } from '../api/wire.js';
import type { Clock } from '../clock.js';
import { formatDiagnostic } from '../compose/diagnostics.js';
import { resolveWorkspace } from '../compose/load/workspace.js';
import { isPathLike } from '../compose/names.js';
import { type LoadedStack, loadWorkspace } from '../compose/stack.js';
import { composeView } from '../compose/view.js';
import type { XBerthRegistry } from '../compose/xberth/registry.js';
import type { Engine } from '../engine/model.js';
import type { Logger } from '../log/index.js';
import { maskError } from '../secrets/mask.js';
import type { LockOwner } from '../store/index.js';
import {
  type ContainerFilter,
  execInService,
  type LogOptions,
  listContainers,
  stackLogs,
} from './containers.js';
import { deployStack, planDeploy } from './deploy.js';
import { downResult, downStack, planDown } from './down.js';
import { DeployError } from './errors.js';
import type { DeployEvent, DeployListener } from './events.js';
import type { Plan } from './plan.js';
import type { DeployStores } from './ports.js';
import { maskComposeView, maskEvent, maskPlan, stackMasker } from './redact.js';
import { restartStack } from './restart.js';

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

export interface DownRequest {
  readonly volumes?: boolean;
  /** Work out what would be removed, and change nothing. */
  readonly dryRun?: boolean;
  readonly onEvent?: (e: DeployEvent) => void;
}

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
  ps(stack?: string, filter?: ContainerFilter): Promise<ContainerRow[]>;
  logs(stack: string, options: LogOptions): AsyncIterable<LogEntry>;
  restart(
    stack: string,
    options: { service?: string; onEvent?: (e: DeployEvent) => void },
  ): Promise<RestartResult>;
  exec(stack: string, service: string, argv: readonly string[]): Promise<ExecResult>;
  deployments(
    stack: string,
    options: { limit: number; before?: number },
  ): Promise<{ items: DeploymentView[]; nextBefore?: number }>;
}

export interface StackServiceDeps {
  /** Connected on first use, so commands that fail earlier never need the engine. */
  readonly engine: () => Promise<Engine>;
  readonly store: () => DeployStores;
  readonly clock: Clock;
  /** Who holds stack locks while deploying (pid, host, a random token). */
  readonly owner: LockOwner;
  readonly workspace: string;
  /** Variables for compose interpolation. */
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly registry: XBerthRegistry;
  /** Stacks may also be named by a path (a stack folder or compose file): the CLI, not the API. */
  readonly allowPaths: boolean;
  /** Deploy events are logged here too (the `deploy` component). */
  readonly logger?: Pick<Logger, 'info'>;
  /** Backups before a deploy, of the services it replaces (absent: none are taken). */
  readonly preDeploy?: PreDeployBackup;
}

/** Loads stacks from the workspace, drives the engine, keeps state in the store. */
export class StackService implements StackOperations {
  constructor(private readonly deps: StackServiceDeps) {}

  /** Deploy events go to the `deploy` logger too, besides the caller's listener. */
  private logged(stack: string, onEvent?: (e: DeployEvent) => void) {
    const log = this.deps.logger;
    return (e: DeployEvent) => {
      log?.info({ stack, type: e.type, ...(e.service ? { service: e.service } : {}) }, e.message);
      onEvent?.(e);
    };
  }

  private async run() {
    const { clock, owner } = this.deps;
    return { engine: await this.deps.engine(), store: this.deps.store(), clock, owner };
  }

  private pathOf(stack: string): string | undefined {
    if (!this.deps.allowPaths || !isPathLike(stack)) return undefined;
    const asPath = resolve(this.deps.workspace, stack);
    return existsSync(asPath) ? asPath : undefined;
  }

  /** A stack by name in the workspace, or (with allowPaths) by path. */
  async load(stack: string): Promise<LoadedStack> {
    const byPath = this.pathOf(stack);
    const result = await loadWorkspace(byPath ?? this.deps.workspace, {
      env: this.deps.env,
      registry: this.deps.registry,
    });
    const found =
      byPath && result.stacks.length === 1 ? result.stacks[0] : result.stacks.find((s) => s.name === stack);
    const ref =
      byPath && result.workspace?.stacks.length === 1
        ? result.workspace.stacks[0]
        : result.workspace?.stacks.find((s) => s.name === stack);
    if (!found && !ref) {
      const names = result.workspace?.stacks.map((s) => s.name).join(', ') || 'none';
      throw new DeployError(
        'DEPLOY_STACK_NOT_FOUND',
        `no stack ${stack} in ${this.deps.workspace}`,
        `stacks here: ${names}; give a stack name${this.deps.allowPaths ? ', a stack folder, or --workspace' : ''}`,
      );
    }
    // Only this stack's errors stop it: a broken neighbour in the workspace does not.
    const own = (file: string) =>
      ref === undefined ||
      ref.files.includes(file) ||
      file.startsWith(`${ref.dir}${sep}`) ||
      file === ref.dir;
    const errors = result.diagnostics.filter((d) => d.severity === 'error' && own(d.file));
    if (errors.length > 0 || !found) {
      const shown = (errors.length > 0 ? errors : result.diagnostics.filter((d) => d.severity === 'error'))
        .map(formatDiagnostic)
        .join('\n');
      throw new DeployError(
        'DEPLOY_INVALID_STACK',
        `the stack files are invalid:\n${shown}`,
        'run `berth validate` and fix the errors',
      );
    }
    return found;
  }

  /**
   * The stack name for commands that act on what runs (down, ps, logs, exec): a path is read for
   * its project name; a name is taken as is, so a stack whose files are gone can still be removed.
   */
  private async nameOf(stack: string): Promise<string> {
    const asPath = this.pathOf(stack);
    if (asPath === undefined) return stack;
    try {
      return (await this.load(stack)).name;
    } catch {
      // Files that no longer validate (a missing variable…) still name their stack by their folder.
      const found = await resolveWorkspace(asPath);
      const only = found.workspace?.stacks.length === 1 ? found.workspace.stacks[0] : undefined;
      return only?.name ?? stack;
    }
  }

  /** The stack as a compose document; values from `.env`, env files and secrets masked wherever they landed. */
  async config(stack: string): Promise<Record<string, unknown>> {
    const loaded = await this.load(stack);
    return maskComposeView(composeView(loaded), stackMasker(loaded));
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
    const stack = await this.nameOf(target);
    const deps = await this.run();
    if (options.dryRun) return downResult(await planDown(deps.engine, stack, options));
    return downStack(deps, stack, {
      ...(options.volumes ? { volumes: true } : {}),
      ...(options.onEvent ? { onEvent: options.onEvent } : {}),
    });
  }

  async ps(stack?: string, filter: ContainerFilter = {}) {
    return listContainers(
      await this.run(),
      stack === undefined ? undefined : await this.nameOf(stack),
      filter,
    );
  }

  async *logs(stack: string, options: LogOptions) {
    yield* stackLogs(await this.deps.engine(), await this.nameOf(stack), options);
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

  async exec(stack: string, service: string, argv: readonly string[]) {
    return execInService(await this.deps.engine(), await this.nameOf(stack), service, argv);
  }

  /**
   * A stack's deployments. Records are masked when written; they are masked again with the stack's
   * values as they load now, for records written before masking (when the stack loads at all).
   */
  async deployments(stack: string, options: { limit: number; before?: number }) {
    const store = this.deps.store();
    const page = store.deployments.list(stack, options);
    const mask =
      page.items.length === 0
        ? (text: string) => text
        : await this.load(stack).then(stackMasker, () => (text: string) => text);
    return {
      items: page.items.map((d) => ({
        ...d,
        plan: maskPlan(d.plan, mask),
        ...(d.summary !== undefined ? { summary: mask(d.summary) } : {}),
        services: store.deployments.serviceResults(d.id).map((r) => ({
          ...r,
          ...(r.reason !== undefined ? { reason: mask(r.reason) } : {}),
          ...(r.logTail !== undefined ? { logTail: r.logTail.map(mask) } : {}),
          ...(r.healthOutput !== undefined ? { healthOutput: mask(r.healthOutput) } : {}),
        })),
      })),
      ...(page.nextBefore !== undefined ? { nextBefore: page.nextBefore } : {}),
    };
  }
}
