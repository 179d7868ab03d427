import type {
  ContainerRow,
  DeploymentView,
  DownResult,
  LogEntry,
  PlanView,
  UpResult,
} from '../../src/api/deploy.js';
import type { ImagePruneResult } from '../../src/api/images.js';
import type { ContainerListFilter } from '../../src/deploy/containers.js';
import type { DownRequest } from '../../src/deploy/down-target.js';
import { DeployError, serviceNotFound } from '../../src/deploy/errors.js';
import type { DeployEvent } from '../../src/deploy/events.js';
import type { ServedStacks, ServiceSource, UpOptions } from '../../src/deploy/service.js';

/** A value the fake plan puts in an env var and a build arg: it must never reach a response. */
export const PLANTED_SECRET = 'planted-secret-value-9f3c1e';

/**
 * Test-only stack operations over a table of stacks, for HTTP tests of the routes (the real
 * StackService is tested against the Docker engine in test/integration). `gate` lets a test hold
 * an operation running until it resolves.
 */
export class TableStacks implements ServedStacks {
  readonly calls: Array<{ op: string; stack: string; options?: unknown }> = [];
  gate: Promise<void> = Promise.resolve();
  fail?: Error;
  /** Thrown by plan (the engine failing under a request rather than an operation). */
  failPlan?: Error;
  /** The filter the last `ps` was given. */
  psFilter?: ContainerListFilter;
  /** The abort signal the last `up` was given (shutdown aborts it). */
  signal?: AbortSignal;

  constructor(
    readonly containers: ContainerRow[] = [],
    readonly known: readonly string[] = ['alpha', 'beta', 'gamma'],
  ) {}

  private check(stack: string): void {
    if (!this.known.includes(stack)) {
      // The real StackService throws a DeployError, which the API maps to 404.
      throw new DeployError(
        'DEPLOY_STACK_NOT_FOUND',
        `no stack ${stack} in the workspace`,
        'give a stack name',
      );
    }
  }

  async config(stack: string): Promise<Record<string, unknown>> {
    this.check(stack);
    return {
      name: stack,
      services: {
        web: {
          image: 'nginx:1.27',
          // As StackService answers: a secret-looking variable's value is already masked by value.
          environment: { PASSWORD: '********', MODE: 'prod', EMPTY: null },
          build: { context: '.', args: { TOKEN: PLANTED_SECRET } },
        },
      },
      secrets: { key: { content: PLANTED_SECRET } },
    };
  }

  async plan(stack: string): Promise<PlanView> {
    this.check(stack);
    this.calls.push({ op: 'plan', stack });
    if (this.failPlan) throw this.failPlan;
    const spec = {
      name: `${stack}-web-1`,
      image: 'nginx:1.27',
      // As StackService answers: a secret-looking variable's value is already masked by value.
      env: { PASSWORD: '********', MODE: 'prod' },
    };
    return {
      stack,
      resources: [],
      pulls: [],
      builds: [
        {
          kind: 'build',
          service: 'web',
          request: { contextDir: '/src', tag: `${stack}-web`, args: { TOKEN: PLANTED_SECRET } },
          reasons: ['image missing'],
        },
      ],
      services: [
        {
          service: 'web',
          level: 0,
          steps: [{ kind: 'create', service: 'web', replica: 1, spec, reasons: ['new'] }],
        },
        {
          service: 'worker',
          level: 1,
          steps: [
            {
              kind: 'recreate',
              service: 'worker',
              replica: 1,
              spec: {
                name: `${stack}-worker-1`,
                image: 'busybox:1.36',
                env: { DB_URL: `postgres://app:${PLANTED_SECRET}@db` },
              },
              current: { id: 'c0ffee', name: `${stack}-worker-1` },
              strategy: 'stop-first',
              // What specDiff writes for a changed variable whose name does not look secret.
              reasons: [
                `env DB_URL changed: postgres://old → postgres://app:${PLANTED_SECRET}@db`,
                'image busybox:1.35 → busybox:1.36',
              ],
            },
          ],
        },
      ],
      removals: [],
      problems: [],
    };
  }

