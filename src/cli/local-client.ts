import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { hostname } from 'node:os';
import { join, resolve } from 'node:path';
import { type Clock, systemClock } from '../clock.js';
import { builtinXBerthRegistry } from '../composition.js';
import { deployStack, planDeploy } from '../deploy/deploy.js';
import { DeployError } from '../deploy/errors.js';
import type { DeployEvent } from '../deploy/events.js';
import { downStack, execInService, listContainers, restartStack, stackLogs } from '../deploy/operations.js';
import { connectEngine, type Engine } from '../engine/index.js';
import type { Loggers } from '../log/index.js';
import { formatDiagnostic, hasErrors } from '../spec/diagnostics.js';
import { type LoadedStack, loadWorkspace } from '../spec/stack.js';
import { resolveWorkspace } from '../spec/workspace.js';
import { type LockOwner, openStore, type Store } from '../store/index.js';
import type { BerthClient, DownResult, UpResult } from './client.js';
import type { CliConfig } from './config.js';

/** True while the process that holds a lock is alive on this host. */
function isAlive(owner: LockOwner): boolean {
  if (owner.host !== hostname()) return true;
  try {
    process.kill(owner.pid, 0);
    return true;
  } catch (error: unknown) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** The in-process client: loads stacks from the workspace, drives the engine, keeps state in SQLite. */
export class LocalClient implements BerthClient {
  private engine?: Engine;
  private store?: Store;
  private readonly clock: Clock = systemClock();
  private readonly owner: LockOwner = {
    pid: process.pid,
    host: hostname(),
    token: randomBytes(12).toString('hex'),
  };

  constructor(
    private readonly config: CliConfig,
    private readonly env: Readonly<Record<string, string | undefined>>,
    private readonly loggers?: Loggers,
  ) {}

  /** Deploy events go to the `deploy` logger too (stderr, JSON), besides the command's own output. */
  private logged(stack: string, onEvent?: (e: DeployEvent) => void) {
    const log = this.loggers?.for('deploy');
    return (e: DeployEvent) => {
      log?.info({ stack, type: e.type, ...(e.service ? { service: e.service } : {}) }, e.message);
      onEvent?.(e);
    };
  }

  private async deps() {
    this.engine ??= await connectEngine({
      ...(this.config.dockerHost ? { host: this.config.dockerHost } : {}),
    });
    this.store ??= openStore({ path: join(this.config.stateDir, 'berth.db'), clock: this.clock, isAlive });
    return { engine: this.engine, store: this.store, clock: this.clock, owner: this.owner };
  }

  /** A stack by name in the workspace, or by path (a stack folder or compose file). */
  async load(stack: string): Promise<LoadedStack> {
    const asPath = resolve(this.config.workspace, stack);
    const byPath = (stack.includes('/') || stack.startsWith('.')) && existsSync(asPath);
    const result = await loadWorkspace(byPath ? asPath : this.config.workspace, {
      env: this.env,
      registry: builtinXBerthRegistry(),
    });
    if (hasErrors(result.diagnostics)) {
      const errors = result.diagnostics.filter((d) => d.severity === 'error').map(formatDiagnostic);
      throw new DeployError(
        'DEPLOY_INVALID_STACK',
        `the stack files are invalid:\n${errors.join('\n')}`,
        'run `berth validate` and fix the errors',
      );
    }
    const found =
      byPath && result.stacks.length === 1 ? result.stacks[0] : result.stacks.find((s) => s.name === stack);
    if (!found) {
      const names = result.stacks.map((s) => s.name).join(', ') || 'none';
      throw new DeployError(
        'DEPLOY_STACK_NOT_FOUND',
        `no stack ${stack} in ${this.config.workspace}`,
        `stacks here: ${names}; give a stack name, a stack folder, or --workspace`,
      );
    }
    return found;
  }

  /**
   * The stack name for commands that act on what runs (down, ps, logs, exec): a path is read for
   * its project name; a name is taken as is, so a stack whose files are gone can still be removed.
   */
  private async nameOf(stack: string): Promise<string> {
    const asPath = resolve(this.config.workspace, stack);
    const pathLike = stack.includes('/') || stack.startsWith('.');
    if (!pathLike || !existsSync(asPath)) return stack;
    try {
      return (await this.load(stack)).name;
    } catch {
      // Files that no longer validate (a missing variable…) still name their stack by their folder.
      const found = await resolveWorkspace(asPath);
      const only = found.workspace?.stacks.length === 1 ? found.workspace.stacks[0] : undefined;
      return only?.name ?? stack;
    }
  }

  async plan(stack: string, options: { build?: boolean } = {}) {
    const loaded = await this.load(stack);
    return (await planDeploy(await this.deps(), loaded, options)).plan;
  }

  async up(stack: string, options: Parameters<BerthClient['up']>[1]): Promise<UpResult> {
    const loaded = await this.load(stack);
    const r = await deployStack(await this.deps(), loaded, {
      trigger: 'cli',
      ...(options.build ? { build: true } : {}),
      onEvent: this.logged(loaded.name, options.onEvent),
    });
    return {
      stack: r.stack,
      ...(r.deploymentId !== undefined ? { deploymentId: r.deploymentId } : {}),
      outcome: r.outcome,
      ...(r.result?.failure ? { failure: r.result.failure } : {}),
      ...(r.result?.rollbackProblem ? { rollbackProblem: r.result.rollbackProblem } : {}),
      changedServices: r.result?.changedServices ?? [],
    };
  }

  async down(target: string, options: Parameters<BerthClient['down']>[1]): Promise<DownResult> {
    const stack = await this.nameOf(target);
    const deps = await this.deps();
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
    return listContainers(await this.deps(), stack === undefined ? undefined : await this.nameOf(stack));
  }

  async *logs(stack: string, options: Parameters<BerthClient['logs']>[1]) {
    yield* stackLogs((await this.deps()).engine, await this.nameOf(stack), options);
  }

  async restart(stack: string, options: Parameters<BerthClient['restart']>[1]) {
    const loaded = await this.load(stack);
    const deps = await this.deps();
    const { desired } = await planDeploy(deps, loaded);
    return restartStack(deps, loaded, desired, options.service, options.onEvent);
  }

  async exec(stack: string, service: string, argv: readonly string[]) {
    return execInService((await this.deps()).engine, await this.nameOf(stack), service, argv);
  }

  async deployments(stack: string, options: { limit: number; before?: number }) {
    const { store } = await this.deps();
    const page = store.deployments.list(stack, options);
    return {
      items: page.items.map((d) => ({ ...d, services: store.deployments.serviceResults(d.id) })),
      ...(page.nextBefore !== undefined ? { nextBefore: page.nextBefore } : {}),
    };
  }

  async close(): Promise<void> {
    this.store?.close();
  }
}
