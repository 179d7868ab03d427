import { EngineError } from '../../src/engine/model.js';
import { HealthService } from '../../src/health/service.js';
import { createApp } from '../../src/server/app.js';
import type { Store } from '../../src/store/index.js';
import { CONTROL_TOKENS, TableStacks, tableControl } from './control.js';
import { callAs, tableAuthenticator, testDeps } from './http-app.js';
import { writeTree } from './tree.js';

/**
 * The app with its health routes over a real (memory) store, as the HTTP tests use it: no socket and
 * no engine (the monitors never run; tests record results through `health.recorder`), a workspace
 * with stack `alpha`, and the CONTROL_TOKENS callers. `get(path, token)` answers status and JSON.
 */
export async function healthApp(store: Store, now: Date) {
  const root = await writeTree({ 'alpha/compose.yaml': 'services: {}\n' });
  const control = tableControl(store, new TableStacks());
  const health = new HealthService({
    engine: async () => {
      throw new EngineError('ENGINE_UNAVAILABLE', 'no engine in HTTP tests', { hint: 'start one' });
    },
    store: () => store,
    clock: { now: () => now, sleep: async () => {} },
    events: () => control.hub,
    subscribe: (listener) => control.hub.subscribe(listener),
    stacks: async () => [],
  });
  const app = createApp({
    ...testDeps({ root, authenticator: tableAuthenticator(CONTROL_TOKENS), control }),
    health: { health },
  });
  return { app, health, get: (path: string, token: string) => callAs(app, 'GET', path, token) };
}
