import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { usedPercent } from './disk.js';
import { type CheckContext, runCheck } from './run.js';

const dir = mkdtempSync(join(tmpdir(), 'berth-disk-probe-'));

afterAll(() => rmSync(dir, { recursive: true, force: true }));

const ctx = (over: Partial<CheckContext> = {}): CheckContext => ({
  signal: new AbortController().signal,
  timeoutMs: 5000,
  now: () => Date.now(),
  ...over,
});

/** `df -P`'s Capacity of the filesystem holding `path` (rounded up, as df does). */
function dfPercent(path: string): number {
  const line = execFileSync('df', ['-P', path], { encoding: 'utf8' }).trim().split('\n')[1] ?? '';
  return Number(/(\d+)%/.exec(line)?.[1]);
}

describe('disk probe', () => {
  it('measures a host path as df does', async () => {
    const out = await runCheck({ type: 'disk', path: dir, on: 'host' }, ctx());
    expect(out.ok).toBe(true);
    const used = out.measured.diskUsedPercent ?? Number.NaN;
    expect(used).toBeGreaterThanOrEqual(0);
    expect(used).toBeLessThanOrEqual(100);
    // df rounds up to a whole percent; the filesystem may move a little between the two reads.
    expect(Math.abs(dfPercent(dir) - used)).toBeLessThan(1.5);
  });

  it('leaves blocks reserved for root out, like df', () => {
    // 1000 blocks, 300 free of which 250 available: 700 used of the 950 users can have.
    expect(usedPercent({ blocks: 1000, bfree: 300, bavail: 250 })).toBe(73.68);
    expect(usedPercent({ blocks: 0, bfree: 0, bavail: 0 })).toBe(0);
  });

  it('says when the path does not exist', async () => {
    const missing = join(dir, 'nope');
    expect(await runCheck({ type: 'disk', path: missing, on: 'host' }, ctx())).toMatchObject({
      ok: false,
      error: `${missing} does not exist`,
    });
  });

  it('measures a named volume at the path the monitor gives', async () => {
    const asked: string[] = [];
    const volumePath = async (name: string) => {
      asked.push(name);
      return dir;
    };
    const out = await runCheck({ type: 'disk', path: 'data', on: 'volume' }, ctx({ volumePath }));
    expect(out.ok).toBe(true);
    expect(out.measured.diskUsedPercent).toBeTypeOf('number');
    expect(asked).toEqual(['data']);
  });

  it('says when a volume cannot be found', async () => {
    expect(await runCheck({ type: 'disk', path: 'data', on: 'volume' }, ctx())).toMatchObject({
      ok: false,
      error: 'the host path of volume data is not known',
    });
    const volumePath = async () => {
      throw new Error('no such volume');
    };
    expect(await runCheck({ type: 'disk', path: 'data', on: 'volume' }, ctx({ volumePath }))).toMatchObject({
      ok: false,
      error: 'volume data: no such volume',
    });
  });

  it('ends on time when finding the volume hangs', async () => {
    const volumePath = () => new Promise<string>(() => undefined);
    const out = await runCheck(
      { type: 'disk', path: 'data', on: 'volume' },
      ctx({ volumePath, timeoutMs: 100 }),
    );
    expect(out).toMatchObject({ ok: false, error: 'timed out after 100ms' });
    expect(out.latencyMs).toBeLessThan(1000);
  });
});
