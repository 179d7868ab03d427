import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CONTROL_TOKENS, type ControlToken, tableControl } from '../../../test/support/control.js';
import { tableAuthenticator, testDeps } from '../../../test/support/http-app.js';
import { SseReader } from '../../../test/support/sse.js';
import { builtinXBerthRegistry } from '../../app/registry.js';
import { systemClock } from '../../clock.js';
import { StackService } from '../../deploy/service.js';
import { createLoggers } from '../../log/index.js';
import { openStore, type Store } from '../../store/index.js';
import { createApp } from '../app.js';
import type { ControlDeps } from './control.js';

// A stack that does not load: its findings quote what an invalid field got, and what a broken
// `.env` line holds. Neither value reaches anybody: not the answers of config, plan, up or validate,
// for any role, nor the event stream, the state file or the server log.

/** In `.env`, interpolated into a field that must be a number. */
const INTERPOLATED = 'canary-invalid-7d3b9a15';
/** In the caller's environment under a secret-looking name, interpolated into a byte size. */
const FROM_SECRET_NAME = 'canary-token-2e6c4f90';
/** In `.env` lines that do not parse (an unterminated quote, a broken `${`). */
const UNPARSED = 'canary-unparsed-81f0c2d7';
const CANARIES = [INTERPOLATED, FROM_SECRET_NAME, UNPARSED];

const COMPOSE = `services:
  web:
    image: local/busybox:1
    cpus: \${DB_PASSWORD}
    mem_limit: \${SERVICE_TOKEN}
`;

const DOTENV = `DB_PASSWORD=${INTERPOLATED}\nBROKEN="Xy7\${${UNPARSED}"\nOPEN="${UNPARSED}\n`;

let root: string;
let store: Store;
let closed = false;
let logText = '';
let app: ReturnType<typeof createApp>;
let control: ControlDeps;

beforeAll(() => {
  root = mkdtempSync(join(tmpdir(), 'berth-canary-invalid-'));
  mkdirSync(join(root, 'alpha'));
  writeFileSync(join(root, 'alpha', 'compose.yaml'), COMPOSE);
  writeFileSync(join(root, 'alpha', '.env'), DOTENV);
  writeFileSync(join(root, 'berth.yaml'), 'stacks:\n  alpha:\n    path: alpha\n');
  const clock = systemClock();
  store = openStore({ path: join(root, 'state', 'state.db'), clock, isAlive: () => true });
  const loggers = createLoggers(
    { base: 'debug', components: {} },
    new Writable({
      write(chunk, _encoding, done) {
        logText += String(chunk);
        done();
      },
    }),
  );
  const stacks = new StackService({
    engine: async () => {
      throw new Error('a stack that does not load never reaches the engine');
    },
    store: () => store,
    clock,
    owner: { pid: process.pid, host: 'test', token: 'canary-invalid' },
    workspace: root,
    env: { SERVICE_TOKEN: FROM_SECRET_NAME },
    registry: builtinXBerthRegistry(),
    allowPaths: false,
    logger: loggers.for('deploy'),
  });
  control = { ...tableControl(store, undefined, { logger: loggers.for('operations') }), stacks };
  app = createApp(
    testDeps({
      root,
      authenticator: tableAuthenticator(CONTROL_TOKENS),
      control,
      auditLog: store.auditLog,
      logger: loggers.for('http'),
    }),
  );
});

afterAll(() => {
  if (!closed) store?.close();
  rmSync(root, { recursive: true, force: true });
});

const TOKENS = Object.keys(CONTROL_TOKENS) as ControlToken[];

async function call(path: string, token: ControlToken, method = 'GET', body?: unknown) {
  const res = await app.request(path, {
    method,
    headers: {
      Authorization: `Bearer ${token}`,
      ...(body !== undefined ? { 'Content-Type': 'application/json' } : {}),
    },
    ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
  });
  return { status: res.status, text: await res.text() };
}

function expectNoCanary(what: string, text: string): void {
  for (const canary of CANARIES) expect(text.includes(canary), `${what} shows ${canary}`).toBe(false);
}

describe('the findings of a stack that does not load', () => {
  it('name the invalid fields and the broken .env lines in config and plan, for every role, without values', async () => {
    for (const token of TOKENS) {
      const config = await call('/api/v1/stacks/alpha/config', token);
      const plan = await call('/api/v1/stacks/alpha/plan', token);
      expect([token, config.status, plan.status]).toEqual([token, 422, 422]);
      expectNoCanary(`config for ${token}`, config.text);
      expectNoCanary(`plan for ${token}`, plan.text);
      expect(plan.text).toContain('cpus');
      expect(plan.text).toContain('BROKEN');
    }
  });

  it('keep them out of validate, of a failed up, its operation and its events', async () => {
    const validate = await call('/api/v1/validate', 'admin', 'POST', { path: 'alpha' });
    expect(validate.status).toBe(200);
    expect(validate.text).toContain('cpus');
    expectNoCanary('validate', validate.text);

    const started = await call('/api/v1/stacks/alpha/up', 'alpha-operator', 'POST', {});
    expect(started.status).toBe(202);
    const op = JSON.parse(started.text).id as string;
    await control.runner.idle();
    for (const token of TOKENS) {
      const operation = await call(`/api/v1/stacks/alpha/operations/${op}`, token);
      expect([token, operation.status]).toEqual([token, 200]);
      expect(JSON.parse(operation.text).status).toBe('failed');
      expectNoCanary(`operation for ${token}`, operation.text);
      const res = await app.request(`/api/v1/events?operation=${op}`, {
        headers: { Authorization: `Bearer ${token}` },
      });
      const events = await new SseReader(res).rest();
      expect(events.at(-1)?.data.type).toBe('finished');
      expectNoCanary(`event stream for ${token}`, JSON.stringify(events));
    }
  });

  it('never reach the state file or the server log', () => {
    expectNoCanary('server log', logText);
    store.close();
    closed = true;
    const dir = join(root, 'state');
    for (const file of readdirSync(dir))
      expectNoCanary(file, readFileSync(join(dir, file)).toString('latin1'));
  });
});
