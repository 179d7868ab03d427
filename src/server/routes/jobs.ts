import { z } from 'zod';
import { can, type Principal } from '../../access/rbac.js';
import { StackNameSchema } from '../../api/common.js';
import { JobListSchema, type JobRun, JobRunPageSchema, type JobSummary } from '../../api/jobs.js';
import { OperationSchema, operationEventsUrl } from '../../api/operations.js';
import type { JobEntry } from '../../jobs/catalog.js';
import { JobError } from '../../jobs/errors.js';
import type { JobService } from '../../jobs/service.js';
import type { JobSummaries } from '../../jobs/summary.js';
import type { OperationRunner } from '../../operations/runner.js';
import { requireKnownListStack, requireKnownStack, type StackScope } from '../stack-scope.js';
import { defineRoute, type Route } from './registry.js';

export interface JobRouteDeps {
  readonly jobs: JobService;
  readonly summaries: JobSummaries;
  readonly runner: OperationRunner;
}

const NAME = z.string().min(1).max(128);
/** Output lines a manual run sends as events; its record keeps the tail of the rest. */
export const LIVE_LINES = 1000;
const jobParams = z.strictObject({ stack: StackNameSchema, service: NAME, job: NAME });

/** A run as this caller may see it: output tails need the operator role, as logs do. */
const visible = (principal: Principal, run: JobRun): JobRun => {
  if (can(principal, 'operator', run.stack)) return run;
  const { output: _hidden, ...rest } = run;
  return rest;
};

/** Scheduled jobs: what is defined and when it runs, the history of runs, and a run now. */
export function jobRoutes(deps: JobRouteDeps, scope: StackScope): Route[] {
  const list = async (principal: Principal, stack?: string): Promise<JobSummary[]> => {
    const entries = (await deps.jobs.jobs(stack)).filter((e: JobEntry) =>
      can(principal, 'viewer', e.key.stack),
    );
    return entries.map((e) => deps.summaries.of(e));
  };
  return [
    defineRoute({
      method: 'GET',
      path: '/api/v1/jobs',
      operationId: 'listJobs',
      summary:
        'The scheduled jobs of the stacks the caller may view: schedule, next run, last result, budget',
      tags: ['jobs'],
      permission: { role: 'viewer', scope: 'any-stack' },
      mutating: false,
      errors: [404, 503],
      query: z.strictObject({ stack: StackNameSchema.optional() }),
      response: JobListSchema,
      handler: async ({ principal, query }) => {
        await requireKnownListStack(scope, principal, query.stack);
        return { items: await list(principal, query.stack) };
      },
    }),
    defineRoute({
      method: 'GET',
      path: '/api/v1/stacks/:stack/jobs',
      operationId: 'listStackJobs',
      summary: 'The scheduled jobs of one stack',
      tags: ['jobs'],
      permission: { role: 'viewer', scope: 'stack' },
      mutating: false,
      errors: [404, 503],
      params: z.strictObject({ stack: StackNameSchema }),
      response: JobListSchema,
      example: { params: { stack: 'alpha' } },
      handler: async ({ principal, params }) => {
        await requireKnownStack(scope, params.stack);
        return { items: await list(principal, params.stack) };
      },
    }),
    defineRoute({
      method: 'GET',
      path: '/api/v1/stacks/:stack/jobs/:service/:job/runs',
      operationId: 'listJobRuns',
      summary: 'A job’s runs, newest first (output tails for operators only)',
      tags: ['jobs'],
      permission: { role: 'viewer', scope: 'stack' },
      mutating: false,
      errors: [404, 503],
      params: jobParams,
      query: z.strictObject({
        limit: z.coerce.number().int().min(1).max(200).default(20),
        before: z.coerce.number().int().positive().optional().describe('`nextBefore` of the previous page'),
      }),
      response: JobRunPageSchema,
      example: { params: { stack: 'alpha', service: 'web', job: 'cleanup' }, query: { limit: 5 } },
      handler: async ({ principal, params, query }) => {
        await requireKnownStack(scope, params.stack);
        const key = { stack: params.stack, service: params.service, job: params.job };
        // A job no longer defined (its stack left the workspace, or it was renamed) keeps the
        // history it recorded: its runs stay readable; a name that never ran is not found.
        await deps.jobs.find(params).catch((error: unknown) => {
          if (error instanceof JobError && error.code === 'JOB_NOT_FOUND') {
            if (deps.summaries.history(key, { limit: 1 }).items.length > 0) return;
          }
          throw error;
        });
        const page = deps.summaries.history(key, {
          limit: query.limit,
          ...(query.before !== undefined ? { before: query.before } : {}),
        });
        return { ...page, items: page.items.map((run) => visible(principal, run)) };
      },
    }),
    defineRoute({
      method: 'POST',
      path: '/api/v1/stacks/:stack/jobs/:service/:job/run',
      operationId: 'runJob',
      summary: 'Run a job now: answers 202 with an operation whose events carry the output live',
      description:
        'The run follows the job’s overlap (skip: 409 while one runs), budget and retries. Follow `events` ' +
        '(Server-Sent Events): `job` events carry each output line, masked; the operation’s result is the run.',
      tags: ['jobs'],
      permission: { role: 'operator', scope: 'stack' },
      mutating: true,
      status: 202,
      errors: [404, 409, 503],
      params: jobParams,
      body: z.strictObject({}),
      response: OperationSchema,
      example: { params: { stack: 'alpha', service: 'web', job: 'cleanup' }, body: {} },
      handler: async ({ principal, params, requestId, audit }) => {
        await requireKnownStack(scope, params.stack);
        const entry = await deps.jobs.find(params);
        deps.jobs.checkManual(entry);
        const op = deps.runner.start({
          kind: 'job',
          stack: params.stack,
          actor: principal.name,
          requestId,
          // The operation is visible to viewers: its result is the run without its output, which
          // operators read from the history (and see live, as `output` events only they receive).
          run: async ({ onEvent, signal }) => {
            let lines = 0;
            const { output: _operatorsOnly, ...run } = await deps.jobs.run(entry, {
              trigger: 'manual',
              signal,
              // Live lines go into the event log: a flood of output must not push everything else out.
              onLine: (line, stream) => {
                lines++;
                if (lines > LIVE_LINES) return;
                const message =
                  lines === LIVE_LINES
                    ? `… more than ${LIVE_LINES} lines: the run’s history keeps the end`
                    : line;
                onEvent({
                  type: 'output',
                  service: params.service,
                  message,
                  data: { job: params.job, stream },
                });
              },
            });
            return run;
          },
        });
        audit({ detail: { operation: op.id, service: params.service, job: params.job } });
        return { ...op, events: operationEventsUrl(op.id) };
      },
    }),
  ];
}
