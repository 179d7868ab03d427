import type Database from 'better-sqlite3';
import { z } from 'zod';
import type { Clock } from '../clock.js';
import { isoNow } from './clock.js';
import { guard, notFound } from './errors.js';
import { fromJsonText, JsonSchema, parseInput, parseRow, toJsonText } from './json.js';

export const AppliedSpecInputSchema = z.object({
  containerId: z.string().min(1),
  configHash: z.string().min(1),
  /**
   * The resolved service spec as applied. It may hold environment values, secrets included; the store
   * keeps them because the planner diffs them field by field, and relies on the state file being 0600
   * (in a 0700 folder) rather than on redaction. Callers that show specs must redact them themselves.
   */
  spec: z.unknown(),
  deploymentId: z.number().int().positive(),
});
export type AppliedSpecInput = z.input<typeof AppliedSpecInputSchema>;

export const AppliedSpecSchema = z.object({
  stack: z.string(),
  service: z.string(),
  replica: z.number().int(),
  containerId: z.string(),
  configHash: z.string(),
  spec: JsonSchema,
  /** Absent only if the deployment that applied it was deleted. */
  deploymentId: z.number().int().optional(),
  updatedAt: z.string(),
});
export type AppliedSpec = z.infer<typeof AppliedSpecSchema>;

export interface AppliedSpecStore {
  put(stack: string, service: string, replica: number, input: AppliedSpecInput): AppliedSpec;
  get(stack: string, service: string, replica: number): AppliedSpec | undefined;
  /** Ordered by service, then replica. */
  list(stack: string): AppliedSpec[];
  /** Removes one replica, or every replica of the service when `replica` is omitted; returns how many. */
  remove(stack: string, service: string, replica?: number): number;
  /** The stacks whose applied state runs `imageId` (the `imageId` the deploy recorded beside the spec). */
  stacksWithImage(imageId: string): string[];
}

const RowSchema = z.object({
  stack: z.string(),
  service: z.string(),
  replica: z.number().int(),
  container_id: z.string(),
  config_hash: z.string(),
  spec_json: z.string(),
  deployment_id: z.number().int().nullable(),
  updated_at: z.string(),
});

function toAppliedSpec(row: unknown): AppliedSpec {
  const r = parseRow(row, RowSchema, 'applied spec');
  return {
    stack: r.stack,
    service: r.service,
    replica: r.replica,
    containerId: r.container_id,
    configHash: r.config_hash,
    spec: fromJsonText(r.spec_json, JsonSchema, `applied spec of ${r.stack}/${r.service}#${r.replica}`),
    deploymentId: r.deployment_id ?? undefined,
    updatedAt: r.updated_at,
  };
}

const ReplicaSchema = z.number().int().min(0);

export function createAppliedSpecStore(db: Database.Database, clock: Pick<Clock, 'now'>): AppliedSpecStore {
  const q = {
    put: db.prepare(
      `INSERT INTO applied_specs
         (stack, service, replica, container_id, config_hash, spec_json, deployment_id, updated_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?)
       ON CONFLICT (stack, service, replica) DO UPDATE SET
         container_id = excluded.container_id, config_hash = excluded.config_hash,
         spec_json = excluded.spec_json, deployment_id = excluded.deployment_id, updated_at = excluded.updated_at
       RETURNING *`,
    ),
    get: db.prepare('SELECT * FROM applied_specs WHERE stack = ? AND service = ? AND replica = ?'),
    list: db.prepare('SELECT * FROM applied_specs WHERE stack = ? ORDER BY service, replica'),
    removeOne: db.prepare('DELETE FROM applied_specs WHERE stack = ? AND service = ? AND replica = ?'),
    removeAll: db.prepare('DELETE FROM applied_specs WHERE stack = ? AND service = ?'),
    deploymentExists: db.prepare('SELECT 1 FROM deployments WHERE id = ?'),
    stacksWithImage: db
      .prepare(
        "SELECT DISTINCT stack FROM applied_specs WHERE json_extract(spec_json, '$.imageId') = ? ORDER BY stack",
      )
      .pluck(),
  };

  const putTx = db.transaction(
    (stack: string, service: string, replica: number, i: z.output<typeof AppliedSpecInputSchema>) => {
      if (q.deploymentExists.get(i.deploymentId) === undefined) {
        throw notFound(`deployment ${i.deploymentId}`, 'record the deployment before the specs it applied');
      }
      const spec = toJsonText(i.spec, 'applied spec');
      const row = q.put.get(
        stack,
        service,
        replica,
        i.containerId,
        i.configHash,
        spec,
        i.deploymentId,
        isoNow(clock),
      );
      return toAppliedSpec(row);
    },
  );

  return {
    put: (stack, service, replica, input) =>
      guard(() =>
        putTx.immediate(
          stack,
          service,
          parseInput(replica, ReplicaSchema, 'replica'),
          parseInput(input, AppliedSpecInputSchema, 'applied spec'),
        ),
      ),
    get: (stack, service, replica) =>
      guard(() => {
        const row = q.get.get(stack, service, replica);
        return row === undefined ? undefined : toAppliedSpec(row);
      }),
    list: (stack) => guard(() => q.list.all(stack).map(toAppliedSpec)),
    remove: (stack, service, replica) =>
      guard(() =>
        replica === undefined
          ? q.removeAll.run(stack, service).changes
          : q.removeOne.run(stack, service, replica).changes,
      ),
    stacksWithImage: (imageId) => guard(() => z.array(z.string()).parse(q.stacksWithImage.all(imageId))),
  };
}
