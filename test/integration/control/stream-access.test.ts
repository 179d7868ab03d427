import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SseReader } from '../../support/sse.js';
import {
  type ControlHarness,
  deployAndWait,
  type OneStackWorkspace,
  oneStackWorkspace,
  startControl,
  stopOneStack,
} from './support.js';

// Against a real `berth serve`: streams already open over real sockets end when their token is
// revoked or their user deleted, with the reason as their last event or line.

const TICKING = `services:
  app:
    image: local/busybox:1
    command: ["sh", "-c", "while true; do echo tick; sleep 0.2; done"]
    stop_signal: SIGKILL
`;

const PASSWORD = 'tidal-ember-quartz-lantern-9';

let h: ControlHarness | undefined;
let ws: OneStackWorkspace | undefined;

beforeAll(async () => {
  ws = oneStackWorkspace('streamaccess', TICKING);
  h = await startControl({ workspace: ws.workspace, env: {} });
  await deployAndWait(h, ws.stack);
}, 180_000);

afterAll(async () => {
  await stopOneStack(h, ws);
}, 120_000);

/** Signs `username` in and makes two operator tokens on the stack; returns them with their ids. */
async function tokensOf(username: string): Promise<Array<{ token: string; id: string }>> {
  if (!h || !ws) throw new Error('no harness');
  const add = await h.cli(
    ['admin', 'user', 'add', username, '--password-stdin', '--role', 'operator', '--stack', ws.stack],
    PASSWORD,
  );
  expect(add.code, add.stderr).toBe(0);
  const login = await fetch(`${h.server.url}/api/v1/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username, password: PASSWORD }),
  });
  expect(login.status).toBe(200);
  const cookie = (login.headers.get('set-cookie') ?? '').split(';')[0] ?? '';
  const { csrfToken } = (await login.json()) as { csrfToken: string };
  const out = [];
  for (const name of ['one', 'two']) {
    const res = await fetch(`${h.server.url}/api/v1/tokens`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', cookie, 'x-csrf-token': csrfToken },
      body: JSON.stringify({ name, role: 'operator', stacks: [ws.stack], expiresInDays: 1 }),
    });
    expect(res.status).toBe(201);
    out.push((await res.json()) as { token: string; id: string });
  }
  return out;
}

/** NDJSON lines of a body until it ends; fails when more than `max` lines come (it never ended). */
async function linesUntilEnd(body: ReadableStream<Uint8Array>, max: number): Promise<string[]> {
  const lines: string[] = [];
  const decoder = new TextDecoder();
  let buffer = '';
  for await (const chunk of body) {
    buffer += decoder.decode(chunk, { stream: true });
    const parts = buffer.split('\n');
    buffer = parts.pop() ?? '';
    lines.push(...parts);
    if (lines.length > max) throw new Error(`the stream went on: ${lines.slice(-3).join(' | ')}`);
  }
  return lines;
}

describe('open streams and revoked access, over real sockets', () => {
  it('an events stream ends when its token is revoked; a logs stream when its user is deleted', async () => {
    if (!h || !ws) throw new Error('no harness');
    const [one, two] = await tokensOf('olga');
    if (!one || !two) throw new Error('no tokens');

    const events = await fetch(`${h.server.url}/api/v1/events`, {
      headers: { authorization: `Bearer ${one.token}` },
    });
    expect(events.status).toBe(200);
    const sse = new SseReader(events);
    const logs = await fetch(`${h.server.url}/api/v1/stacks/${ws.stack}/logs?follow=true&tail=1`, {
      headers: { authorization: `Bearer ${two.token}` },
    });
    expect(logs.status).toBe(200);
    if (!logs.body) throw new Error('no body');
    const reader = logs.body.getReader();
    const first = await reader.read();
    reader.releaseLock();
    expect(new TextDecoder().decode(first.value)).toContain('tick');

    // Token `one` revoked (by `two`, as `berth logout` revokes its own): the events stream ends.
    const revoke = await fetch(`${h.server.url}/api/v1/tokens/${one.id}`, {
      method: 'DELETE',
      headers: { authorization: `Bearer ${two.token}` },
    });
    expect(revoke.status).toBe(200);
    const rest = await sse.rest(5_000);
    expect(rest.map((m) => [m.event, m.data.code])).toContainEqual(['error', 'AUTH_REVOKED']);
    expect(rest.at(-1)?.event).toBe('error');
    expect(sse.done).toBe(true);

    // The user deleted: the logs stream ends with an AUTH_REVOKED line, however fast the container talks.
    const deleted = await h.fetchText('/api/v1/users/olga', { method: 'DELETE' });
    expect(deleted.status).toBe(200);
    const lines = await linesUntilEnd(logs.body, 200);
    expect(JSON.parse(lines.at(-1) ?? '{}')).toEqual({
      error: expect.objectContaining({ code: 'AUTH_REVOKED' }),
    });
  }, 60_000);
});
