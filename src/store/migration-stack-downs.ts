import type { Migration } from './migration.js';

/**
 * Migration 16, in its own file so that it merges beside other new migrations (renumber it, not
 * them, if another one took 16 first).
 *
 * The last successful `berth down` of each stack, with the newest deployment of the stack at that
 * moment (`deployment_id`: what the down came after), so the health report tells a stack taken down
 * from one whose deploys never ran (src/health/stack-run.ts). Stacks already down before this
 * migration (their last deployment succeeded, and no container of theirs is recorded as applied: a
 * down forgets them all) are recorded from that, without a time (`at` NULL: unknown).
 */
export const MIGRATION_STACK_DOWNS: Migration = {
  version: 16,
  name: 'stack downs',
  up: `
    CREATE TABLE stack_downs (
      stack TEXT PRIMARY KEY,
      at TEXT,
      deployment_id INTEGER
    ) WITHOUT ROWID;
    INSERT INTO stack_downs (stack, at, deployment_id)
      SELECT d.stack, NULL, d.id FROM deployments d
      WHERE d.id = (SELECT MAX(l.id) FROM deployments l WHERE l.stack = d.stack)
        AND d.status = 'succeeded'
        AND NOT EXISTS (SELECT 1 FROM applied_specs a WHERE a.stack = d.stack);
  `,
};
