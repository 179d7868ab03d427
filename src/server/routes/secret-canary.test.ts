import { readdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type CanaryWorld, canaryWorld, expectNoCanary } from '../../../test/support/canary.js';
import { CONTROL_TOKENS, type ControlToken } from '../../../test/support/control.js';
import { containerInfo, healthOf } from '../../../test/support/health-fixtures.js';
import { SseReader } from '../../../test/support/sse.js';
import type { ContainerSpec, Engine } from '../../engine/model.js';
import { MASK } from '../../secrets/detect.js';

// Issue 13: a secret interpolated outside `environment` (a label, a healthcheck URL, a command) or
// printed by a failing container reaches nobody: not through any route's answer, for any role, nor
// the event stream, the audit log, the state file or the server log.

/** In the stack's `.env` (API_PASSWORD): every `.env` value is sensitive. */
const FROM_DOTENV = 'canary-dotenv-5b1e7d42';
/** In the caller's environment under a secret-looking name (SERVICE_TOKEN). */
const FROM_SECRET_NAME = 'canary-token-93fa02c8';
/** In the service's env file (web.env), printed by the container. */
const FROM_ENV_FILE = 'canary-envfile-c4d8e1a6';
const CANARIES = [FROM_DOTENV, FROM_SECRET_NAME, FROM_ENV_FILE];

const COMPOSE = `services:
  web:
    image: local/busybox:1
    command: ["sh", "-c", "echo key=$$WEB_KEY; exec httpd -f --password=\${API_PASSWORD}"]
    env_file: [web.env]
    environment:
      DB_URL: postgres://app:\${API_PASSWORD}@db/app
    labels:
      traefik.http.middlewares.auth.basicauth.users: "admin:\${API_PASSWORD}"
      example.token: "\${SERVICE_TOKEN}"
    healthcheck:
      test: ["CMD", "wget", "-q", "-O-", "http://u:\${API_PASSWORD}@127.0.0.1:8080/health"]
      interval: 1s
      retries: 1
`;

/**
 * An engine with nothing on it that creates containers which come up unhealthy: their health check
 * and their log quote every canary, so the deploy fails, with its output, and rolls back.
 */
function unhealthyEngine(): Engine {
  const created = new Map<string, ContainerSpec>();
  const output = `wget: server returned error: HTTP/1.1 401 for http://u:${FROM_DOTENV}@127.0.0.1:8080/health`;
  const none = async () => [];
  return {
    endpoint: 'fake://',
    apiVersion: '1.43',
    images: { inspect: async () => ({ id: `sha256:${'ab'.repeat(32)}` }) },
    containers: {
      list: none,
      create: async (spec: ContainerSpec) => {
        const id = `c${created.size + 1}`;
        created.set(id, spec);
        return { id };
      },
      start: async () => undefined,
      inspect: async (id: string) =>
        containerInfo({
          id,
          name: created.get(id)?.name ?? id,
          health: healthOf('unhealthy', [output], 1, 1),
        }),
      remove: async (id: string) => {
        created.delete(id);
      },
    },
    logs: {
      logs: async function* () {
        yield { stream: 'stdout', line: `key=${FROM_ENV_FILE}` };
        yield { stream: 'stderr', line: `httpd: bad password ${FROM_DOTENV} for token ${FROM_SECRET_NAME}` };
      },
    },
    networks: { list: none, create: async () => ({ id: 'n1' }), remove: async () => undefined },
    volumes: { list: none, create: async () => undefined },
  } as unknown as Engine;
}

let world: CanaryWorld;
let closed = false;

beforeAll(() => {
  world = canaryWorld({
    files: {
      'compose.yaml': COMPOSE,
      '.env': `API_PASSWORD=${FROM_DOTENV}\n`,
      'web.env': `WEB_KEY=${FROM_ENV_FILE}\n`,
    },
    engine: async () => unhealthyEngine(),
    env: { SERVICE_TOKEN: FROM_SECRET_NAME },
  });
});

afterAll(() => {
  if (!closed) world?.store.close();
  if (world) rmSync(world.root, { recursive: true, force: true });
});

const TOKENS = Object.keys(CONTROL_TOKENS) as ControlToken[];
const get = (...args: Parameters<CanaryWorld['call']>) => world.call(...args);
const noCanary = (what: string, text: string) => expectNoCanary(CANARIES, what, text);

