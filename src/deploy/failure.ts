import type { ServiceFailure } from '../api/deploy.js';
import type { Engine } from '../engine/model.js';
import { lastHealthOutput } from '../health/index.js';
import { inspectOrMissing } from './gatekeeper.js';

const CRASH_EXIT_POLLS = 20;
const CRASH_EXIT_POLL_MS = 100;

/** What an operator needs to see about a failed container: exit code, last health output, log tail. */
export async function describeFailure(
  engine: Engine,
  service: string,
  containerId: string | undefined,
  reason: string,
  detail: string,
  sleep?: (ms: number) => Promise<void>,
  /** The gate's last check output (Berth's own probe): used when Docker's health log has none. */
  checkOutput?: string,
): Promise<ServiceFailure> {
  if (!containerId) return { service, reason, detail, logTail: [] };
  let info = await inspectOrMissing(engine, containerId);
  // A crash-looping container caught between two runs reads `running` with its exit code reset:
  // look again for a moment, so the report can say how it exited (it exits again within ~2 s).
  for (
    let i = 0;
    sleep && reason === 'crash-loop' && info?.state === 'running' && i < CRASH_EXIT_POLLS;
    i++
  ) {
    await sleep(CRASH_EXIT_POLL_MS);
    info = await inspectOrMissing(engine, containerId);
  }
  const logTail: string[] = [];
  try {
    for await (const line of engine.logs.logs(containerId, { tail: 20 }))
      logTail.push(`${line.stream === 'stderr' ? '!' : ' '} ${line.line}`);
  } catch {
    // The container may be gone: the failure is still reported, with what is known.
  }
  const health = (info ? lastHealthOutput(info) : undefined) ?? checkOutput;
  return {
    service,
    ...(info ? { container: info.name } : {}),
    reason,
    detail,
    ...(info && info.state !== 'running' ? { exitCode: info.exitCode } : {}),
    logTail: logTail.slice(-20),
    ...(health ? { healthOutput: health } : {}),
  };
}
