import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { createRequire } from 'node:module';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { builtinXBerthRegistry } from '../src/app/registry.js';
import { loadWorkspace } from '../src/compose/stack.js';
import { apiFigures } from './lib/api-figures.js';
import { startFloor } from './lib/api-floor.js';
import { shebangNodeArgs, startPeer } from './lib/api-peer.js';
import { cookieFrom } from './lib/api-token.js';
import { ENTRY_SOURCE, PACKAGE_JSON, tscErrors } from './lib/build.js';
import { dueBy, pacedLoad, timerDelay } from './lib/pace.js';
import { parseProcStatCpuMs, parseProcStatus, procMemory } from './lib/serve.js';
import { loadStats, percentile } from './lib/stats.js';
import { benchWorkspace, writeBenchWorkspace } from './lib/workspace.js';

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

describe('loadStats', () => {
  it('summarizes ascending latencies with the rate and failures', () => {
    const sorted = Array.from({ length: 200 }, (_, i) => (i + 1) / 10);
    expect(loadStats(sorted, 499.5, 3)).toEqual({
      p50: 10,
      p90: 18,
      p99: 19.8,
      max: 20,
      rate: 499.5,
      ok: 200,
      failed: 3,
    });
    const empty = loadStats([], 0, 7);
    expect(empty.p99).toBeNaN();
    expect(empty.max).toBeNaN();
    expect(empty.ok).toBe(0);
  });
});

describe('compiled build', () => {
  it('runs main from dist/ like bin/berth.js, as an ES module', () => {
    expect(ENTRY_SOURCE).toContain("from './dist/cli/main.js'");
    expect(ENTRY_SOURCE).toContain('process.exitCode = await main(process.argv.slice(2))');
    expect(JSON.parse(PACKAGE_JSON)).toEqual({ private: true, type: 'module' });
  });

  it('keeps only the error lines of tsc output', () => {
    const output = [
      "src/cli/http-client.ts(38,14): error TS2420: Class 'HttpClient' incorrectly implements interface 'BerthClient'.",
      "  Property 'config' is missing in type 'HttpClient' but required in type 'BerthClient'.",
      '',
    ].join('\n');
    expect(tscErrors(output)).toEqual([
      "src/cli/http-client.ts(38,14): error TS2420: Class 'HttpClient' incorrectly implements interface 'BerthClient'.",
    ]);
    expect(tscErrors('')).toEqual([]);
  });
});