describe('secret values outside `environment`', () => {
  it('are masked in /config and /plan for every role, in labels, command and healthcheck', async () => {
    for (const token of TOKENS) {
      const config = await get('/api/v1/stacks/alpha/config', token);
      const plan = await get('/api/v1/stacks/alpha/plan', token);
      expect([token, config.status, plan.status]).toEqual([token, 200, 200]);
      noCanary(`config for ${token}`, config.text);
      noCanary(`plan for ${token}`, plan.text);
      // The fields are there, masked where the value landed.
      const web = JSON.parse(config.text).services.web;
      expect(web.labels['traefik.http.middlewares.auth.basicauth.users']).toBe(`admin:${MASK}`);
      expect(web.labels['example.token']).toBe(MASK);
      expect(web.healthcheck.test).toContain(`http://u:${MASK}@127.0.0.1:8080/health`);
      expect(web.command.join(' ')).toContain(`--password=${MASK}`);
      const spec = JSON.parse(plan.text).services[0].steps[0].spec;
      expect(spec.name).toBe('alpha-web-1');
      expect(spec.labels['example.token']).toBe(MASK);
      expect(spec.healthcheck.test).toContain(`http://u:${MASK}@127.0.0.1:8080/health`);
      // Environment values: [redacted] for viewers; operators see them masked by value (as --local).
      const operator = token === 'operator' || token === 'admin' || token === 'alpha-operator';
      expect([token, spec.env.DB_URL]).toEqual([
        token,
        operator ? `postgres://app:${MASK}@db/app` : '[redacted]',
      ]);
      expect([token, spec.env.WEB_KEY]).toEqual([token, operator ? MASK : '[redacted]']);
    }
  });

  it('are masked in what a failed deploy records and reports, and its output is for operators', async () => {
    const started = await get('/api/v1/stacks/alpha/up', 'alpha-operator', 'POST', {});
    expect(started.status).toBe(202);
    const op = JSON.parse(started.text).id as string;
    await world.control.runner.idle();

    for (const token of TOKENS) {
      const deployments = await get('/api/v1/stacks/alpha/deployments', token);
      const operation = await get(`/api/v1/stacks/alpha/operations/${op}`, token);
      expect([token, deployments.status, operation.status]).toEqual([token, 200, 200]);
      noCanary(`deployments for ${token}`, deployments.text);
      noCanary(`operation for ${token}`, operation.text);
      const res = await world.app.request(`/api/v1/events?operation=${op}`, {
        headers: { Authorization: `Bearer ${token}` },
      });
      expect(res.status).toBe(200);
      const events = await new SseReader(res).rest();
      expect(events.at(-1)?.data.type).toBe('finished');
      noCanary(`event stream for ${token}`, JSON.stringify(events));
      noCanary(`audit log for ${token}`, (await get('/api/v1/audit-log', token)).text);

      const web = JSON.parse(deployments.text).items[0].services.find(
        (s: { service: string }) => s.service === 'web',
      );
      const failure = JSON.parse(operation.text).result.failure;
      expect(web.outcome).toBe('rolled-back');
      if (token.includes('viewer')) {
        // What the container printed is for who may read its logs.
        expect([web.logTail, web.healthOutput]).toEqual([undefined, undefined]);
        expect([failure.logTail, failure.healthOutput]).toEqual([[], undefined]);
      } else {
        expect(web.logTail).toEqual([`  key=${MASK}`, `! httpd: bad password ${MASK} for token ${MASK}`]);
        expect(web.healthOutput).toContain(`http://u:${MASK}@`);
        expect(failure.logTail).toEqual(web.logTail);
      }
    }
  });

  it('never reach the state file or the server log', () => {
    expect(world.store.deployments.list('alpha', { limit: 5 }).items[0]?.status).toBe('rolled-back');
    expect(world.logText()).toContain('rolled back: nothing of it is left running');
    noCanary('server log', world.logText());
    world.store.close();
    closed = true;
    const dir = join(world.root, 'state');
    for (const file of readdirSync(dir)) noCanary(file, readFileSync(join(dir, file)).toString('latin1'));
  });
});
