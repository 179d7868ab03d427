// Ending an exec's process after a timeout or an abort (pure: /proc is read and signals are sent
// through what the caller passes in). The engine reports the process id in its own (the host's)
// pid namespace; Berth signals it only when /proc, as Berth sees it, proves that this pid is that
// exec's process: it belongs to the container's cgroup and runs the exec's command. Anything else
// (Berth in another pid namespace, a remote engine, a pid reused meanwhile) is left alone.
import { FULL_ID, inContainerCgroup, parseChildren, parseCmdline, shellExecArgv } from './proc-text.js';

/** What is read from /proc for one process; `undefined`: no such process (or unreadable). */
export interface ProcReader {
  /** `/proc/<pid>/cgroup`, and `/proc/<pid>/cpuset` after it when there is one. */
  cgroup(pid: number): string | undefined;
  /** `/proc/<pid>/cmdline`: the arguments, each ended by a NUL. */
  cmdline(pid: number): string | undefined;
  /** The contents of every `/proc/<pid>/task/<tid>/children`, joined by spaces. */
  children(pid: number): string | undefined;
}

/** Sends SIGKILL to `pid`; throws like `process.kill` (an error with `code` ESRCH, EPERM…). */
export type KillProcess = (pid: number) => void;

/** How an attempt to end an exec's process went. */
export type EndOutcome =
  | { readonly kind: 'killed'; readonly pid: number; readonly descendants: number }
  | { readonly kind: 'already-ended' }
  | { readonly kind: 'not-started' }
  | { readonly kind: 'unverified'; readonly pid: number; readonly reason: string }
  | { readonly kind: 'failed'; readonly reason: string };

const sameArgv = (a: readonly string[], b: readonly string[]) =>
  a.length === b.length && a.every((value, i) => value === b[i]);

export type Verdict =
  | { readonly verified: true }
  | { readonly verified: false; readonly gone: boolean; readonly reason: string };

/** Whether `pid` is, as `proc` sees it, the exec of `argv` in container `containerId`. */
export function verifyExecProcess(
  proc: ProcReader,
  pid: number,
  containerId: string,
  argv: readonly string[],
): Verdict {
  if (!FULL_ID.test(containerId)) {
    return { verified: false, gone: false, reason: `the engine gave no full container id (${containerId})` };
  }
  const cgroup = proc.cgroup(pid);
  const cmdline = proc.cmdline(pid);
  if (cgroup === undefined || cmdline === undefined) {
    return { verified: false, gone: false, reason: `no process ${pid} is visible here` };
  }
  if (!inContainerCgroup(cgroup, containerId)) {
    return { verified: false, gone: false, reason: `process ${pid} here is not in the container's cgroup` };
  }
  const args = parseCmdline(cmdline);
  // A zombie (ended, not yet reaped) has no arguments left.
  if (args.length === 0) return { verified: false, gone: true, reason: `process ${pid} has ended` };
  const replaced = shellExecArgv(argv);
  if (sameArgv(args, argv) || (replaced !== undefined && sameArgv(args, replaced))) return { verified: true };
  return {
    verified: false,
    gone: false,
    reason: `process ${pid} runs ${JSON.stringify(args)}, not the exec's command`,
  };
}

/** `root` and its descendants in the container's cgroup, parents before children. */
export function processTree(proc: ProcReader, root: number, containerId: string, limit = 4096): number[] {
  const tree = [root];
  const seen = new Set(tree);
  for (let i = 0; i < tree.length && tree.length < limit; i++) {
    const pid = tree[i] as number;
    for (const child of parseChildren(proc.children(pid) ?? '')) {
      if (tree.length >= limit) break;
      if (seen.has(child)) continue;
      seen.add(child);
      const cgroup = proc.cgroup(child);
      if (cgroup !== undefined && inContainerCgroup(cgroup, containerId)) tree.push(child);
    }
  }
  return tree;
}

const codeOf = (error: unknown) =>
  typeof error === 'object' && error !== null && 'code' in error ? String(error.code) : undefined;

/**
 * Ends the exec's process `pid` and its descendants with SIGKILL, once verified (see
 * verifyExecProcess); a process that ended meanwhile (ESRCH) needs nothing.
 */
export function endExecProcess(
  proc: ProcReader,
  kill: KillProcess,
  target: { readonly pid: number; readonly containerId: string; readonly argv: readonly string[] },
): EndOutcome {
  const { pid, containerId, argv } = target;
  const verdict = verifyExecProcess(proc, pid, containerId, argv);
  if (!verdict.verified) {
    return verdict.gone ? { kind: 'already-ended' } : { kind: 'unverified', pid, reason: verdict.reason };
  }
  // Listed before any is signalled: a killed parent's children are handed to another parent.
  const tree = processTree(proc, pid, containerId);
  let killed = 0;
  for (const member of tree) {
    try {
      kill(member);
      killed++;
    } catch (error: unknown) {
      const code = codeOf(error);
      if (code === 'ESRCH') continue;
      if (member === pid) {
        const why = code === 'EPERM' ? 'not permitted (is Berth running as root?)' : String(code ?? error);
        return { kind: 'failed', reason: `signalling process ${pid}: ${why}` };
      }
    }
  }
  if (killed === 0) return { kind: 'already-ended' };
  return { kind: 'killed', pid, descendants: tree.length - 1 };
}

/** The outcome in words, to append to the timeout's message. */
export function describeEnd(outcome: EndOutcome): string {
  switch (outcome.kind) {
    case 'killed': {
      const others = outcome.descendants === 1 ? '1 descendant' : `${outcome.descendants} descendants`;
      return `the process was killed: pid ${outcome.pid} and ${others}, SIGKILL`;
    }
    case 'already-ended':
      return 'the process had ended';
    case 'not-started':
      return 'the process was not started';
    case 'unverified':
      return (
        `the process may still run: ${outcome.reason}, so nothing was signalled; ` +
        "is Berth outside the engine's pid namespace, or is the engine remote?"
      );
    case 'failed':
      return `the process may still run: ${outcome.reason}`;
  }
}
