import { once } from 'node:events';
import { type AddressInfo, createServer, type Server } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { describeNetError } from './context.js';
import { type CheckContext, runCheck } from './run.js';

const servers: Server[] = [];

afterEach(() => {
  for (const server of servers.splice(0)) server.close();
});

/** A loopback listener; counts the connections it accepted. */
async function listen(): Promise<{ port: number; accepted: () => number }> {
  let accepted = 0;
  const server = createServer((socket) => {
    accepted++;
    socket.on('error', () => undefined);
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  servers.push(server);
  return { port: (server.address() as AddressInfo).port, accepted: () => accepted };
}

async function freePort(): Promise<number> {
  const { port } = await listen();
  const server = servers.pop();
  server?.close();
  if (server) await once(server, 'close');
  return port;
}

const ctx = (over: Partial<CheckContext> = {}): CheckContext => ({
  signal: new AbortController().signal,
  timeoutMs: 5000,
  now: () => Date.now(),
  ...over,
});

describe('tcp probe', () => {
  it('connects: ok, connected, address, time', async () => {
    const { port, accepted } = await listen();
    const out = await runCheck({ type: 'tcp', host: '127.0.0.1', port }, ctx());
    expect(out).toMatchObject({ ok: true, measured: { connected: true, ip: '127.0.0.1' } });
    expect(out.error).toBeUndefined();
    expect(out.measured.responseTimeMs).toBeGreaterThanOrEqual(0);
    await expect.poll(accepted).toBe(1);
  });

  it('says when the connection is refused, and where', async () => {
    const port = await freePort();
    expect(await runCheck({ type: 'tcp', host: '127.0.0.1', port }, ctx())).toMatchObject({
      ok: false,
      error: `connection refused on 127.0.0.1:${port}`,
      measured: { connected: false },
    });
  });

  it('explains an AggregateError (every address of a host failed) by its first error', () => {
    const refused = Object.assign(new Error('connect ECONNREFUSED ::1:80'), { code: 'ECONNREFUSED' });
    expect(describeNetError(new AggregateError([refused], ''), 'localhost:80')).toBe(
      'connection refused on localhost:80',
    );
    expect(describeNetError(new AggregateError([new Error('odd')], ''), 'localhost:80')).toBe(
      'odd (localhost:80)',
    );
  });

  it('reaches a service port through resolvePort, or says it cannot', async () => {
    const { port } = await listen();
    const asked: number[] = [];
    const resolvePort = async (p: number) => {
      asked.push(p);
      return { host: '127.0.0.1', port };
    };
    expect(await runCheck({ type: 'tcp', port: 5432 }, ctx({ resolvePort }))).toMatchObject({ ok: true });
    expect(asked).toEqual([5432]);
    expect(await runCheck({ type: 'tcp', port: 5432 }, ctx())).toMatchObject({
      ok: false,
      error: 'no address is known for port 5432 of the service',
    });
    const gone = async () => {
      throw new Error('the service has no running container');
    };
    expect(await runCheck({ type: 'tcp', port: 5432 }, ctx({ resolvePort: gone }))).toMatchObject({
      ok: false,
      error: 'port 5432 of the service cannot be reached: the service has no running container',
    });
  });

  it('does not connect once the monitor has stopped', async () => {
    const { port, accepted } = await listen();
    const stop = new AbortController();
    stop.abort();
    const out = await runCheck({ type: 'tcp', host: '127.0.0.1', port }, ctx({ signal: stop.signal }));
    expect(out).toMatchObject({ ok: false, error: 'cancelled (the monitor stopped)' });
    await new Promise((r) => setTimeout(r, 50));
    expect(accepted()).toBe(0);
  });
});
