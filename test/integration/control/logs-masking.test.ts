import { chmodSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type ControlHarness,
  deployAndWait,
  type OneStackWorkspace,
  oneStackWorkspace,
  startControl,
  stopOneStack,
} from './support.js';

// Against a real `berth serve` and a real container that prints its `.env` values: the stack's logs,
// through the API and `berth logs`, show them masked, like every other text Berth shows. While the
// stack's files do not load, the container's secret-looking variables are still masked.

const CANARY = 'logs-canary-3f9a7c21';
/** A `.env` value under a name that does not look secret: masked because it came from `.env`. */
const WELCOME = 'welcome-canary-8e2d6b90';

const COMPOSE = `services:
  app:
    image: local/busybox:1
    environment:
      APP_PASSWORD: \${APP_PASSWORD}
      GREETING: \${WELCOME}
    command: ["sh", "-c", "echo password=$$APP_PASSWORD; echo greeting=$$GREETING; echo plain line; exec sleep 600"]
    stop_signal: SIGKILL
`;

let h: ControlHarness | undefined;
let ws: OneStackWorkspace | undefined;

beforeAll(async () => {
  ws = oneStackWorkspace('logmask', COMPOSE);
  const dotenv = join(ws.workspace, ws.stack, '.env');
  writeFileSync(dotenv, `APP_PASSWORD=${CANARY}\nWELCOME=${WELCOME}\n`);
  chmodSync(dotenv, 0o600);
  h = await startControl({ workspace: ws.workspace, env: {} });
  await deployAndWait(h, ws.stack);
}, 180_000);

afterAll(async () => {
  if (ws) writeFileSync(join(ws.workspace, ws.stack, 'compose.yaml'), COMPOSE);
  await stopOneStack(h, ws);
}, 120_000);

describe('container logs', () => {
  it('mask the stack’s secret values in the API answer and in berth logs', async () => {
    if (!h || !ws) throw new Error('no harness');
    const api = await h.fetchText(`/api/v1/stacks/${ws.stack}/logs?tail=20`);
    expect(api.status).toBe(200);
    const lines = api.body
      .trim()
      .split('\n')
      .map((l) => (JSON.parse(l) as { line: string }).line);
    expect(lines).toEqual(['password=********', 'greeting=********', 'plain line']);
    const cli = await h.cli(['logs', ws.stack]);
    expect(cli.code, cli.stderr).toBe(0);
    expect(cli.stdout).toContain('password=********');
    expect(cli.stdout).toContain('plain line');
    expect(cli.stdout).toContain('greeting=********');
    for (const canary of [CANARY, WELCOME])
      expect(`${api.body}${cli.stdout}${cli.stderr}`).not.toContain(canary);
  });

  it('mask the container’s secret-looking variables while the stack’s files do not load', async () => {
    if (!h || !ws) throw new Error('no harness');
    writeFileSync(join(ws.workspace, ws.stack, 'compose.yaml'), `${COMPOSE}  broken: [\n`);
    const api = await h.fetchText(`/api/v1/stacks/${ws.stack}/logs?tail=20`);
    expect(api.status).toBe(200);
    expect(api.body).toContain('password=********');
    expect(api.body).not.toContain(CANARY);
    writeFileSync(join(ws.workspace, ws.stack, 'compose.yaml'), COMPOSE);
  });
});
