import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { startServeChild } from '../support/serve-process.js';

// `berth serve` logs at the level of the global flags, as every command does: --log-level (or -v)
// over BERTH_LOG_LEVEL. The real binary, since pino writes to the process's own stderr.

const root = mkdtempSync(join(tmpdir(), 'berth-serve-log-level-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

/** The levels of the JSON log lines `berth serve` wrote from start to stop. */
async function loggedLevels(args: readonly string[], env: Record<string, string> = {}): Promise<number[]> {
  const dir = mkdtempSync(join(root, 'run-'));
  mkdirSync(join(dir, 'ws'));
  const child = await startServeChild({
    args: ['-w', join(dir, 'ws'), ...args],
    env: { PATH: process.env.PATH ?? '', HOME: dir, BERTH_STATE_DIR: join(dir, 'state'), ...env },
  });
  await child.stop();
  return child
    .output()
    .split('\n')
    .filter((line) => line.startsWith('{'))
    .map((line) => (JSON.parse(line) as { level: number }).level);
}

describe('berth serve and the global log flags', () => {
  it('logs info lines by default, none at --log-level error, even over BERTH_LOG_LEVEL', async () => {
    expect(await loggedLevels([])).toContain(30);
    expect(await loggedLevels(['--log-level', 'error'])).toEqual([]);
    expect(await loggedLevels(['--log-level', 'error'], { BERTH_LOG_LEVEL: 'debug' })).toEqual([]);
  }, 90_000);
});
