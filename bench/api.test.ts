import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { builtinXBerthRegistry } from '../src/composition.js';
import { loadWorkspace } from '../src/spec/stack.js';
import { cookieFrom, percentile } from './api.js';
import { listeningAddress, parseProcStatCpuMs, parseProcStatus } from './lib/serve.js';
import { benchWorkspace, writeBenchWorkspace } from './lib/workspace.js';

describe('listeningAddress', () => {
  it('reads the first http address of the pino line', () => {
    const line =
      '{"level":30,"time":"2026-11-25T04:17:55.735Z","component":"server","addresses":["http://127.0.0.1:40809","unix:/run/b.sock"],"msg":"berth serve listening"}';
    expect(listeningAddress(line)).toBe('http://127.0.0.1:40809');
  });

  it('ignores other lines, other messages and broken JSON', () => {
    expect(listeningAddress('berth serve: listening on http://127.0.0.1:1 (workspace /w)')).toBeUndefined();
    expect(listeningAddress('{"msg":"request","addresses":["http://x:1"]}')).toBeUndefined();
    expect(listeningAddress('{"msg":"berth serve listening","addresses":["unix:/s"]}')).toBeUndefined();
    expect(listeningAddress('{"msg":"berth serve listening",')).toBeUndefined();
  });
});

describe('/proc parsing', () => {
  it('reads VmRSS and VmHWM in KiB', () => {
    const status =
      'Name:\tnode\nVmPeak:\t 1200000 kB\nVmHWM:\t  250000 kB\nVmRSS:\t  150123 kB\nThreads:\t11\n';
    expect(parseProcStatus(status)).toEqual({ rssKiB: 150_123, hwmKiB: 250_000 });
    expect(parseProcStatus('Name:\tkthreadd\n')).toBeUndefined();
  });

  it('reads utime + stime as ms, even with spaces and parentheses in the command name', () => {
    const stat = '4242 (node (x) y) S 1 4242 4242 0 -1 4194560 9000 0 0 0 250 30 0 0 20 0 11 0 100 1 2';
    expect(parseProcStatCpuMs(stat)).toBe(2800);
    expect(parseProcStatCpuMs('4242 (node) S 1')).toBeUndefined();
  });
});

describe('percentile', () => {
  it('uses the nearest rank', () => {
    const sorted = Array.from({ length: 100 }, (_, i) => i + 1);
    expect(percentile(sorted, 50)).toBe(50);
    expect(percentile(sorted, 99)).toBe(99);
    expect(percentile(sorted, 100)).toBe(100);
    expect(percentile([7], 99)).toBe(7);
    expect(percentile([], 50)).toBeNaN();
  });
});

describe('cookieFrom', () => {
  it('keeps only name=value of the named cookie', () => {
    const cookies = ['other=1; Path=/', 'berth_session=abc.def; Path=/; HttpOnly; SameSite=Strict'];
    expect(cookieFrom(cookies, 'berth_session')).toBe('berth_session=abc.def');
    expect(cookieFrom(cookies, 'missing')).toBeUndefined();
  });
});

describe('benchWorkspace', () => {
  it('is a catalog of 20 stacks that all load without errors', async () => {
    expect([...benchWorkspace(20).keys()].filter((path) => path.endsWith('compose.yaml'))).toHaveLength(20);
    const root = mkdtempSync(join(tmpdir(), 'berth-bench-ws-'));
    try {
      writeBenchWorkspace(root, 20);
      const result = await loadWorkspace(root, { env: {}, registry: builtinXBerthRegistry() });
      expect(result.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
      expect(result.workspace?.kind).toBe('catalog');
      expect(result.stacks).toHaveLength(20);
      const services = result.stacks.map((s) => Object.keys(s.model.services ?? {}).length);
      expect(services.reduce((a, b) => a + b, 0)).toBe(50);
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });
});
