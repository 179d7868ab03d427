import { describe, expect, it } from 'vitest';
import { describeEnd, endExecProcess, type ProcReader, processTree, verifyExecProcess } from './exec-kill.js';

const ID = 'f5d59cb92fdfc77099c11409cb89c71226f1e17398e08764e75f57cf543c73e4';
const OTHER = 'a748b8baefcd60823f16b4aa580cc0e185e59676b59a096028c85bc4d67d1fde';
const v1 = (id: string) => `12:pids:/docker/${id}\n4:memory:/docker/${id}\n0::/docker/${id}\n`;

interface FakeProcess {
  readonly cgroup: string;
  readonly argv: readonly string[];
  readonly children?: string;
}

/** A /proc of a few processes, as text. */
function procOf(table: Record<number, FakeProcess>): ProcReader {
  return {
    cgroup: (pid) => table[pid]?.cgroup,
    cmdline: (pid) => {
      const entry = table[pid];
      return entry === undefined ? undefined : entry.argv.map((arg) => `${arg}\0`).join('');
    },
    children: (pid) => (table[pid] === undefined ? undefined : (table[pid]?.children ?? '')),
  };
}

/** A kill that records the pids and fails as `errors` says for some. */
function recorder(errors: Record<number, string> = {}) {
  const killed: number[] = [];
  const kill = (pid: number) => {
    const code = errors[pid];
    if (code !== undefined) throw Object.assign(new Error(`kill ${pid}: ${code}`), { code });
    killed.push(pid);
  };
  return { killed, kill };
}

describe('verifyExecProcess', () => {
  const shell = ['sh', '-c', 'sleep 300'];

  it('verifies the exec’s own command in the container', () => {
    const proc = procOf({ 7: { cgroup: v1(ID), argv: shell } });
    expect(verifyExecProcess(proc, 7, ID, shell)).toStrictEqual({ verified: true });
  });

  it('verifies a shell that replaced itself with its one command', () => {
    const proc = procOf({ 7: { cgroup: v1(ID), argv: ['sleep', '300'] } });
    expect(verifyExecProcess(proc, 7, ID, shell)).toStrictEqual({ verified: true });
  });

  it('refuses a pid this /proc does not have (another pid namespace, a remote engine)', () => {
    expect(verifyExecProcess(procOf({}), 7, ID, shell)).toMatchObject({
      verified: false,
      gone: false,
      reason: 'no process 7 is visible here',
    });
  });

  it('refuses a process of another cgroup, even running the same command', () => {
    const proc = procOf({ 7: { cgroup: v1(OTHER), argv: shell }, 8: { cgroup: '0::/\n', argv: shell } });
    expect(verifyExecProcess(proc, 7, ID, shell)).toMatchObject({ verified: false, gone: false });
    expect(verifyExecProcess(proc, 8, ID, shell)).toMatchObject({
      verified: false,
      reason: "process 8 here is not in the container's cgroup",
    });
  });

  it('refuses a process of the container running something else', () => {
    const proc = procOf({ 7: { cgroup: v1(ID), argv: ['nginx', '-g', 'daemon off;'] } });
    expect(verifyExecProcess(proc, 7, ID, shell)).toMatchObject({ verified: false, gone: false });
    expect(verifyExecProcess(proc, 7, ID, ['sleep', '300'])).toMatchObject({ verified: false, gone: false });
  });

  it('refuses a command that differs only in an argument', () => {
    const proc = procOf({ 7: { cgroup: v1(ID), argv: ['sleep', '301'] } });
    expect(verifyExecProcess(proc, 7, ID, ['sleep', '300'])).toMatchObject({ verified: false });
    expect(verifyExecProcess(proc, 7, ID, ['sleep', '300', ''])).toMatchObject({ verified: false });
  });

  it('takes a zombie (no arguments left) as ended', () => {
    const proc = procOf({ 7: { cgroup: v1(ID), argv: [] } });
    expect(verifyExecProcess(proc, 7, ID, shell)).toMatchObject({ verified: false, gone: true });
  });

  it('verifies nothing without the full container id', () => {
    const proc = procOf({ 7: { cgroup: v1(ID), argv: shell } });
    expect(verifyExecProcess(proc, 7, ID.slice(0, 12), shell)).toMatchObject({
      verified: false,
      gone: false,
    });
    expect(verifyExecProcess(proc, 7, '', shell)).toMatchObject({ verified: false, gone: false });
  });
});

