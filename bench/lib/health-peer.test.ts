import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { afterEach, describe, expect, it } from 'vitest';
import { startPeer } from './health-peer.js';
import { startTarget, type Target } from './health-target.js';

let target: Target | undefined;
let dir: string | undefined;
afterEach(async () => {
  await target?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('the health peer', () => {
  it('fires every target on its interval and reports the window only', async () => {
    target = await startTarget();
    dir = mkdtempSync(join(tmpdir(), 'berth-health-peer-'));
    const url = target.url;
    const targets = Array.from({ length: 4 }, (_, i) => ({ url: `${url}/peer/p${i}`, offsetMs: i * 50 }));
    const peer = await startPeer(dir, { targets, intervalMs: 200, timeoutMs: 1000, maxMs: 10_000 }, {});
    await delay(300);
    peer.mark();
    await delay(1_000);
    const report = await peer.finish();
    // 4 targets × 1 s / 200 ms = 20 runs, give or take the edges of the window.
    expect(report.runs).toBeGreaterThanOrEqual(16);
    expect(report.runs).toBeLessThanOrEqual(24);
    expect(report.lagsMs).toHaveLength(report.runs);
    expect(report.failed).toBe(0);
    expect(report.ok).toBeGreaterThanOrEqual(report.runs - 4);
    expect(target.counts().peer).toBeGreaterThanOrEqual(report.runs);
  });
});
