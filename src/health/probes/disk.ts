import { statfs } from 'node:fs/promises';
import type { ProbeCheck } from '../probe-types.js';
import {
  abortMessage,
  type CheckContext,
  elapsed,
  failed,
  messageOf,
  type RunResult,
  untilAborted,
} from './context.js';

export type DiskCheck = Extract<ProbeCheck, { type: 'disk' }>;

/**
 * Used space as `df` shows it: blocks reserved for root count neither as used nor as available,
 * so the percentage is of what ordinary users can fill (used / (used + available)).
 */
export function usedPercent(stats: { blocks: number; bfree: number; bavail: number }): number {
  const used = stats.blocks - stats.bfree;
  const total = used + stats.bavail;
  return total <= 0 ? 0 : Math.round((used / total) * 10_000) / 100;
}

/**
 * How full the filesystem holding a host path (or a named volume's directory) is. ok: the path
 * could be read; the limit is the probe's condition (`[DISK_USED_PERCENT] < 85`).
 */
export async function runDisk(check: DiskCheck, ctx: CheckContext): Promise<RunResult> {
  const start = performance.now();
  let path = check.path;
  if (check.on === 'volume') {
    if (!ctx.volumePath) return failed(`the host path of volume ${check.path} is not known`);
    try {
      path = await untilAborted(ctx.volumePath(check.path), ctx.signal);
    } catch (error: unknown) {
      if (ctx.signal.aborted) return failed(abortMessage(ctx.signal));
      return failed(`volume ${check.path}: ${messageOf(error)}`);
    }
  }
  const shown = check.on === 'volume' ? `volume ${check.path} (${path})` : path;
  try {
    // statfs cannot be cancelled; a hung mount (NFS) still ends the run on time.
    const stats = await untilAborted(statfs(path), ctx.signal);
    return { ok: true, measured: { diskUsedPercent: usedPercent(stats), responseTimeMs: elapsed(start) } };
  } catch (error: unknown) {
    if (ctx.signal.aborted) return failed(abortMessage(ctx.signal));
    const code = (error as { code?: unknown }).code;
    if (code === 'ENOENT') return failed(`${shown} does not exist`);
    if (code === 'EACCES') return failed(`${shown} cannot be read (permission denied)`);
    return failed(`${shown}: ${messageOf(error)}`);
  }
}
