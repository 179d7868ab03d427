// The I/O half of ending an exec's process: the engine's ExecInspect (its pid, whether it still
// runs), this host's /proc, and process.kill. The decisions are in ./exec-kill.ts.
import { readdirSync, readFileSync } from 'node:fs';
import { type EndOutcome, endExecProcess, type KillProcess, type ProcReader } from './exec-kill.js';
import { seg, type Transport } from './transport.js';

/** How long the engine gets to say where the exec's process is. */
const INSPECT_TIMEOUT_MS = 5000;

function read(path: string): string | undefined {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return undefined;
  }
}

/** This host's /proc (`root` elsewhere in tests of the reader itself). */
export function procReader(root = '/proc'): ProcReader {
  return {
    cgroup(pid) {
      const cgroup = read(`${root}/${pid}/cgroup`);
      if (cgroup === undefined) return undefined;
      const cpuset = read(`${root}/${pid}/cpuset`);
      return cpuset === undefined ? cgroup : `${cgroup}\n${cpuset}`;
    },
    cmdline: (pid) => read(`${root}/${pid}/cmdline`),
    children(pid) {
      let tasks: string[];
      try {
        tasks = readdirSync(`${root}/${pid}/task`);
      } catch {
        return undefined;
      }
      return tasks.map((tid) => read(`${root}/${pid}/task/${tid}/children`) ?? '').join(' ');
    },
  };
}

export const killProcess: KillProcess = (pid) => {
  process.kill(pid, 'SIGKILL');
};

export interface EndDeps {
  readonly proc: ProcReader;
  readonly kill: KillProcess;
}

export const HOST_PROCESSES: EndDeps = { proc: procReader(), kill: killProcess };

/**
 * Ends the process of exec `execId` (started with `argv`) and its descendants, if the engine says
 * it still runs and /proc proves which process it is. Never throws: the outcome says what happened.
 */
export async function endExec(
  transport: Transport,
  execId: string,
  argv: readonly string[],
  deps: EndDeps = HOST_PROCESSES,
): Promise<EndOutcome> {
  let raw: { Running?: boolean; Pid?: number; ContainerID?: string };
  try {
    raw = (await transport.json({
      method: 'GET',
      path: `/exec/${seg(execId)}/json`,
      signal: AbortSignal.timeout(INSPECT_TIMEOUT_MS),
      action: 'inspect exec',
      resource: `exec ${execId}`,
    })) as typeof raw;
  } catch (error: unknown) {
    const why = error instanceof Error ? error.message : String(error);
    return { kind: 'failed', reason: `the engine did not say where it runs (${why})` };
  }
  if (raw.Running !== true) return { kind: 'already-ended' };
  const pid = raw.Pid ?? 0;
  if (!Number.isSafeInteger(pid) || pid <= 0) {
    return { kind: 'failed', reason: 'the engine reported no process id' };
  }
  return endExecProcess(deps.proc, deps.kill, { pid, containerId: raw.ContainerID ?? '', argv });
}
