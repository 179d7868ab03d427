import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { quietLoggers } from '../../test/support/quiet-loggers.js';
import { systemClock } from '../clock.js';
import { WEB_CSP } from '../web/app.js';
import { type RunningServer, startServer } from './serve.js';

// `berth serve` mounts the dashboard beside the API, on real sockets (no Docker needed).

const quiet = quietLoggers();

let root: string;
let server: RunningServer;
let base: string;

beforeAll(async () => {
  root = mkdtempSync(join(tmpdir(), 'berth-serve-web-'));
  writeFileSync(join(root, 'compose.yaml'), 'services:\n  web:\n    image: nginx:1.27\n');
  server = await startServer(
    {
      host: '127.0.0.1',
      port: 0,
      stateDir: join(root, 'state'),
      workspace: root,
      dockerHost: 'unix:///nonexistent/berth-serve-web-test.sock',
      env: {},
      version: 'test',
    },
    systemClock(),
    quiet,
  );
  base = server.addresses.find((a) => a.startsWith('http://')) ?? '';
});
afterAll(async () => {
  await server.close();
  rmSync(root, { recursive: true, force: true });
});

const get = (path: string, init: RequestInit = {}) =>
  fetch(`${base}${path}`, { redirect: 'manual', ...init });

describe('berth serve with the dashboard', () => {
  it('answers pages from the web app, with its CSP', async () => {
    const home = await get('/');
    expect(home.status).toBe(303);
    expect(home.headers.get('location')).toBe('/login');
    expect(home.headers.get('content-security-policy')).toBe(WEB_CSP);
    // No user yet: the login page leads to the setup form.
    const login = await get('/login');
    expect([login.status, login.headers.get('location')]).toEqual([303, '/setup']);
    const setup = await get('/setup');
    expect(setup.status).toBe(200);
    expect(setup.headers.get('content-type')).toMatch(/^text\/html/);
    expect(await setup.text()).toContain('<button type="submit">Create admin</button>');
  });

  it('keeps the API’s answers and headers on /api/, /healthz and /metrics', async () => {
    for (const path of ['/healthz', '/api/v1/stacks', '/api/v1/nowhere']) {
      const res = await get(path);
      expect(res.headers.get('content-security-policy'), path).toMatch(
        /^default-src 'none'; frame-ancestors/,
      );
      expect(res.headers.get('content-type'), path).toMatch(/json/);
    }
    expect((await get('/api/v1/stacks')).status).toBe(401);
  });

  it('sets up the first admin through the pages, then shows the stacks', async () => {
    const token = readFileSync(server.setupTokenFile ?? '', 'utf8').trim();
    const form = new URLSearchParams({ token, username: 'root', password: 'tidal-ember-quartz-lantern' });
    const done = await get('/setup', {
      method: 'POST',
      body: form,
      headers: { Origin: base, 'Sec-Fetch-Site': 'same-origin' },
    });
    expect(done.status).toBe(303);
    const cookie = done.headers
      .getSetCookie()
      .map((c) => c.split(';')[0])
      .join('; ');
    expect(cookie).toMatch(/^berth_session=[^;]+; berth_csrf=/);
    const stacks = await get('/', { headers: { Cookie: cookie } });
    expect(stacks.status).toBe(200);
    const html = await stacks.text();
    expect(html).toContain('<h1>Stacks</h1>');
    expect(html).toContain('data-username="root"');
    // The engine is unreachable here: the page says so, and the stack's status is unknown.
    expect(html).toContain('Containers could not be read');
    expect(html).toMatch(/<td data-status="unknown">/);
  });

  it('applies the Host allow-list to pages too (421)', async () => {
    const status = await new Promise<number>((resolve, reject) => {
      const url = new URL('/login', base);
      request(
        { host: url.hostname, port: url.port, path: url.pathname, headers: { Host: 'evil.example' } },
        (res) => {
          res.resume();
          resolve(res.statusCode ?? 0);
        },
      )
        .on('error', reject)
        .end();
    });
    expect(status).toBe(421);
  });
});