describe('processTree', () => {
  it('lists descendants of the container, parents first, once each', () => {
    const proc = procOf({
      7: { cgroup: v1(ID), argv: ['sh'], children: '8 9' },
      8: { cgroup: v1(ID), argv: ['a'], children: '10 7' },
      9: { cgroup: v1(ID), argv: ['b'] },
      10: { cgroup: v1(ID), argv: ['c'] },
    });
    expect(processTree(proc, 7, ID)).toStrictEqual([7, 8, 9, 10]);
  });

  it('leaves out (and does not descend into) processes of another cgroup, or gone', () => {
    const proc = procOf({
      7: { cgroup: v1(ID), argv: ['sh'], children: '8 9 11' },
      8: { cgroup: v1(OTHER), argv: ['a'], children: '10' },
      9: { cgroup: v1(ID), argv: ['b'] },
      10: { cgroup: v1(ID), argv: ['c'] },
    });
    expect(processTree(proc, 7, ID)).toStrictEqual([7, 9]);
  });

  it('stops at the limit', () => {
    const proc = procOf({
      7: { cgroup: v1(ID), argv: ['sh'], children: '8 9 10' },
      8: { cgroup: v1(ID), argv: ['a'] },
      9: { cgroup: v1(ID), argv: ['b'] },
      10: { cgroup: v1(ID), argv: ['c'] },
    });
    expect(processTree(proc, 7, ID, 2)).toStrictEqual([7, 8]);
    expect(processTree(proc, 7, ID, 1)).toStrictEqual([7]);
  });
});

describe('endExecProcess', () => {
  const argv = ['sh', '-c', 'sleep 300 & sleep 301; wait'];
  const tree = () =>
    procOf({
      7: { cgroup: v1(ID), argv, children: '8 9' },
      8: { cgroup: v1(ID), argv: ['sleep', '300'] },
      9: { cgroup: v1(ID), argv: ['sleep', '301'] },
      20: { cgroup: v1(ID), argv: ['sleep', '3600'] },
    });

  it('kills the verified process, then its descendants, and nothing else', () => {
    const { killed, kill } = recorder();
    expect(endExecProcess(tree(), kill, { pid: 7, containerId: ID, argv })).toStrictEqual({
      kind: 'killed',
      pid: 7,
      descendants: 2,
    });
    expect(killed).toStrictEqual([7, 8, 9]);
  });

  it('signals nothing when the pid is not verified', () => {
    const { killed, kill } = recorder();
    const outcome = endExecProcess(tree(), kill, { pid: 20, containerId: ID, argv });
    expect(outcome).toMatchObject({ kind: 'unverified', pid: 20 });
    expect(endExecProcess(tree(), kill, { pid: 7, containerId: OTHER, argv })).toMatchObject({
      kind: 'unverified',
    });
    expect(endExecProcess(procOf({}), kill, { pid: 7, containerId: ID, argv })).toMatchObject({
      kind: 'unverified',
    });
    expect(killed).toStrictEqual([]);
  });

  it('ignores processes that ended meanwhile (ESRCH)', () => {
    const { killed, kill } = recorder({ 7: 'ESRCH', 8: 'ESRCH' });
    expect(endExecProcess(tree(), kill, { pid: 7, containerId: ID, argv })).toMatchObject({ kind: 'killed' });
    expect(killed).toStrictEqual([9]);
    const none = recorder({ 7: 'ESRCH', 8: 'ESRCH', 9: 'ESRCH' });
    expect(endExecProcess(tree(), none.kill, { pid: 7, containerId: ID, argv })).toStrictEqual({
      kind: 'already-ended',
    });
  });

  it('says a zombie had ended, without signalling it', () => {
    const { killed, kill } = recorder();
    const proc = procOf({ 7: { cgroup: v1(ID), argv: [] } });
    expect(endExecProcess(proc, kill, { pid: 7, containerId: ID, argv })).toStrictEqual({
      kind: 'already-ended',
    });
    expect(killed).toStrictEqual([]);
  });

  it('reports a refused signal to the process itself', () => {
    const { kill } = recorder({ 7: 'EPERM' });
    expect(endExecProcess(tree(), kill, { pid: 7, containerId: ID, argv })).toStrictEqual({
      kind: 'failed',
      reason: 'signalling process 7: not permitted (is Berth running as root?)',
    });
  });

  it('goes on past a descendant it may not signal', () => {
    const { killed, kill } = recorder({ 8: 'EPERM' });
    expect(endExecProcess(tree(), kill, { pid: 7, containerId: ID, argv })).toMatchObject({ kind: 'killed' });
    expect(killed).toStrictEqual([7, 9]);
  });
});

describe('describeEnd', () => {
  it.each([
    [
      { kind: 'killed', pid: 7, descendants: 0 } as const,
      'the process was killed: pid 7 and 0 descendants, SIGKILL',
    ],
    [
      { kind: 'killed', pid: 7, descendants: 1 } as const,
      'the process was killed: pid 7 and 1 descendant, SIGKILL',
    ],
    [{ kind: 'already-ended' } as const, 'the process had ended'],
    [{ kind: 'not-started' } as const, 'the process was not started'],
    [{ kind: 'failed', reason: 'boom' } as const, 'the process may still run: boom'],
  ])('%j', (outcome, text) => {
    expect(describeEnd(outcome)).toBe(text);
  });

  it('says an unverified process may still run, and why nothing was signalled', () => {
    const text = describeEnd({ kind: 'unverified', pid: 7, reason: 'no process 7 is visible here' });
    expect(text).toMatch(
      /^the process may still run: no process 7 is visible here, so nothing was signalled; is Berth outside/,
    );
    expect(text).toContain('pid namespace');
  });
});
