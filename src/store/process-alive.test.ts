import { spawnSync } from 'node:child_process';
import { hostname } from 'node:os';
import { describe, expect, it } from 'vitest';
import { processIsAlive } from './process-alive.js';

describe('processIsAlive', () => {
  it('is true for a live process here and for any holder on another host', () => {
    expect(processIsAlive({ pid: process.pid, host: hostname(), token: 't' })).toBe(true);
    expect(processIsAlive({ pid: 999_999_999, host: `not-${hostname()}`, token: 't' })).toBe(true);
  });

  it('is false for a process of this host that has exited', () => {
    const child = spawnSync(process.execPath, ['-e', '0']);
    expect(child.pid).toBeGreaterThan(0);
    expect(processIsAlive({ pid: child.pid ?? 0, host: hostname(), token: 't' })).toBe(false);
  });
});
