import { existsSync } from 'node:fs';
import { resolve, sep } from 'node:path';
import type { Clock } from '../clock.js';
import { formatDiagnostic } from '../compose/diagnostics.js';
import { resolveWorkspace } from '../compose/load/workspace.js';
import { type LoadedStack, loadWorkspace } from '../compose/stack.js';
import { composeView } from '../compose/view.js';
import type { XBerthRegistry } from '../compose/xberth/registry.js';
import type { Engine, ExecResult } from '../engine/index.js';
import type { Logger } from '../log/index.js';
import type { Deployment, LockOwner, ServiceResult, Store } from '../store/index.js';
import { deployStack, planDeploy } from './deploy.js';
import { DeployError } from './errors.js';
import type { DeployEvent, ServiceFailure } from './events.js';
import {
  type ContainerRow,
  downStack,
  execInService,
  listContainers,
  restartStack,
  stackLogs,
} from './operations.js';
import type { Plan } from './plan.js';

export interface UpResult {
  readonly stack: string;
  readonly deploymentId?: number;
  readonly outcome: 'unchanged' | 'succeeded' | 'failed' | 'rolled-back';
  readonly failure?: ServiceFailure;
  readonly rollbackProblem?: string;
  readonly changedServices: string[];
}

export interface DownResult {
  readonly containers: string[];
  readonly networks: string[];
  readonly volumes: string[];
}

export interface LogEntry {
  readonly container: string;
  readonly service: string;
  readonly stream: 'stdout' | 'stderr';
  readonly line: string;
}

export interface DeploymentView extends Deployment {
  readonly services: ServiceResult[];
}

export interface UpOptions {
  readonly build?: boolean;
  readonly onEvent?: (e: DeployEvent) => void;
  /** Who asked: stored with the deployment. */
  readonly actor?: string;
  readonly trigger?: 'cli' | 'api';
  /** Aborts the builds and waits of a deploy (the server shutting down). */
  readonly signal?: AbortSignal;
}

/** Everything Berth does to a stack's containers: what the CLI runs in-process and the API serves. */
export interface StackOperations {
  plan(stack: string, options?: { build?: boolean }): Promise<Plan>;
  /** The stack as one compose document (`berth config`), secret-looking values masked. */
  config(stack: string): Promise<Record<string, unknown>>;
  up(stack: string, options: UpOptions): Promise<UpResult>;
  down(
    stack: string,
    options: { volumes?: boolean; dryRun?: boolean; onEvent?: (e: DeployEvent) => void },
  ): Promise<DownResult>;
  ps(stack?: string): Promise<ContainerRow[]>;
  logs(
    stack: string,
    options: { service?: string; follow?: boolean; since?: number; tail?: number; signal?: AbortSignal },
  ): AsyncIterable<LogEntry>;
  restart(
    stack: string,
    options: { service?: string; onEvent?: (e: DeployEvent) => void },
  ): Promise<{ restarted: string[] }>;
  exec(stack: string, service: string, argv: readonly string[]): Promise<ExecResult>;
  deployments(
    stack: string,
    options: { limit: number; before?: number },
  ): Promise<{ items: DeploymentView[]; nextBefore?: number }>;
}

export interface StackServiceDeps {
  /** Connected on first use, so commands that fail earlier never need the engine. */
  readonly engine: () => Promise<Engine>;
  readonly store: () => Store;
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
}

/** A stack argument that names a folder or file rather than a stack (`./shop`, `stacks/shop`). */
export const isPathLike = (stack: string): boolean => stack.includes('/') || stack.startsWith('.');

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

  async config(stack: string): Promise<Record<string, unknown>> {
    return composeView(await this.load(stack));
  }

  async plan(stack: string, options: { build?: boolean } = {}) {
    const loaded = await this.load(stack);
    return (await planDeploy(await this.run(), loaded, options)).plan;
  }

  async up(stack: string, options: UpOptions): Promise<UpResult> {
    const loaded = await this.load(stack);
    const r = await deployStack(
      { ...(await this.run()), ...(options.signal ? { signal: options.signal } : {}) },
      loaded,
      {
        trigger: options.trigger ?? 'cli',
        ...(options.actor ? { actor: options.actor } : {}),
        ...(options.build ? { build: true } : {}),
        onEvent: this.logged(loaded.name, options.onEvent),
      },
    );
    return {
      stack: r.stack,
      ...(r.deploymentId !== undefined ? { deploymentId: r.deploymentId } : {}),
      outcome: r.outcome,
      ...(r.result?.failure ? { failure: r.result.failure } : {}),
      ...(r.result?.rollbackProblem ? { rollbackProblem: r.result.rollbackProblem } : {}),
      changedServices: r.result?.changedServices ?? [],
    };
  }

  async down(target: string, options: Parameters<StackOperations['down']>[1]): Promise<DownResult> {
    const stack = await this.nameOf(target);
    const deps = await this.run();
    if (options.dryRun) {
      const rows = await listContainers(deps, stack);
      return { containers: rows.map((r) => r.name), networks: [], volumes: [] };
    }
    return downStack(deps, stack, {
      ...(options.volumes ? { volumes: true } : {}),
      ...(options.onEvent ? { onEvent: options.onEvent } : {}),
    });
  }

  async ps(stack?: string) {
    return listContainers(await this.run(), stack === undefined ? undefined : await this.nameOf(stack));
  }

  async *logs(stack: string, options: Parameters<StackOperations['logs']>[1]) {
    yield* stackLogs(await this.deps.engine(), await this.nameOf(stack), options);
  }

  async restart(stack: string, options: Parameters<StackOperations['restart']>[1]) {
    const loaded = await this.load(stack);
    const deps = await this.run();
    const { desired } = await planDeploy(deps, loaded);
    return restartStack(deps, loaded, desired, options.service, options.onEvent);
  }

  async exec(stack: string, service: string, argv: readonly string[]) {
    return execInService(await this.deps.engine(), await this.nameOf(stack), service, argv);
  }

  async deployments(stack: string, options: { limit: number; before?: number }) {
    const store = this.deps.store();
    const page = store.deployments.list(stack, options);
    return {
      items: page.items.map((d) => ({ ...d, services: store.deployments.serviceResults(d.id) })),
      ...(page.nextBefore !== undefined ? { nextBefore: page.nextBefore } : {}),
    };
  }
}
