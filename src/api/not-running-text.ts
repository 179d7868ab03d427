import type { NotRunning } from './health.js';

// Apart from the schemas (no zod): the CLI's start-up loads it.

/**
 * Why a probe's stack runs nothing, and what to do, in words (`berth health` and the dashboard):
 * `its stack was taken down (berth down …); …` or `nothing runs: deployment 5 was rolled back …; …`.
 */
export function notRunningText(n: NotRunning): string {
  const at = n.at === undefined ? '' : ` at ${n.at}`;
  if (n.cause === 'down') return `its stack was taken down (\`berth down\`${at}); ${n.hint}`;
  const how = n.outcome === 'interrupted' ? 'was interrupted' : 'was rolled back';
  const before =
    n.after === 'down' ? 'the stack had been taken down before it' : 'nothing of the stack ran before it';
  return `nothing runs: deployment ${n.deploymentId} ${how}${at} (${before}); ${n.hint}`;
}

/** The same in a few words, for a table cell: `stopped by berth down`, `not running: deployment 5 rolled back`. */
export function notRunningShort(n: NotRunning): string {
  return n.cause === 'down'
    ? 'stopped by berth down'
    : `not running: deployment ${n.deploymentId} ${n.outcome}`;
}
