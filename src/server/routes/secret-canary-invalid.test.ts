import { readdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type CanaryWorld, canaryWorld, expectNoCanary } from '../../../test/support/canary.js';
import { CONTROL_TOKENS, type ControlToken } from '../../../test/support/control.js';
import { SseReader } from '../../../test/support/sse.js';

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

let world: CanaryWorld;
let closed = false;

beforeAll(() => {
  world = canaryWorld({
    files: { 'compose.yaml': COMPOSE, '.env': DOTENV },
    engine: async () => {
      throw new Error('a stack that does not load never reaches the engine');
    },
    env: { SERVICE_TOKEN: FROM_SECRET_NAME },
  });
});

afterAll(() => {
  if (!closed) world?.store.close();
  if (world) rmSync(world.root, { recursive: true, force: true });
});

const TOKENS = Object.keys(CONTROL_TOKENS) as ControlToken[];
const call = (...args: Parameters<CanaryWorld['call']>) => world.call(...args);
const noCanary = (what: string, text: string) => expectNoCanary(CANARIES, what, text);

describe('the findings of a stack that does not load', () => {
  it('name the invalid fields and the broken .env lines in config and plan, for every role, without values', async () => {
    for (const token of TOKENS) {
      const config = await call('/api/v1/stacks/alpha/config', token);
      const plan = await call('/api/v1/stacks/alpha/plan', token);
      expect([token, config.status, plan.status]).toEqual([token, 422, 422]);
      noCanary(`config for ${token}`, config.text);
      noCanary(`plan for ${token}`, plan.text);
      expect(plan.text).toContain('cpus');
      expect(plan.text).toContain('BROKEN');
    }
  });

  it('keep them out of validate, of a failed up, its operation and its events', async () => {
    const validate = await call('/api/v1/validate', 'admin', 'POST', { path: 'alpha' });
    expect(validate.status).toBe(200);
    expect(validate.text).toContain('cpus');
    noCanary('validate', validate.text);

    const started = await call('/api/v1/stacks/alpha/up', 'alpha-operator', 'POST', {});
    expect(started.status).toBe(202);
    const op = JSON.parse(started.text).id as string;
    await world.control.runner.idle();
    for (const token of TOKENS) {
      const operation = await call(`/api/v1/stacks/alpha/operations/${op}`, token);
      expect([token, operation.status]).toEqual([token, 200]);
      expect(JSON.parse(operation.text).status).toBe('failed');
      noCanary(`operation for ${token}`, operation.text);
      const res = await world.app.request(`/api/v1/events?operation=${op}`, {
        headers: { Authorization: `Bearer ${token}` },
      });
      const events = await new SseReader(res).rest();
      expect(events.at(-1)?.data.type).toBe('finished');
      noCanary(`event stream for ${token}`, JSON.stringify(events));
    }
  });

  it('never reach the state file or the server log', () => {
    noCanary('server log', world.logText());
    world.store.close();
    closed = true;
    const dir = join(world.root, 'state');
    for (const file of readdirSync(dir)) noCanary(file, readFileSync(join(dir, file)).toString('latin1'));
  });
});
