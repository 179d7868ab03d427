import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { procReader } from './exec-end.js';
import { parseCmdline } from './proc-text.js';

const root = mkdtempSync(join(tmpdir(), 'berth-proc-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

function fakeProcess(pid: number, files: Record<string, string>) {
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(join(root, String(pid), path, '..'), { recursive: true });
    writeFileSync(join(root, String(pid), path), text);
  }
}

describe('procReader', () => {
  it('reads cgroup (with cpuset), cmdline and the children of every task', () => {
    fakeProcess(7, {
      cgroup: '0::/docker/abc\n',
      cpuset: '/docker/abc\n',
      cmdline: 'sleep\x00300\x00',
      'task/7/children': '8 9 ',
      'task/12/children': '10 ',
    });
    const proc = procReader(root);
    expect(proc.cgroup(7)).toBe('0::/docker/abc\n\n/docker/abc\n');
    expect(proc.cmdline(7)).toBe('sleep\x00300\x00');
    expect(proc.children(7)?.split(/\s+/).filter(Boolean).sort()).toStrictEqual(['10', '8', '9']);
  });

  it('answers undefined for a process that is not there', () => {
    const proc = procReader(root);
    expect(proc.cgroup(99)).toBeUndefined();
    expect(proc.cmdline(99)).toBeUndefined();
    expect(proc.children(99)).toBeUndefined();
  });

  it.runIf(process.platform === 'linux')('reads this very process from the real /proc', () => {
    const proc = procReader();
    expect(proc.cgroup(process.pid)).toMatch(/\S/);
    expect(parseCmdline(proc.cmdline(process.pid) ?? '').length).toBeGreaterThan(0);
    expect(proc.children(process.pid)).toBeDefined();
  });
});