describe('pacer', () => {
  it('counts the requests due, the first at the start', () => {
    expect(dueBy(99.9, 100, 2, 10)).toBe(0);
    expect(dueBy(100, 100, 2, 10)).toBe(1);
    expect(dueBy(101.9, 100, 2, 10)).toBe(1);
    expect(dueBy(102, 100, 2, 10)).toBe(2);
    expect(dueBy(1000, 100, 2, 10)).toBe(10);
  });

  it('waits whole milliseconds, never less than 0', () => {
    expect(timerDelay(100, 102.7)).toBe(2);
    expect(timerDelay(100, 100.4)).toBe(0);
    expect(timerDelay(100, 98)).toBe(0);
  });

  it('sends the asked number of requests at the asked rate', async () => {
    let requests = 0;
    const server = createServer((req, res) => {
      requests++;
      res.statusCode = req.headers.authorization === 'Bearer t' ? 200 : 401;
      res.end('{}');
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const { port } = server.address() as AddressInfo;
      const result = await pacedLoad({
        url: `http://127.0.0.1:${port}/`,
        headers: { authorization: 'Bearer t' },
        rate: 200,
        durationS: 0.25,
        sockets: 3,
      });
      expect(result.sent).toBe(50);
      expect(result.latencies).toHaveLength(50);
      expect(result.lags).toHaveLength(50);
      expect(result.non2xx + result.errors).toBe(0);
      expect(requests).toBe(50 + 3); // and one warm-up request per socket
      expect(result.sendRate).toBeGreaterThan(150);
      expect(result.sendRate).toBeLessThan(250);
    } finally {
      server.close();
    }
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

describe('api bench', () => {
  it("reads the node flags of bin/berth.js's shebang", () => {
    expect(shebangNodeArgs('#!/usr/bin/env -S node --max-semi-space-size=2\n// x')).toEqual([
      '--max-semi-space-size=2',
    ]);
    expect(shebangNodeArgs('#!/usr/bin/env -S node --a=1 --b\n')).toEqual(['--a=1', '--b']);
    expect(shebangNodeArgs('#!/usr/bin/env node\n')).toEqual([]);
    expect(shebangNodeArgs('// no shebang\n')).toEqual([]);
  });

  it('puts each figure beside its goal, with the peer and Berth above it', () => {
    const load = (rate: number, cpu: number, p99: number) => ({
      rate,
      cpuMsPerResponse: cpu,
      lagP99: 0.1,
      stats: { p50: 1, p90: 2, p99, max: 9, rate, ok: 100, failed: 0 },
    });
    const figures = apiFigures(
      { idleKiB: 70_000, afterKiB: 110_000, loads: [load(500, 0.2, 3), load(2000, 0.09, 6)] },
      { idleKiB: 50_000, afterKiB: 51_000, loads: [load(500, 0.125, 1), load(2000, 0.05, 2)] },
    );
    const get = (name: string) => figures.find((f) => f.figure === name);
    expect(get('GET /api/v1/stacks at 500 req/s: server CPU per response')).toMatchObject({
      value: '0.200 ms',
      goal: '< 0.1 ms',
      met: false,
    });
    expect(
      get("GET /api/v1/stacks at 500 req/s: Berth's own CPU per response (above the peer)"),
    ).toMatchObject({
      value: '0.075 ms',
      met: true,
    });
    expect(get('GET /api/v1/stacks at 500 req/s: CPU per response vs the peer')?.value).toBe('1.60x');
    expect(get('GET /api/v1/stacks at 2000 req/s: p99 latency')).toMatchObject({ met: false });
    expect(get('RSS idle (restarted after setup, one request, 5 s)')).toMatchObject({
      value: '71.7 MB',
      met: true,
    });
    expect(get('RSS after the loads')).toMatchObject({ value: '112.6 MB', met: false });
    expect(figures.some((f) => f.figure.startsWith('library floor'))).toBe(false);
    const withFloor = apiFigures(
      { idleKiB: 70_000, afterKiB: 110_000, loads: [] },
      { idleKiB: 50_000, afterKiB: 51_000, loads: [] },
      60_000,
    );
    expect(withFloor.find((f) => f.figure.startsWith('library floor'))).toMatchObject({
      value: '61.4 MB',
      goal: '',
    });
  });

  it("runs the library floor: Berth's body through Hono, with every library loaded", async () => {
    const dir = mkdtempSync(join(tmpdir(), 'berth-bench-floor-'));
    const bodyFile = join(dir, 'body.json');
    writeFileSync(bodyFile, '{"items":[1]}');
    const composeFile = join(dir, 'compose.yaml');
    writeFileSync(composeFile, 'services:\n  web:\n    image: local/busybox:1\n');
    // dockerode as the floor gets it from Berth's compiled loader (real dockerode, loaded directly).
    const dockerodeModule = join(dir, 'dockerode-loader.mjs');
    const dockerode = pathToFileURL(createRequire(import.meta.url).resolve('dockerode')).href;
    writeFileSync(
      dockerodeModule,
      `export const loadDockerode = async () => (await import(${JSON.stringify(dockerode)})).default;\n`,
    );
    const repoRoot = join(dirname(fileURLToPath(import.meta.url)), '..');
    // No engine at this socket: the floor's version call fails, as it may, and it serves anyway.
    const engineSocket = join(dir, 'no-engine.sock');
    const floor = await startFloor(
      { repoRoot, dockerodeModule, bodyFile, composeFile, dir, engineSocket },
      [],
    );
    try {
      const response = await fetch(`${floor.url}/api/v1/stacks`);
      expect(response.headers.get('content-type')).toBe('application/json');
      expect(await response.text()).toBe('{"items":[1]}');
      expect(procMemory(floor.pid).rssKiB).toBeGreaterThan(0);
    } finally {
      await floor.stop();
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('runs a peer that answers the given body', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'berth-bench-peer-'));
    const file = join(dir, 'body.json');
    writeFileSync(file, '{"items":[]}');
    const peer = await startPeer(file, []);
    try {
      const response = await fetch(`${peer.url}/anything`);
      expect(response.headers.get('content-type')).toBe('application/json');
      expect(await response.text()).toBe('{"items":[]}');
    } finally {
      await peer.stop();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
