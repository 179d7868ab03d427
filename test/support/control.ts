import Database from 'better-sqlite3';
import type { ContainerRow } from '../../src/api/deploy.js';
import { EventHub } from '../../src/events/hub.js';
import { recordOperation } from '../../src/metrics/operations.js';
import { deploymentRecorded } from '../../src/operations/deployment-recorded.js';
import { OperationRunner, type OperationRunnerDeps } from '../../src/operations/runner.js';
import { createApp } from '../../src/server/app.js';
import type { ControlDeps } from '../../src/server/routes/control.js';
import { labelledContainers, stackScope } from '../../src/server/stack-scope.js';
import type { StreamLimits } from '../../src/server/stream-slots.js';
import { createEventStore } from '../../src/store/events.js';
import { type EventStore, openMemoryStore, type Store } from '../../src/store/index.js';
import { migrate } from '../../src/store/migrations.js';
import { grantsOf, makeWorkspace, principal, tableAuthenticator, testDeps } from './http-app.js';

import { TableStacks } from './table-stacks.js';

export { PLANTED_SECRET, TableStacks } from './table-stacks.js';

export interface TableControlOptions {
  /** The event log the hub stores in (default: the store's); e.g. one with a tiny retention. */
  readonly events?: EventStore;
  readonly heartbeatMs?: number;
  readonly logger?: OperationRunnerDeps['logger'];
  readonly streamLimits?: StreamLimits;
}

/**
 * Control routes over TableStacks and a real store (operations, events); ids are op-1, op-2… The
 * server's stacks are the table's `known` ones and those with a deployment in the store; the stacks it
 * knows are also those with anything in the store and those with a container in the table.
 */
export function tableControl(
  store: Store,
  stacks = new TableStacks(),
  options: TableControlOptions = {},
): ControlDeps & { stacks: TableStacks; hub: EventHub; runner: OperationRunner } {
  const hub = new EventHub(options.events ?? store.events);
  let n = 0;
  const runner = new OperationRunner({
    operations: store.operations,
    events: hub,
    clock: { now: () => new Date() },
    newId: () => `op-${++n}`,
    markInterrupted: (stack, reason) => store.deployments.markInterrupted(stack, reason),
    ...(options.logger ? { logger: options.logger } : {}),
  });
  return {
    stacks,
    runner,
    operations: store.operations,
    hub,
    scope: stackScope({
      workspace: async () => stacks.known.map((name) => ({ name })),
      recorded: (stack) => store.deployments.recorded(stack),
      traces: (stack) => store.stackRecords.any(stack),
      containers: labelledContainers(stacks),
    }),
    heartbeatMs: options.heartbeatMs ?? 60_000,
    ...(options.streamLimits ? { streamLimits: options.streamLimits } : {}),
  };
}

/** Three containers: alpha's web and worker, beta's api. */
export const CONTAINERS: ContainerRow[] = [
  ['alpha', 'web'],
  ['alpha', 'worker'],
  ['beta', 'api'],
].map(([stack, service]) => ({
  stack: stack ?? '',
  service: service ?? '',
  replica: 1,
  name: `${stack}-${service}-1`,
  id: `id-${stack}-${service}`,
  state: 'running',
  status: 'Up 5 minutes',
  ports: [],
  image: 'nginx:1.27',
}));

/** Tokens of the control fixture: global `viewer`, `operator`, `admin`, and `alpha-viewer`, `alpha-operator`. */
export const CONTROL_TOKENS = {
  viewer: principal('viewer', grantsOf('viewer')),
  operator: principal('operator', grantsOf('operator')),
  admin: principal('admin', grantsOf('admin')),
  'alpha-viewer': principal('alpha-viewer', grantsOf('viewer', 'alpha')),
  'alpha-operator': principal('alpha-operator', grantsOf('operator', 'alpha')),
};
export type ControlToken = keyof typeof CONTROL_TOKENS;

/**
 * An app with the control routes over TableStacks and a fresh in-memory store, for HTTP tests:
 * `call` sends JSON as one of CONTROL_TOKENS, `open` returns the raw Response (streams).
 */
export function controlFixture(
  options: TableControlOptions & { stacks?: TableStacks; retention?: number } = {},
) {
  const workspace = makeWorkspace();
  const clock = { now: () => new Date() };
  const store = openMemoryStore(clock);
  // An event log with a tiny retention lives in a database of its own (the store's keeps 20 000).
  const eventsDb = options.retention === undefined ? undefined : new Database(':memory:');
  if (eventsDb) migrate(eventsDb, clock);
  const events = eventsDb ? createEventStore(eventsDb, clock, options.retention) : options.events;
  const control = tableControl(store, options.stacks ?? new TableStacks(CONTAINERS), {
    ...options,
    ...(events ? { events } : {}),
  });
  const deps = testDeps({
    root: workspace.root,
    authenticator: tableAuthenticator(CONTROL_TOKENS),
    control,
  });
  // As the composition root does: finished operations are counted in the app's metrics.
  control.runner.onFinished(recordOperation(deps.metrics, deploymentRecorded(store)));
  const app = createApp(deps);
  const open = (
    path: string,
    token: ControlToken,
    init: { method?: string; body?: unknown; headers?: Record<string, string> } = {},
  ) =>
    app.request(path, {
      method: init.method ?? 'GET',
      headers: {
        Authorization: `Bearer ${token}`,
        ...(init.body !== undefined ? { 'Content-Type': 'application/json' } : {}),
        ...init.headers,
      },
      ...(init.body !== undefined ? { body: JSON.stringify(init.body) } : {}),
    });
  const call = async (method: string, path: string, token: ControlToken, body?: unknown) => {
    const res = await open(path, token, { method, body });
    const text = await res.text();
    // biome-ignore lint/suspicious/noExplicitAny: test responses are read field by field
    const json: any = /^application\/(problem\+)?json/.test(res.headers.get('content-type') ?? '')
      ? JSON.parse(text)
      : undefined;
    return { status: res.status, headers: res.headers, text, json };
  };
  return {
    app,
    deps,
    store,
    control,
    stacks: control.stacks,
    open,
    call,
    close: () => {
      store.close();
      eventsDb?.close();
      workspace.cleanup();
    },
  };
}
