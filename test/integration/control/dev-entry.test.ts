import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { startServeChild } from '../../support/serve-process.js';

// bin/berth.js in a development checkout runs the sources through tsx: started from any folder, it
// compiles the dashboard's JSX with the checkout's tsconfig.json (not one it would look for in the
// working folder), so its pages render.

describe('bin/berth.js from another folder', () => {
  it('serves the dashboard pages', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'berth-dev-entry-'));
    const server = await startServeChild({
      cwd: dir,
      env: {
        PATH: process.env.PATH,
        HOME: dir,
        BERTH_STATE_DIR: join(dir, 'state'),
        BERTH_WORKSPACE: dir,
      },
    });
    try {
      const res = await fetch(`${server.url}/setup`);
      const body = await res.text();
      expect(res.status, body).toBe(200);
      expect(body).toContain('<form');
      expect(res.headers.get('x-frame-options')).toBe('DENY');
    } finally {
      await server.stop();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
