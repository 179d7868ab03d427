import { z } from 'zod';

// Backups: what each one holds (its manifest), how its restore drill went, and the answers of the
// backup routes.

export const BackupKindSchema = z.enum(['mariadb', 'mysql', 'postgres', 'sqlite', 'redis', 'volume']);

/** What a backup held when it was taken, counted from the dump itself: what a drill checks. */
export const ContentFactsSchema = z.object({
  /** SQL kinds and sqlite: rows per table (`db.table`, `db.schema.table` or `table`). */
  tables: z.record(z.string(), z.number().int()).optional(),
  /** SQL kinds: the databases the dump creates, empty ones too (a restore replaces exactly these). */
  databases: z.array(z.string()).optional(),
  /** redis: keys when the snapshot was taken. */
  keys: z.number().int().optional(),
  /** redis: the database those keys are in (the snapshot's first). */
  db: z.number().int().optional(),
  /** volume: regular files, their bytes, and folders. */
  files: z.number().int().optional(),
  bytes: z.number().int().optional(),
  directories: z.number().int().optional(),
  /** volume: sha256 over every entry's path, mode, owner, size and content (times left out). */
  digest: z.string().optional(),
});
export type ContentFacts = z.output<typeof ContentFactsSchema>;

/**
 * Everything needed to trust and to restore a backup, written next to its artifact once the
 * artifact is complete (an artifact without a manifest is not a backup).
 */
export const ManifestSchema = z.object({
  format: z.literal(1),
  id: z.string(),
  stack: z.string(),
  service: z.string(),
  kind: BackupKindSchema,
  /** The dump tool and the server it talked to, as they report their versions. */
  tool: z.string(),
  server: z.string().optional(),
  image: z.string(),
  /** The image's id when the backup was taken: drills run the server version that made the dump. */
  imageId: z.string().optional(),
  /** redis: where the server reads its snapshot (`dir/dbfilename`); sqlite: the database file. */
  sourcePath: z.string().optional(),
  /** volume: the named volumes copied, each a folder of the archive (`berth-backup/<volume>/…`). */
  volumes: z.array(z.string()).optional(),
  startedAt: z.string(),
  finishedAt: z.string(),
  artifact: z.object({
    /** The file name in the store, next to the manifest. */
    file: z.string(),
    compression: z.enum(['gzip', 'none']),
    encryption: z.literal('age'),
    recipients: z.array(z.string()),
    /** Of the stored (encrypted) bytes: what a restore checks first. */
    size: z.number().int(),
    sha256: z.string(),
    /** Of the dump before compression and encryption. */
    plainSize: z.number().int(),
  }),
  facts: ContentFactsSchema,
  /**
   * The stack's configuration set (`config: true`): compose files, includes, `.env` and env files,
   * a gzip'd tar encrypted like the artifact, next to it in the store.
   */
  config: z
    .object({
      file: z.string(),
      size: z.number().int(),
      sha256: z.string(),
      plainSize: z.number().int(),
      /** The names in the archive: relative to the stack's folder, or `outside/<absolute path>`. */
      files: z.array(z.string()),
    })
    .optional(),
  timings: z.object({ totalMs: z.number().int() }),
});
export type Manifest = z.output<typeof ManifestSchema>;

export const BackupStatusSchema = z.enum(['running', 'completed', 'failed']);
export type BackupStatus = z.output<typeof BackupStatusSchema>;
export const BackupTriggerSchema = z.enum(['schedule', 'manual', 'pre-deploy', 'safety']);
export type BackupTrigger = z.output<typeof BackupTriggerSchema>;
export const DrillStatusSchema = z.enum(['none', 'running', 'passed', 'failed']);
export type DrillStatus = z.output<typeof DrillStatusSchema>;

/** A backup as Berth lists it: the manifest once complete, and the last drill. */
export const BackupSchema = z.object({
  id: z.string(),
  stack: z.string(),
  service: z.string(),
  kind: BackupKindSchema,
  store: z.string(),
  trigger: BackupTriggerSchema,
  status: BackupStatusSchema,
  startedAt: z.string(),
  finishedAt: z.string().optional(),
  /** Why it failed, in words. */
  reason: z.string().optional(),
  size: z.number().int().optional(),
  manifest: ManifestSchema.optional(),
  drill: z.object({
    status: DrillStatusSchema,
    at: z.string().optional(),
    durationMs: z.number().int().optional(),
    reason: z.string().optional(),
  }),
});
export type BackupView = z.output<typeof BackupSchema>;

export const BackupListSchema = z.object({ items: z.array(BackupSchema) });

/** A service's backup policy as the files define it now, and how it is doing. */
export const BackupPolicyViewSchema = z.object({
  stack: z.string(),
  service: z.string(),
  /** Absent: neither the policy nor the image says (a backup is refused until `kind:` is set). */
  kind: BackupKindSchema.optional(),
  schedule: z.string().optional(),
  drill: z.string(),
  retain: z.object({
    last: z.number().int().optional(),
    daily: z.number().int().optional(),
    weekly: z.number().int().optional(),
    monthly: z.number().int().optional(),
  }),
  store: z.string().optional(),
  nextRunAt: z.string().optional(),
  /** The newest backup whose drill passed: the one to trust. */
  lastGood: z.object({ id: z.string(), at: z.string() }).optional(),
});
export type BackupPolicyView = z.output<typeof BackupPolicyViewSchema>;

export const StackBackupsSchema = z.object({
  policies: z.array(BackupPolicyViewSchema),
  items: z.array(BackupSchema),
});
export type StackBackups = z.output<typeof StackBackupsSchema>;

export const BackupRunRequestSchema = z.strictObject({
  service: z.string().min(1).max(128).describe('The service whose policy to run'),
});

export const PruneRequestSchema = z.strictObject({
  service: z.string().min(1).max(128).optional(),
  dryRun: z
    .boolean()
    .default(false)
    .describe('List what would go, and why each backup stays, without removing'),
});

export const PruneResultSchema = z.object({
  dryRun: z.boolean(),
  decisions: z.array(
    z.object({ id: z.string(), service: z.string(), keep: z.boolean(), reasons: z.array(z.string()) }),
  ),
});
export type PruneResult = z.output<typeof PruneResultSchema>;

export const RestoreRequestSchema = z.strictObject({
  service: z
    .string()
    .min(1)
    .max(128)
    .optional()
    .describe('Restore into this service (default: the backup’s own)'),
  intoStack: z
    .string()
    .min(1)
    .max(128)
    .optional()
    .describe('Restore into this stack (default: the backup’s own)'),
  dryRun: z
    .boolean()
    .default(false)
    .describe('Verify the artifact and say what would happen, changing nothing'),
});

/** How a restore ended: restored, or rolled back to the safety backup taken before it. */
export const RestoreResultSchema = z.object({
  backup: z.string(),
  stack: z.string(),
  service: z.string(),
  /** `dry-run`: verified and planned, nothing changed. */
  outcome: z.enum(['restored', 'rolled-back', 'dry-run']),
  /** The backup of the target taken just before (what a rollback restores); none in a dry run. */
  safetyBackup: z.string().optional(),
  /** Dependents stopped during the restore and started again after, in that order (a dry run: would be). */
  stopped: z.array(z.string()),
  checks: z.array(z.string()),
  /** Why it was rolled back. */
  reason: z.string().optional(),
  durationMs: z.number().int(),
});
export type RestoreResult = z.output<typeof RestoreResultSchema>;
