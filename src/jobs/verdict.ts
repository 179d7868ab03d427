import type { JobRunStatus } from '../api/jobs.js';
import type { AttemptResult } from './execute.js';

/** How an attempt that ran can end. */
export type Ending = Extract<JobRunStatus, 'succeeded' | 'failed' | 'timed-out' | 'interrupted'>;

/**
 * How an attempt ended, in the history's words. Pure. `expect` is the only standard output that
 * counts as success (sqlite-integrity's `ok`), whatever the exit code said.
 */
export function verdict(
  result: AttemptResult,
  stdout: string,
  options: { expect?: string; timeoutMs: number },
): { status: Ending; reason?: string } {
  if (result.interrupted) return { status: 'interrupted', reason: 'Berth stopped during the run' };
  if (result.timedOut)
    return {
      status: 'timed-out',
      reason: `no exit within ${Math.round(options.timeoutMs / 1000)} s: stopped`,
    };
  if (result.error !== undefined) return { status: 'failed', reason: result.error };
  if (result.exitCode !== 0) return { status: 'failed', reason: `exit code ${result.exitCode}` };
  if (options.expect !== undefined && stdout.trim() !== options.expect) {
    return {
      status: 'failed',
      reason: `the output is not \`${options.expect}\`: ${stdout.trim().slice(0, 200)}`,
    };
  }
  return { status: 'succeeded' };
}
