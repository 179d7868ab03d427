import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { connect, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { type ServeChild, startServeChild } from '../../support/serve-process.js';

// One client address cannot take every connection of `berth serve`: past `connections.perAddress`
// its new connections are closed at once, while another address is still served.

const PER_ADDRESS = 4;

let server: ServeChild | undefined;
const sockets: Socket[] = [];
const dirs: string[] = [];
afterEach(async () => {
  for (const socket of sockets.splice(0)) socket.destroy();
  await server?.stop('SIGTERM');
  server = undefined;
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

const temp = (name: string) => {
  const dir = mkdtempSync(join(tmpdir(), `berth-${name}-`));
  dirs.push(dir);
  return dir;
};

/** A connection from `localAddress` that sent the start of a request and then nothing (a slow client). */
function trickle(port: number, localAddress: string): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const socket = connect({ host: '127.0.0.1', port, localAddress }, () => {
      socket.write('GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n');
      resolve(socket);
    });
    socket.once('error', reject);
    sockets.push(socket);
  });
}

/** Resolves with what the server sent before it closed the connection (bounded: fails after 5 s). */
function closedBy(socket: Socket): Promise<string> {
  return new Promise((resolve, reject) => {
    let received = '';
    socket.on('data', (chunk) => {
      received += chunk.toString('utf8');
    });
    socket.on('error', () => undefined);
    const timer = setTimeout(() => reject(new Error('the server kept the connection open')), 5_000);
    socket.once('close', () => {
      clearTimeout(timer);
      resolve(received);
    });
  });
}

/** GET /healthz from `localAddress` on a fresh connection: its status. */
function healthz(port: number, localAddress: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = request(
      { host: '127.0.0.1', port, path: '/healthz', localAddress, agent: false, timeout: 5_000 },
      (res) => {
        res.resume();
        res.once('end', () => resolve(res.statusCode ?? 0));
      },
    );
    req.once('timeout', () => req.destroy(new Error('no answer within 5 s')));
    req.once('error', reject);
    req.end();
  });
}

describe('connections per client address', () => {
  it('closes a connection past the cap of its address, and still serves other addresses and freed slots', async () => {
    const config = temp('connections-config');
    writeFileSync(join(config, 'serve.yaml'), `connections:\n  perAddress: ${PER_ADDRESS}\n`);
    server = await startServeChild({
      args: ['--config', join(config, 'serve.yaml')],
      env: {
        PATH: process.env.PATH,
        HOME: config,
        BERTH_STATE_DIR: temp('connections-state'),
        BERTH_WORKSPACE: temp('connections-workspace'),
      },
    });
    const port = Number(new URL(server.url).port);

    const held = [];
    for (let i = 0; i < PER_ADDRESS; i++) held.push(await trickle(port, '127.0.0.1'));
    // One more from the same address is closed without an answer.
    const extra = await trickle(port, '127.0.0.1');
    expect(await closedBy(extra)).toBe('');
    // Another client (another loopback address) is served meanwhile.
    expect(await healthz(port, '127.0.0.2')).toBe(200);
    // The held ones are still open: finishing a request on one is answered.
    const first = held[0] as Socket;
    const answer = closedBy(first);
    first.write('Connection: close\r\n\r\n');
    expect(await answer).toMatch(/^HTTP\/1\.1 200 /);
    // Its slot is free again for that address.
    expect(await healthz(port, '127.0.0.1')).toBe(200);
  });
});
