import type { DeployEvent } from '../deploy/events.js';
import type { ContainerRow } from '../deploy/operations.js';
import type { Plan } from '../deploy/plan.js';
import type { DeploymentView, LogEntry, StackOperations, UpOptions, UpResult } from '../deploy/service.js';
import type { Store } from '../store/index.js';
import { EventHub } from './events.js';
import { OperationRunner } from './operations.js';
import type { ControlDeps } from './routes/control.js';

/** A value the fake plan puts in an env var and a build arg: it must never reach a response. */
export const PLANTED_SECRET = 'planted-secret-value-9f3c1e';

/**
 * Test-only stack operations over a table of stacks, for HTTP tests of the routes (the real
 * StackService is tested against the Docker engine in test/integration). `gate` lets a test hold
 * an operation running until it resolves.
 */
export class TableStacks implements StackOperations {
  readonly calls: Array<{ op: string; stack: string; options?: unknown }> = [];
  gate: Promise<void> = Promise.resolve();
  fail?: Error;

  constructor(
    readonly containers: ContainerRow[] = [],
    readonly known: readonly string[] = ['alpha', 'beta', 'gamma'],
  ) {}

  private check(stack: string): void {
    if (!this.known.includes(stack)) {
      throw Object.assign(new Error(`no stack ${stack} in the workspace`), {
        code: 'DEPLOY_STACK_NOT_FOUND',
        hint: 'give a stack name',
      });
    }
  }

  async plan(stack: string): Promise<Plan> {
    this.check(stack);
    this.calls.push({ op: 'plan', stack });
    const spec = {
      name: `${stack}-web-1`,
      image: 'nginx:1.27',
      env: { PASSWORD: PLANTED_SECRET, MODE: 'prod' },
    };
    return {
      stack,
      resources: [],
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
      ],
      removals: [],
      problems: [],
    } as unknown as Plan;
  }

  async up(stack: string, options: UpOptions): Promise<UpResult> {
    this.check(stack);
    this.calls.push({
      op: 'up',
      stack,
      options: { build: options.build, actor: options.actor, trigger: options.trigger },
    });
    const emit = (e: DeployEvent) => options.onEvent?.(e);
    emit({ type: 'plan', message: `deploying ${stack}: web` });
    await this.gate;
    if (this.fail) throw this.fail;
    emit({ type: 'gate', service: 'web', message: 'web is healthy' });
    return { stack, deploymentId: 1, outcome: 'succeeded', changedServices: ['web'] };
  }

  async down(stack: string, options: { volumes?: boolean; onEvent?: (e: DeployEvent) => void }) {
    this.calls.push({ op: 'down', stack, options: { volumes: options.volumes } });
    await this.gate;
    options.onEvent?.({ type: 'cleanup', message: `removed ${stack}-web-1` });
    return {
      containers: [`${stack}-web-1`],
      networks: [`${stack}_default`],
      volumes: options.volumes ? [`${stack}_data`] : [],
    };
  }

  async ps(stack?: string): Promise<ContainerRow[]> {
    return this.containers.filter((c) => stack === undefined || c.stack === stack);
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

/** Control routes over TableStacks and a real store (operations, events); ids are op-1, op-2… */
export function tableControl(
  store: Store,
  stacks = new TableStacks(),
): ControlDeps & { stacks: TableStacks } {
  const hub = new EventHub(store.events);
  let n = 0;
  const runner = new OperationRunner({
    operations: store.operations,
    hub,
    clock: { now: () => new Date() },
    newId: () => `op-${++n}`,
    markInterrupted: (stack, reason) => store.deployments.markInterrupted(stack, reason),
  });
  return { stacks, runner, operations: store.operations, hub, heartbeatMs: 60_000 };
}
