import { join } from 'node:path';
import { openStore } from '../../src/store/index.js';

// Deployment history for the web bench: records as deploys leave them, written to a server's state
// folder before it starts, so the stacks page shows a last outcome per stack without an engine.

/**
 * Records `perStack` (none: the store is not even opened) finished deployments of each stack in `<stateDir>/berth.db`, stacks interleaved
 * as real deploys would be; every fifth stack's latest rolled back, the others succeeded. Returns
 * how many were written.
 */
export function recordDeployments(stateDir: string, stacks: readonly string[], perStack: number): number {
  if (perStack === 0 || stacks.length === 0) return 0;
  const store = openStore({
    path: join(stateDir, 'berth.db'),
    clock: { now: () => new Date() },
    isAlive: () => true,
  });
  let written = 0;
  try {
    for (let round = 1; round <= perStack; round++) {
      for (const [i, stack] of stacks.entries()) {
        const d = store.deployments.create({ stack, trigger: 'api', actor: 'bench', plan: { services: [] } });
        const failed = round === perStack && i % 5 === 0;
        store.deployments.finish(
          d.id,
          failed ? 'rolled-back' : 'succeeded',
          `recorded by the bench (${round})`,
        );
        written++;
      }
    }
  } finally {
    store.close();
  }
  return written;
}
