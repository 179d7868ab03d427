import type { ContainerInfo } from '../../engine/model.js';
import { checkFailureWords } from '../check-failure.js';
import { clip, lastHealthCheck, lastHealthOutput } from '../describe.js';

/**
 * The built-in `container` probe of every Berth container, from one inspection: UP while it runs
 * and is not unhealthy (a health check still starting counts as up), or, for a one-shot service (a
 * migration others wait for with `service_completed_successfully`), when it ran to completion (exit
 * 0, not restarting). Anything else is DOWN, a stopped server that exited 0 too, and the detail says
 * what the engine says. An unhealthy container's detail gives its health check's exit code (or that it
 * timed out, or could not start its command, in the engine's words: see check-failure.ts); what the
 * check printed is `output`, apart: like logs, for the stack's operators (it may hold a secret, or a
 * value derived from one, that no mask recognizes). Pure.
 */
export function containerVerdict(
  info: ContainerInfo,
  oneShot: boolean,
): { ok: boolean; detail: string; output?: string } {
  const restarted = info.restartCount > 0 ? `, restarted ${info.restartCount}×` : '';
  switch (info.state) {
    case 'running': {
      if (info.health?.status === 'unhealthy') {
        const output = lastHealthOutput(info);
        const check = lastHealthCheck(info);
        return {
          ok: false,
          detail: `running but unhealthy${check !== undefined ? `: its health check ${checkFailureWords(check)}` : ''}${restarted}`,
          ...(output !== undefined ? { output: clip(output, 2000) } : {}),
        };
      }
      return { ok: true, detail: `running${info.health ? ` (${info.health.status})` : ''}${restarted}` };
    }
    case 'exited':
    case 'dead': {
      const oom = info.oomKilled === true ? ', killed for running out of memory' : '';
      if (info.state === 'exited' && info.exitCode === 0 && info.oomKilled !== true) {
        return oneShot
          ? { ok: true, detail: 'completed (exit code 0)' }
          : { ok: false, detail: `exited with code 0${restarted}, but it should keep running` };
      }
      return { ok: false, detail: `${info.state} with code ${info.exitCode}${oom}${restarted}` };
    }
    case 'restarting':
      return { ok: false, detail: `restarting (last exit code ${info.exitCode}${restarted})` };
    default:
      return { ok: false, detail: info.state };
  }
}

/** The probe name of a container: `container`, or `container-N` for replica N > 1. */
export function containerProbeName(labels: Readonly<Record<string, string>>, replicaLabel: string): string {
  const replica = Number(labels[replicaLabel] ?? '1');
  return Number.isInteger(replica) && replica > 1 ? `container-${replica}` : 'container';
}
