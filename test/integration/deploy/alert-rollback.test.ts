import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { deployStack } from '../../../src/deploy/deploy.js';
import { progressEventInput } from '../../../src/operations/progress-event.js';
import { MASK } from '../../../src/secrets/detect.js';
import { alertKit, webhook } from '../../support/alerts/kit.js';
import { type HttpReceiver, httpReceiver, until } from '../../support/alerts/receivers.js';
import { type DeployHarness, SLEEPER, startHarness } from './support.js';

// The alert of a deploy whose new version fails its health gate, as a webhook receives it: it says
// it was a deploy (which, of which stack), which service failed and why, and that it was rolled back
// with the previous version serving; once, and with the stack's secrets masked.

const TOKEN = 'tok-alert-5b1e9c7d';

let h: DeployHarness;
let receiver: HttpReceiver;

beforeAll(async () => {
  h = await startHarness();
  receiver = await httpReceiver();
}, 60_000);

afterAll(async () => {
  await receiver?.close();
  await h?.cleanup();
});

const compose = (healthcheck: string) => `x-berth:
  deploy: { health_timeout: 10s, stable_window: 1s }
services:
  app:
    image: local/busybox:1
    command: ${SLEEPER}
    environment:
      API_TOKEN: \${API_TOKEN}
${healthcheck}`;

async function deployWithAlerts(kit: ReturnType<typeof alertKit>, stack: string, dir: string) {
  writeFileSync(join(dir, '.env'), `API_TOKEN=${TOKEN}\n`);
  return deployStack(
    { engine: h.engine, store: h.store, clock: h.clock, owner: h.owner(), pollMs: 250 },
    await h.load(dir, stack),
    // The mapping the operation runner and `berth --local` store deploy events with.
    { onEvent: (e) => kit.hub.publish(progressEventInput('deploy', stack, e)) },
  );
}

/** Deploys a good version, then `broken`; returns the failed deploy's id and what the receiver got. */
async function failedDeploy(broken: string) {
  const stack = h.stackName();
  const received = receiver.requests.length;
  const kit = alertKit({ clock: h.clock, store: () => h.store, channels: [webhook('hook', receiver.url)] });
  kit.service.start();
  try {
    expect((await deployWithAlerts(kit, stack, h.writeStack(compose('')))).outcome).toBe('succeeded');
    const result = await deployWithAlerts(kit, stack, h.writeStack(compose(broken)));
    expect(result.outcome).toBe('rolled-back');
    await until(() => receiver.requests.length > received, 'the alert of the failed deploy');
    const raw = receiver.requests[received]?.body ?? '{}';
    // One alert for the failed deploy: its earlier `failure` event raised none.
    const alerts = kit.service.list({ limit: 50 }).alerts.filter((a) => a.stack === stack);
    return { stack, result, raw, body: JSON.parse(raw) as Record<string, unknown>, alerts };
  } finally {
    kit.unsubscribe();
    await kit.service.drain(0);
  }
}

describe('the alert of a failed deploy', () => {
  it('says the deploy of the stack failed its gate at its service and was rolled back, once', async () => {
    const { stack, result, body, alerts } = await failedDeploy(
      '    healthcheck: { test: ["CMD", "false"], interval: 1s, timeout: 2s, retries: 1 }\n',
    );
    expect(body).toMatchObject({
      kind: 'notice',
      severity: 'error',
      stack,
      service: 'app',
      key: `deploy:failure:${stack}/app`,
    });
    const summary = String(body.summary);
    expect(summary).toContain(
      `the deploy of ${stack} (deployment ${result.deploymentId}) failed at app (unhealthy`,
    );
    expect(summary).toContain('rolled back: the previous version is serving');
    expect(String(body.title)).toContain(`the deploy of ${stack}`);
    expect(alerts.map((a) => `${a.kind}/${a.type}`)).toEqual(['deploy/done']);
  }, 120_000);

  it('masks the stack’s secrets in it: an engine error quoting one says it masked', async () => {
    // The new version's program does not exist: the engine's error names it, secret and all.
    const { raw, body, alerts } = await failedDeploy(`    entrypoint: ["/bin/run-\${API_TOKEN}"]\n`);
    expect(String(body.summary)).toContain('rolled back: the previous version is serving');
    expect(String(body.summary)).toContain(`run-${MASK}`);
    expect(raw).not.toContain(TOKEN);
    expect(alerts).toHaveLength(1);
  }, 120_000);
});