  async up(stack: string, options: UpOptions): Promise<UpResult> {
    this.check(stack);
    this.calls.push({
      op: 'up',
      stack,
      options: { build: options.build, actor: options.actor, trigger: options.trigger },
    });
    this.signal = options.signal;
    const emit = (e: DeployEvent) => options.onEvent?.(e);
    emit({ type: 'plan', message: `deploying ${stack}: web` });
    await this.gate;
    if (this.fail) throw this.fail;
    emit({ type: 'gate', service: 'web', message: 'web is healthy' });
    return { stack, deploymentId: 1, outcome: 'succeeded', changedServices: ['web'] };
  }

  async down(stack: string, options: DownRequest): Promise<DownResult> {
    const removal = {
      containers: [`${stack}-web-1`],
      networks: [`${stack}_default`],
      volumes: options.volumes ? [`${stack}_data`] : [],
    };
    if (options.dryRun) {
      this.calls.push({ op: 'down-plan', stack, options: { volumes: options.volumes } });
      return removal;
    }
    this.calls.push({ op: 'down', stack, options: { volumes: options.volumes } });
    await this.gate;
    options.onEvent?.({ type: 'cleanup', message: `removed ${stack}-web-1` });
    return removal;
  }

  async ps(stack?: string, filter: ContainerListFilter = {}): Promise<ContainerRow[]> {
    this.psFilter = filter;
    const rows = this.containers.filter((c) => stack === undefined || c.stack === stack);
    const keep = filter.keep;
    if (keep === undefined) return rows;
    const kept = await Promise.all(rows.map(async (r) => ((await keep(r.stack)) ? r : undefined)));
    return kept.filter((r) => r !== undefined);
  }

  async *logs(stack: string, options: { service?: string }): AsyncIterable<LogEntry> {
    this.check(stack);
    for (const c of this.containers.filter((r) => r.stack === stack)) {
      if (options.service !== undefined && c.service !== options.service) continue;
      yield { container: c.name, service: c.service, stream: 'stdout', line: `hello from ${c.name}` };
    }
  }

  async restart(stack: string, options: { service?: string }) {
    this.check(stack);
    this.calls.push({ op: 'restart', stack, options });
    return { restarted: [options.service ?? 'web'] };
  }

  async exec(stack: string, service: string, argv: readonly string[]) {
    this.check(stack);
    this.calls.push({ op: 'exec', stack, options: { service, argv } });
    return { exitCode: 0, stdout: `${argv.join(' ')}\n`, stderr: '', truncated: false };
  }

  /** One old build of web goes, the running one stays (a dry run removes nothing). */
  async pruneImages(stack: string, options: { keep?: number; dryRun: boolean }): Promise<ImagePruneResult> {
    this.check(stack);
    this.calls.push({ op: 'prune-images', stack, options });
    const keep = options.keep ?? 3;
    const image = (id: string, keepIt: boolean, reason: string) => ({
      image: `sha256:${id.repeat(64).slice(0, 64)}`,
      tags: keepIt ? [`${stack}-web:latest`] : [],
      recorded: [`${stack}-web`],
      services: ['web'],
      keep: keepIt,
      removed: !keepIt && !options.dryRun,
      reasons: [reason],
      size: 5 * 1024 * 1024,
    });
    return {
      stack,
      keep,
      dryRun: options.dryRun,
      freedBytes: 5 * 1024 * 1024,
      forgotten: 0,
      decisions: [
        image('b', true, `used by container ${stack}-web-1`),
        image('a', false, 'web: deployed 2026-12-01 10:00, older than the 3 newest deployed versions'),
      ],
    };
  }

  /** The services in the files: `web` and `worker` of every stack (as config and plan describe it). */
  readonly services: readonly string[] = ['web', 'worker'];

  async requireService(stack: string, service: string, where: ServiceSource): Promise<void> {
    this.check(stack);
    const onEngine =
      where === 'files' ? [] : this.containers.filter((c) => c.stack === stack).map((c) => c.service);
    const all = [...new Set([...this.services, ...onEngine])].sort();
    if (!all.includes(service)) throw serviceNotFound(stack, service, all);
  }

  async deployments(stack: string): Promise<{ items: DeploymentView[] }> {
    this.check(stack);
    const plan = JSON.parse(JSON.stringify(await this.plan(stack)));
    return {
      items: [
        {
          id: 1,
          stack,
          trigger: 'api',
          actor: 'alice',
          plan,
          status: 'succeeded',
          startedAt: '2025-01-01T00:00:00.000Z',
          finishedAt: '2025-01-01T00:00:10.000Z',
          services: [],
        },
      ],
    };
  }
}
