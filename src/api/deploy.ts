import { z } from 'zod';
import { ErrorInfoSchema } from './http.js';

// Plans, deploys and what runs: the answers of plan, up, down, restart, ps, logs, exec and the
// deployment history. Image pruning is in images.ts.

/** What started a deployment. */
export const TriggerSchema = z.enum(['cli', 'api', 'schedule', 'webhook', 'install-phase']);
export type Trigger = z.output<typeof TriggerSchema>;

/**
 * What a deploy reports while it runs: shown live by clients, stored with the deployment. `build` is
 * a build's progress (`building …`, `built …`); `output` is a line a program printed (an image
 * build's output), which, like logs, only the stack's operators read.
 */
export const DeployEventTypeSchema = z.enum([
  'plan',
  'resource',
  'pull',
  'build',
  'output',
  'container',
  'wait',
  'gate',
  'failure',
  'rollback',
  'install',
  'cleanup',
  'backup',
  'done',
]);
export type DeployEventType = z.output<typeof DeployEventTypeSchema>;

const ContainerRefSchema = z.object({ id: z.string(), name: z.string() });
const reasons = z.array(z.string());
const replicaStep = { service: z.string(), replica: z.number().int(), reasons };
/** The container the step creates, as Berth will ask the engine for it (environment values redacted). */
const spec = z.unknown().describe('The container to create (environment values are redacted)');

const PlanStepSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('create'), ...replicaStep, spec }),
  z.object({
    kind: z.literal('recreate'),
    ...replicaStep,
    spec,
    current: ContainerRefSchema,
    strategy: z.enum(['stop-first', 'start-first']),
  }),
  z.object({ kind: z.literal('start'), ...replicaStep, current: ContainerRefSchema }),
]);

/**
 * What `up` would do about the backup policy (`x-berth.backup`) of one service before it changes
 * anything: back it up (its container is replaced), fail there (nothing deployed), or not.
 */
export const PlanBackupSchema = z.object({
  service: z.string(),
  kind: z.string().optional().describe('The backup kind (policy or image); absent: neither says'),
  outcome: z
    .enum(['taken', 'fails', 'not-taken', 'not-reached'])
    .describe(
      'taken: backed up before the deploy; fails: the backup fails and the deploy stops, deploying nothing; ' +
        'not-taken: no backup (see reason); not-reached: an earlier backup fails first',
    ),
  reason: z.string(),
  /** The code the failed backup would carry (`fails` only). */
  code: z.string().optional(),
  hint: z.string().optional(),
  condition: z
    .string()
    .optional()
    .describe('Only when this holds (a pull or build that brings a new image replaces the container)'),
});
export type PlanBackup = z.output<typeof PlanBackupSchema>;

/** A plan: what `up` would change, with a reason per field difference. */
export const PlanSchema = z.looseObject({
  stack: z.string(),
  resources: z.array(
    z.object({
      kind: z.enum(['create-network', 'create-volume']),
      name: z.string(),
      spec: z.unknown(),
    }),
  ),
  pulls: z
    .array(
      z.object({
        kind: z.literal('pull'),
        image: z.string(),
        platform: z.string().optional(),
        services: z.array(z.string()),
        required: z
          .boolean()
          .default(true)
          .describe(
            'false: a periodic refresh of an image the engine has; when it fails, the deploy goes on with that image',
          ),
        reasons,
      }),
    )
    .default([])
    .describe('Images pulled before anything changes (absent in plans stored before Berth pulled)'),
  builds: z.array(
    z.object({
      kind: z.literal('build'),
      service: z.string(),
      request: z.object({
        contextDir: z.string(),
        dockerfile: z.string().optional(),
        args: z.record(z.string(), z.string()).describe('Build arguments (values are redacted)'),
        target: z.string().optional(),
        tag: z.string(),
        platform: z.string().optional().describe("The service's platform: the image is built for it"),
        noCache: z
          .boolean()
          .optional()
          .describe('true: built without the cache (a rebuild for another platform)'),
      }),
      reasons,
    }),
  ),
  services: z.array(
    z.looseObject({ service: z.string(), level: z.number().int(), steps: z.array(PlanStepSchema) }),
  ),
  removals: z.array(z.object({ kind: z.literal('remove'), ...replicaStep, current: ContainerRefSchema })),
  problems: z.array(
    z.object({
      code: z.string(),
      message: z.string(),
      hint: z.string(),
      where: z
        .string()
        .optional()
        .describe("file:line:col in the stack's files of what the problem is about (a service's `image:`)"),
    }),
  ),
  backups: z
    .array(PlanBackupSchema)
    .optional()
    .describe(
      'The pre-deploy backups of the services with a backup policy, in the order `up` takes them (absent: none has one)',
    ),
});
export type PlanView = z.output<typeof PlanSchema>;

