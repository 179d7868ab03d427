import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { openStore } from '../../src/store/index.js';
import { recordDeployments } from './web-deployments.js';

let dir: string;
afterEach(() => rmSync(dir, { recursive: true, force: true }));

describe('recordDeployments (the web bench’s history)', () => {
  it('writes the history to the state folder’s store, every fifth stack’s latest rolled back', () => {
    dir = mkdtempSync(join(tmpdir(), 'berth-web-history-'));
    const stacks = ['s1', 's2', 's3', 's4', 's5', 's6'];
    expect(recordDeployments(dir, stacks, 3)).toBe(18);
    const store = openStore({
      path: join(dir, 'berth.db'),
      clock: { now: () => new Date() },
      isAlive: () => true,
    });
    try {
      const latest = store.deployments.latest(stacks);
      expect(stacks.map((s) => latest.get(s)?.status)).toEqual([
        'rolled-back',
        'succeeded',
        'succeeded',
        'succeeded',
        'succeeded',
        'rolled-back',
      ]);
      expect(store.deployments.list('s2', { limit: 10 }).items).toHaveLength(3);
    } finally {
      store.close();
    }
  });

  it('opens nothing when there is nothing to record', () => {
    dir = mkdtempSync(join(tmpdir(), 'berth-web-history-'));
    expect(recordDeployments(dir, ['s1'], 0)).toBe(0);
    expect(existsSync(join(dir, 'berth.db'))).toBe(false);
  });
});
