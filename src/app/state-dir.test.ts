import { chmodSync, mkdirSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { secureStateDir } from './state-dir.js';

// chmod of a folder owned by another user fails with EPERM; tests may run as root, so it is simulated.
const refuseChmod = vi.hoisted(() => ({ on: false }));
vi.mock('node:fs', async (original) => {
  const fs = await original<typeof import('node:fs')>();
  return {
    ...fs,
    chmodSync: (path: Parameters<typeof fs.chmodSync>[0], mode: Parameters<typeof fs.chmodSync>[1]) => {
      if (refuseChmod.on)
        throw Object.assign(new Error(`EPERM: operation not permitted, chmod '${path}'`), { code: 'EPERM' });
      fs.chmodSync(path, mode);
    },
  };
});

let root: string;
beforeEach(() => {
  root = mkdtempSync(join(tmpdir(), 'berth-state-dir-'));
});
afterEach(() => {
  refuseChmod.on = false;
  rmSync(root, { recursive: true, force: true });
});

const modeOf = (path: string) => statSync(path).mode & 0o777;

describe('secureStateDir', () => {
  it('creates a missing folder 0700', () => {
    const dir = join(root, 'a', 'state');
    expect(secureStateDir(dir)).toEqual({});
    expect(modeOf(dir)).toBe(0o700);
  });

  it('tightens an existing folder open to others to 0700, and says what it was', () => {
    const dir = join(root, 'state');
    mkdirSync(dir);
    chmodSync(dir, 0o755);
    expect(secureStateDir(dir)).toEqual({ tightenedFrom: '0755' });
    expect(modeOf(dir)).toBe(0o700);
    // Once tight, it is left alone.
    expect(secureStateDir(dir)).toEqual({});
  });

  it('refuses, with the command that fixes it, a loose folder it cannot tighten', () => {
    const dir = join(root, 'state');
    mkdirSync(dir);
    chmodSync(dir, 0o750);
    refuseChmod.on = true;
    expect(() => secureStateDir(dir)).toThrow(
      expect.objectContaining({
        code: 'STORE_IO',
        message: `the state folder ${dir} is open to other users (mode 0750) and cannot be tightened`,
        hint: `as its owner, run \`chmod 700 ${dir}\`, or choose a state folder of this user`,
      }),
    );
    expect(modeOf(dir)).toBe(0o750);
  });

  it('refuses a path that is a file', () => {
    const file = join(root, 'state');
    writeFileSync(file, '');
    expect(() => secureStateDir(file)).toThrow(expect.objectContaining({ code: 'STORE_IO' }));
  });
});
