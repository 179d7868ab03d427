import { z } from 'zod';
import { can } from '../../access/rbac.js';
import {
  BackupRunRequestSchema,
  BackupSchema,
  PruneRequestSchema,
  PruneResultSchema,
  RestoreRequestSchema,
  StackBackupsSchema,
} from '../../api/backups.js';
import { StackNameSchema } from '../../api/common.js';
import { OperationSchema, operationEventsUrl } from '../../api/operations.js';
import type { BackupService } from '../../backup/service.js';
import { policyView, pruneView, publicView } from '../../backup/view.js';
import type { OperationRunner } from '../../operations/runner.js';
import type { JobStateStore } from '../../store/index.js';
import { ApiError } from '../problem.js';
import { requireKnownStack, requireStack, type StackScope } from '../stack-scope.js';
import { defineRoute, type Route } from './registry.js';

export interface BackupRouteDeps {
  readonly backups: BackupService;
  readonly runner: OperationRunner;
  readonly jobState: () => JobStateStore;
}

const ID = z.string().regex(/^[0-9TZ]+-[0-9a-f]+$/, 'a backup id, e.g. 20261204T031500Z-3fa9');

/** Backups of a stack: policies and backups, a backup now, a drill, pruning by retention. */
export function backupRoutes(deps: BackupRouteDeps, scope: StackScope): Route[] {
  /** Runs `work` as an operation whose progress reaches the event stream, at most about once a second. */
  const start = (
    kind: 'backup' | 'drill',
    stack: string,
    actor: string,
    requestId: string,
    work: (
      progress: (message: string, data?: Record<string, number | string>) => void,
      signal: AbortSignal,
    ) => Promise<unknown>,
  ) =>
    deps.runner.start({
      kind,
      stack,
      actor,
      requestId,
      run: async ({ onEvent, signal }) => {
        // Steps come as they happen; byte counts at most once a second (the service paces them).
        const progress = (message: string, data?: Record<string, number | string>) =>
          onEvent({ type: 'progress', message, ...(data ? { data } : {}) });
        return publicView(BackupSchema.parse(await work(progress, signal)));
      },
    });
  return [
    defineRoute({
      method: 'GET',
      path: '/api/v1/stacks/:stack/backups',
      operationId: 'listBackups',
      summary: 'The backup policies of a stack and its backups, newest first, each with its drill result',
      tags: ['backups'],
      permission: { role: 'viewer', scope: 'stack' },
      mutating: false,
      errors: [404, 503],
      params: z.strictObject({ stack: StackNameSchema }),
      query: z.strictObject({
        service: z.string().min(1).max(128).optional(),
        limit: z.coerce.number().int().min(1).max(1000).default(100),
      }),
      response: StackBackupsSchema,
      example: { params: { stack: 'alpha' } },
      handler: async ({ params, query }) => {
        await requireKnownStack(scope, params.stack);
        return {
          policies: (await deps.backups.entries(params.stack)).map((e) =>
            policyView(e, deps.backups, deps.jobState()),
          ),
          items: deps.backups
            .list(params.stack, { ...(query.service ? { service: query.service } : {}), limit: query.limit })
            .map(publicView),
        };
      },
    }),
    defineRoute({
      method: 'GET',
      path: '/api/v1/stacks/:stack/backups/:id',
      operationId: 'getBackup',
      summary:
        'One backup: its manifest (tool and server versions, sizes, checksum, content facts) and drill',
      tags: ['backups'],
      permission: { role: 'viewer', scope: 'stack' },
      mutating: false,
      errors: [404, 503],
      params: z.strictObject({ stack: StackNameSchema, id: ID }),
      response: BackupSchema,
      example: { params: { stack: 'alpha', id: '20261204T031500Z-3fa9' } },
      handler: async ({ params }) => {
        await requireKnownStack(scope, params.stack);
        return publicView(deps.backups.get(params.stack, params.id));
      },
    }),
    defineRoute({
      method: 'POST',
      path: '/api/v1/stacks/:stack/backups',
      operationId: 'runBackup',
      summary: 'Back up a service now: answers 202 with an operation whose result is the backup',
      description:
        'Dump, compress, encrypt and store, then drill when the policy says after-each. Follow `events` ' +
        '(Server-Sent Events): `backup` events carry the steps; the operation’s result is the backup.',
      tags: ['backups'],
      permission: { role: 'operator', scope: 'stack' },
      mutating: true,
      status: 202,
      errors: [404, 409, 422, 503],
      params: z.strictObject({ stack: StackNameSchema }),
      body: BackupRunRequestSchema,
      response: OperationSchema,
      example: { params: { stack: 'alpha' }, body: { service: 'db' } },
      handler: async ({ principal, params, body, requestId, audit }) => {
        // An unknown stack is said to be unknown, not to lack a policy.
        await requireKnownStack(scope, params.stack);
        const entry = await deps.backups.find(params.stack, body.service);
        deps.backups.check(entry, 'manual');
        const op = start('backup', params.stack, principal.name, requestId, (progress, signal) =>
          deps.backups.run(entry, { trigger: 'manual', signal, onProgress: progress }),
        );
        audit({ detail: { operation: op.id, service: body.service } });
        return { ...op, events: operationEventsUrl(op.id) };
      },
    }),
    defineRoute({
      method: 'POST',
      path: '/api/v1/stacks/:stack/backups/:id/drill',
      operationId: 'drillBackup',
      summary: 'Restore a backup into scratch containers and compare it with its manifest',
      tags: ['backups'],
      permission: { role: 'operator', scope: 'stack' },
      mutating: true,
      status: 202,
      errors: [404, 409, 503],
      params: z.strictObject({ stack: StackNameSchema, id: ID }),
      body: z.strictObject({}),
      response: OperationSchema,
      example: { params: { stack: 'alpha', id: '20261204T031500Z-3fa9' }, body: {} },
      handler: async ({ principal, params, requestId, audit }) => {
        await requireKnownStack(scope, params.stack);
        deps.backups.checkDrill(params.stack, params.id);
        const op = start('drill', params.stack, principal.name, requestId, (progress, signal) =>
          deps.backups.drill(params.stack, params.id, { signal, onProgress: progress }),
        );
        audit({ detail: { operation: op.id, backup: params.id } });
        return { ...op, events: operationEventsUrl(op.id) };
      },
    }),
    defineRoute({
      method: 'POST',
      path: '/api/v1/stacks/:stack/backups/:id/restore',
      operationId: 'restoreBackup',
      summary: 'Restore a backup (admin): safety backup first, rolled back to it when anything fails',
      description:
        'Verifies the checksum and a full decryption before anything changes, takes a safety backup of the ' +
        'target, stops the services that depend on it, restores, compares with the manifest, starts ' +
        'everything behind its health gate. Any failure puts the safety backup back; the result says so. ' +
        '`dryRun` verifies and says what would stop, changing nothing.',
      tags: ['backups'],
      permission: { role: 'admin', scope: 'stack' },
      mutating: true,
      status: 202,
      errors: [404, 409, 422, 503],
      params: z.strictObject({ stack: StackNameSchema, id: ID }),
      body: RestoreRequestSchema,
      response: OperationSchema,
      example: { params: { stack: 'alpha', id: '20261204T031500Z-3fa9' }, body: { dryRun: true } },
      handler: async ({ principal, params, body, requestId, audit }) => {
        const target = body.intoStack ?? params.stack;
        if (!can(principal, 'admin', target)) {
          throw new ApiError(
            'FORBIDDEN',
            403,
            `restoring into ${target} needs the admin role on it`,
            'ask an admin of that stack',
          );
        }
        await requireKnownStack(scope, params.stack);
        // The target is where the operation and its events go: one of this server's stacks (its
        // workspace's, or deployed here), refused before anything exists for an unknown name.
        if (target !== params.stack) await requireStack(scope, target);
        deps.backups.checkDrill(params.stack, params.id, 'restore');
        const op = deps.runner.start({
          kind: 'restore',
          stack: target,
          actor: principal.name,
          requestId,
          run: async ({ onEvent, signal }) =>
            deps.backups.restore({
              stack: params.stack,
              id: params.id,
              ...(body.service ? { service: body.service } : {}),
              ...(body.intoStack ? { intoStack: body.intoStack } : {}),
              dryRun: body.dryRun,
              signal,
              onProgress: (message, data) =>
                onEvent({ type: 'progress', message, ...(data ? { data } : {}) }),
            }),
        });
        audit({
          detail: {
            operation: op.id,
            backup: params.id,
            into: `${target}/${body.service ?? 'same service'}`,
            dryRun: body.dryRun,
          },
        });
        return { ...op, events: operationEventsUrl(op.id) };
      },
    }),
    defineRoute({
      method: 'POST',
      path: '/api/v1/stacks/:stack/backups/prune',
      operationId: 'pruneBackups',
      summary: 'Apply retention: what goes and why each backup stays (`dryRun` removes nothing)',
      tags: ['backups'],
      permission: { role: 'admin', scope: 'stack' },
      mutating: true,
      errors: [404, 503],
      params: z.strictObject({ stack: StackNameSchema }),
      body: PruneRequestSchema,
      response: PruneResultSchema,
      example: { params: { stack: 'alpha' }, body: { dryRun: true } },
      handler: async ({ params, body, audit }) => {
        await requireKnownStack(scope, params.stack);
        const decisions = await deps.backups.prune(params.stack, {
          dryRun: body.dryRun,
          ...(body.service ? { service: body.service } : {}),
        });
        audit({ detail: { dryRun: body.dryRun, removed: decisions.filter((d) => !d.keep).length } });
        return pruneView(body.dryRun, decisions);
      },
    }),
  ];
}
