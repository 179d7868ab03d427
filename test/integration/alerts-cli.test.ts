import type { AddressInfo } from 'node:net';
import { serve } from '@hono/node-server';
import { Command } from 'commander';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { registerAlerts } from '../../src/cli/commands/alerts.js';
import type { ExitCode } from '../../src/cli/io.js';
import { systemClock } from '../../src/clock.js';
import { createMetrics } from '../../src/metrics/registry.js';
import { mountRoutes } from '../../src/server/app.js';
import { alertRoutes } from '../../src/server/routes/alerts.js';
import { openMemoryStore, type Store } from '../../src/store/index.js';
import { healthEvent } from '../support/alerts/fixtures.js';
import { alertKit, webhook } from '../support/alerts/kit.js';
import { type HttpReceiver, httpReceiver, until } from '../support/alerts/receivers.js';
import { CONTROL_TOKENS } from '../support/control.js';
import { steppingClock, tableAuthenticator } from '../support/http-app.js';
import { makeTempDir } from '../support/store.js';

// `berth alert list|channels|test` against a server over HTTP (the routes mounted on their own,
// as the app will once they are wired), through the CLI's real connection.

let store: Store;
let hook: HttpReceiver;
let kit: ReturnType<typeof alertKit>;
let url: string;
let close: () => Promise<void>;
/** HOME for the CLI: an empty folder, so no saved login is read. */
let home: string;

beforeEach(async () => {
  store = openMemoryStore(systemClock());
  hook = await httpReceiver();
  kit = alertKit({
    clock: systemClock(),
    store: () => store,
    channels: [webhook('oncall', `${hook.url}/in`)],
  });
  kit.service.start();
  const app = mountRoutes(alertRoutes({ alerts: kit.service }), {
    authenticator: tableAuthenticator(CONTROL_TOKENS),
    auditLog: store.auditLog,
    metrics: createMetrics(),
    clock: steppingClock(),
  });
  const server = serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' });
  await new Promise<void>((resolve) => server.once('listening', () => resolve()));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const temp = makeTempDir('berth-alerts-cli-');
  home = temp.dir;
  close = async () => {
    await new Promise<void>((resolve) => server.close(() => resolve()));
    temp.cleanup();
  };
});
afterEach(async () => {
  await kit.service.drain(0);
  await close();
  await hook.close();
  store.close();
});

async function alert(args: string[], token: keyof typeof CONTROL_TOKENS = 'admin') {
  let stdout = '';
  let stderr = '';
  let code: ExitCode | undefined;
  const program = new Command('berth').exitOverride();
  registerAlerts(
    program,
    {
      stdout: (t) => {
        stdout += t;
      },
      stderr: (t) => {
        stderr += t;
      },
      env: { BERTH_URL: url, BERTH_TOKEN: token, HOME: home },
      cwd: '/',
    },
    (c) => {
      code = c;
    },
  );
  const failure = await program.parseAsync(['alert', ...args], { from: 'user' }).then(
    () => undefined,
    (error: unknown) => error,
  );
  return { code, stdout, stderr, failure };
}

describe('berth alert', () => {
  it('lists recent alerts and deliveries, and says when an alert went to no channel', async () => {
    kit.hub.publish(healthEvent('probe-down'));
    await until(() => kit.service.list({ limit: 5 }).deliveries[0]?.status === 'delivered', 'the delivery');
    const out = await alert(['list'], 'viewer');
    expect(out.code).toBe(0);
    expect(out.stdout).toMatch(/^ALERTS\nOPENED +STATE +SEVERITY +WHERE +MESSAGE +CHANNELS\n/);
    expect(out.stdout).toMatch(/open +critical +shop\/web +probe home: probe-down +oncall\n/);
    expect(out.stdout).toMatch(
      /DELIVERIES\nID +CREATED +CHANNEL +KIND +STATUS +ATTEMPTS +TITLE\n1 .* oncall +open +delivered +1 +CRITICAL shop\/web/,
    );
    const json = await alert(['list', '--json', '--limit', '1'], 'viewer');
    expect(JSON.parse(json.stdout)).toMatchObject({
      alerts: [{ key: 'probe:shop/web/home' }],
      deliveries: [{ id: 1 }],
    });
  });

  it('lists the channels and tests one, exiting 1 when the test fails', async () => {
    expect((await alert(['channels'], 'viewer')).stdout).toMatch(
      /^NAME +TYPE +TARGET +TIMEOUT\noncall +webhook +127\.0\.0\.1:\d+ +10s\n$/,
    );
    const ok = await alert(['test', 'oncall']);
    expect(ok).toMatchObject({ code: 0 });
    expect(ok.stdout).toMatch(/^sent a test message to oncall in \d+ ms \(delivery 1\)\n$/);
    expect(hook.requests.map((r) => JSON.parse(r.body).kind)).toEqual(['test']);
    await hook.close();
    const down = await alert(['test', 'oncall']);
    expect(down.code).toBe(1);
    expect(down.stdout).toMatch(
      /^the test message to oncall failed after \d+ ms: cannot reach 127\.0\.0\.1:\d+ \(ECONNREFUSED\)/,
    );
    // A viewer may not send one.
    expect((await alert(['test', 'oncall'], 'viewer')).failure).toMatchObject({
      status: 403,
      code: 'FORBIDDEN',
    });
  });
});