export const ContainerRowSchema = z.object({
  stack: z.string(),
  service: z.string(),
  replica: z.number().int(),
  name: z.string(),
  id: z.string(),
  state: z.string(),
  health: z.string().optional(),
  status: z.string(),
  ports: z.array(z.string()),
  image: z.string(),
  /** The exit code of a stopped (`exited`) container; absent otherwise. */
  exitCode: z.number().int().optional(),
  /**
   * Whether the service is a one-shot (another service waits for it with
   * `service_completed_successfully`, a migration), as the stack's files say: set for an exited
   * container whose stack's files load, absent otherwise.
   */
  oneShot: z.boolean().optional(),
});
export type ContainerRow = z.output<typeof ContainerRowSchema>;
export const ContainerListSchema = z.object({ items: z.array(ContainerRowSchema) });

/** Why a service failed its deploy: enough for an operator to act without `docker logs`. */
export const ServiceFailureSchema = z.object({
  service: z.string(),
  container: z.string().optional(),
  reason: z.string(),
  detail: z.string(),
  exitCode: z.number().int().optional(),
  logTail: z.array(z.string()),
  healthOutput: z.string().optional(),
});
export type ServiceFailure = z.output<typeof ServiceFailureSchema>;

export const DeployOutcomeSchema = z.enum(['unchanged', 'succeeded', 'failed', 'rolled-back']);
export type DeployOutcome = z.output<typeof DeployOutcomeSchema>;

/** How a deploy (`up`) ended: the result of an `up` operation. */
export const UpResultSchema = z.object({
  stack: z.string(),
  /** Absent when nothing had to change. */
  deploymentId: z.number().int().optional(),
  outcome: DeployOutcomeSchema,
  failure: ServiceFailureSchema.optional(),
  /** Set when restoring the previous containers did not fully work: the stack needs an operator. */
  rollbackProblem: z.string().optional(),
  changedServices: z.array(z.string()),
  /** Backups taken before the deploy, of the services it replaced that have a backup policy. */
  backups: z.array(z.object({ service: z.string(), id: z.string() })).optional(),
});
export type UpResult = z.output<typeof UpResultSchema>;

/** What `down` removed (or, with a dry run, would remove). */
export const DownResultSchema = z.object({
  containers: z.array(z.string()),
  networks: z.array(z.string()),
  volumes: z.array(z.string()),
  /**
   * `down --dry-run` only: the stack's networks and volumes `down` would keep, since containers that
   * are not the stack's use them (Berth never removes those); `down` itself then ends DEPLOY_DOWN_INCOMPLETE.
   */
  kept: z
    .array(z.object({ kind: z.enum(['network', 'volume']), name: z.string(), holders: z.array(z.string()) }))
    .optional(),
});
export type DownResult = z.output<typeof DownResultSchema>;

export const RestartResultSchema = z.object({ restarted: z.array(z.string()) });
export type RestartResult = z.output<typeof RestartResultSchema>;

export const ExecRequestSchema = z.strictObject({
  service: z.string().min(1).max(128),
  argv: z.array(z.string().max(65536)).min(1).max(1024),
});
export const ExecResultSchema = z.object({
  exitCode: z.number().int(),
  stdout: z.string(),
  stderr: z.string(),
  truncated: z.boolean(),
});
export type ExecResult = z.output<typeof ExecResultSchema>;

/** One line of `GET /stacks/:stack/logs` (NDJSON). */
export const LogEntrySchema = z.object({
  container: z.string(),
  service: z.string(),
  stream: z.enum(['stdout', 'stderr']),
  line: z.string(),
});
export type LogEntry = z.output<typeof LogEntrySchema>;
/** The last line of a log stream that ended on a failure. */
export const LogErrorLineSchema = z.object({ error: ErrorInfoSchema.partial({ hint: true }) });

export const DeploymentSchema = z.object({
  id: z.number().int(),
  stack: z.string(),
  trigger: z.string(),
  actor: z.string().optional(),
  plan: z.json(),
  status: z.string(),
  summary: z.string().optional(),
  startedAt: z.string(),
  finishedAt: z.string().optional(),
  /** What putting back this (interrupted) deployment did, oldest first; absent when nothing was. */
  recovery: z
    .array(z.object({ at: z.string(), service: z.string().optional(), message: z.string() }))
    .optional(),
  services: z.array(
    z.object({
      deploymentId: z.number().int(),
      service: z.string(),
      outcome: z.string(),
      reason: z.string().optional(),
      exitCode: z.number().int().optional(),
      logTail: z.array(z.string()).optional(),
      healthOutput: z.string().optional(),
      recordedAt: z.string(),
    }),
  ),
});
export type DeploymentView = z.output<typeof DeploymentSchema>;
export const DeploymentPageSchema = z.object({
  items: z.array(DeploymentSchema),
  nextBefore: z.number().int().optional(),
});
