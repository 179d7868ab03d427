import type Database from 'better-sqlite3';
import { guard } from './errors.js';

/**
 * Whether the store holds anything of a stack, whatever its workspace says now: a deployment, a
 * backup (of any status), a job run, a probe's state. The API answers 404 for a stack name with none
 * of these (and not in the workspace, and without containers): a typo is not an empty stack.
 */
export interface StackRecordStore {
  any(stack: string): boolean;
}

// One seek per table: each is indexed on its stack first.
const ANY = `SELECT EXISTS (SELECT 1 FROM deployments WHERE stack = @stack)
  OR EXISTS (SELECT 1 FROM backups WHERE stack = @stack)
  OR EXISTS (SELECT 1 FROM job_runs WHERE stack = @stack)
  OR EXISTS (SELECT 1 FROM probe_state WHERE stack = @stack) AS found`;

export function createStackRecordStore(db: Database.Database): StackRecordStore {
  const any = db.prepare<{ stack: string }, { found: number }>(ANY);
  return {
    any: (stack) => guard(() => any.get({ stack })?.found === 1),
  };
}
