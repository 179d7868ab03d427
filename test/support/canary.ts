import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'vitest';
import { builtinXBerthRegistry } from '../../src/app/registry.js';
import { systemClock } from '../../src/clock.js';
import { StackService } from '../../src/deploy/service.js';
import type { Engine } from '../../src/engine/model.js';
import type { Level } from '../../src/log/index.js';
import { createApp } from '../../src/server/app.js';
import type { ControlDeps } from '../../src/server/routes/control.js';
import { openStore, type Store } from '../../src/store/index.js';
import { CONTROL_TOKENS, type ControlToken, tableControl } from './control.js';
import { requestAs, tableAuthenticator, testDeps } from './http-app.js';
import { capturedLoggers } from './quiet-loggers.js';

// The secret-canary tests: a workspace with one stack `alpha`, the whole HTTP app over a real state
// file, and a server log captured as text, so a test can look for a planted value everywhere.

export interface CanaryWorld {
  readonly root: string;
  readonly store: Store;
  readonly app: ReturnType<typeof createApp>;
  readonly control: ControlDeps;
  /** Everything the server logged so far (at debug level, unless the world was made with another). */
  logText(): string;
  /** As `token` (one of CONTROL_TOKENS), JSON body when given. */
  call(
    path: string,
    token: ControlToken,
    method?: string,
    body?: unknown,
  ): Promise<{ status: number; text: string }>;
}

/** Writes `files` under `<root>/alpha` (with a catalog naming it) and builds the app around them. */
export function canaryWorld(options: {
  readonly files: Readonly<Record<string, string>>;
  readonly engine: () => Promise<Engine>;
  /** The server's environment (secret-looking variables the stack interpolates). */
  readonly env: Readonly<Record<string, string>>;
  /** The server log's level (default debug: every line there is). */
  readonly level?: Level;
}): CanaryWorld {
  const root = mkdtempSync(join(tmpdir(), 'berth-canary-'));
  mkdirSync(join(root, 'alpha'));
  for (const [name, text] of Object.entries(options.files)) writeFileSync(join(root, 'alpha', name), text);
  writeFileSync(join(root, 'berth.yaml'), 'stacks:\n  alpha:\n    path: alpha\n');
  const clock = systemClock();
  const store = openStore({ path: join(root, 'state', 'state.db'), clock, isAlive: () => true });
  const captured = capturedLoggers(options.level ?? 'debug');
  const { loggers } = captured;
  const stacks = new StackService({
    engine: options.engine,
    store: () => store,
    clock,
    owner: { pid: process.pid, host: 'test', token: 'canary-test' },
    workspace: root,
    env: { ...options.env },
    registry: builtinXBerthRegistry(),
    allowPaths: false,
    logger: loggers.for('deploy'),
  });
  const control = { ...tableControl(store, undefined, { logger: loggers.for('server') }), stacks };
  const app = createApp(
    testDeps({
      root,
      authenticator: tableAuthenticator(CONTROL_TOKENS),
      control,
      auditLog: store.auditLog,
      logger: loggers.for('http'),
    }),
  );
  return {
    root,
    store,
    app,
    control,
    logText: captured.text,
    async call(path, token, method = 'GET', body) {
      const res = await requestAs(app, method, path, token, body);
      return { status: res.status, text: await res.text() };
    },
  };
}

/** Fails when `text` holds any of `canaries`, naming where (`what`) and which. */
export function expectNoCanary(canaries: readonly string[], what: string, text: string): void {
  for (const canary of canaries) expect(text.includes(canary), `${what} shows ${canary}`).toBe(false);
}
