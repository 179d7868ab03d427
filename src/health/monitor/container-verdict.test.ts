import { describe, expect, it } from 'vitest';
import { containerInfo } from '../../../test/support/health-fixtures.js';
import type { ContainerInfo } from '../../engine/model.js';
import { containerProbeName, containerVerdict } from './container-verdict.js';

const info = (o: Partial<ContainerInfo>): ContainerInfo =>
  containerInfo({ name: 'shop-web-1', labels: {}, ...o });
const health = (status: 'starting' | 'healthy' | 'unhealthy', output = '', exitCode = 1) => ({
  status,
  failingStreak: 0,
  log: output ? [{ exitCode, output, start: '', end: '' }] : [],
});

describe('containerVerdict', () => {
  it.each([
    [{}, true, 'running'],
    [{ health: health('healthy') }, true, 'running (healthy)'],
    [{ health: health('starting') }, true, 'running (starting)'],
    // A service that should keep running and exited 0 (stopped, or a server that exits 0 on SIGTERM).
    [{ state: 'exited', exitCode: 0 }, false, 'exited with code 0, but it should keep running'],
    [{ state: 'exited', exitCode: 1, restartCount: 2 }, false, 'exited with code 1, restarted 2×'],
    [
      { state: 'exited', exitCode: 137, oomKilled: true },
      false,
      'exited with code 137, killed for running out of memory',
    ],
    [
      { state: 'restarting', exitCode: 1, restartCount: 5 },
      false,
      'restarting (last exit code 1, restarted 5×)',
    ],
    [{ state: 'paused' }, false, 'paused'],
    [{ state: 'created' }, false, 'created'],
  ] as const)('%j → %s %s', (o, ok, detail) => {
    expect(containerVerdict(info(o as Partial<ContainerInfo>), false)).toEqual({ ok, detail });
  });

  it('says an unhealthy container’s check exit code; what the check printed is output, apart', () => {
    const derived = 'derived-c3VwZXJzZWNyZXQK';
    expect(containerVerdict(info({ health: health('unhealthy', `${derived}\n`) }), false)).toEqual({
      ok: false,
      detail: 'running but unhealthy: its health check exited 1',
      output: derived,
    });
    expect(containerVerdict(info({ health: health('unhealthy') }), false)).toEqual({
      ok: false,
      detail: 'running but unhealthy',
    });
  });

  it('says a check that could not start its command or timed out so, not just exit -1 (real health logs)', () => {
    const pgrep =
      'OCI runtime exec failed: exec failed: unable to start container process: exec: "pgrep": executable file not found in $PATH: unknown';
    expect(containerVerdict(info({ health: health('unhealthy', pgrep, -1) }), false).detail).toBe(
      'running but unhealthy: its health check could not start its command: "pgrep": executable file not found in $PATH',
    );
    const timeout = 'Health check exceeded timeout (1s)';
    expect(containerVerdict(info({ health: health('unhealthy', timeout, -1) }), false).detail).toBe(
      'running but unhealthy: its health check timed out after 1s',
    );
    expect(
      containerVerdict(info({ health: health('unhealthy', '/bin/sh: pgrep: not found\n', 127) }), false)
        .detail,
    ).toBe('running but unhealthy: its health check exited 127: command not found ("pgrep")');
  });

  it.each([
    [{ state: 'exited', exitCode: 0 }, true, 'completed (exit code 0)'],
    [{ state: 'exited', exitCode: 2 }, false, 'exited with code 2'],
    [
      { state: 'exited', exitCode: 0, oomKilled: true },
      false,
      'exited with code 0, killed for running out of memory',
    ],
    [{}, true, 'running'],
  ] as const)('a one-shot service: %j → %s %s', (o, ok, detail) => {
    expect(containerVerdict(info(o as Partial<ContainerInfo>), true)).toEqual({ ok, detail });
  });
});

describe('containerProbeName', () => {
  it('names replicas after the first', () => {
    expect(containerProbeName({}, 'r')).toBe('container');
    expect(containerProbeName({ r: '1' }, 'r')).toBe('container');
    expect(containerProbeName({ r: '3' }, 'r')).toBe('container-3');
    expect(containerProbeName({ r: 'x' }, 'r')).toBe('container');
  });
});
