import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { CSRF_HEADER, SESSION_COOKIE } from '../../src/api/http.js';

// A fresh `berth serve` made usable for a benchmark: the admin from the setup token, then a token.

/** `name=value` of the named cookie among Set-Cookie header values. */
export function cookieFrom(setCookies: readonly string[], name: string): string | undefined {
  return setCookies.map((c) => c.split(';')[0]?.trim() ?? '').find((c) => c.startsWith(`${name}=`));
}

/** One JSON call; any other status than `expect` is an error with the body. */
export async function call(
  url: string,
  init: { method?: string; headers?: Record<string, string>; body?: unknown },
  expect: number,
): Promise<{ json: Record<string, unknown>; headers: Headers }> {
  const response = await fetch(url, {
    method: init.method ?? 'GET',
    headers: { ...(init.body === undefined ? {} : { 'content-type': 'application/json' }), ...init.headers },
    ...(init.body === undefined ? {} : { body: JSON.stringify(init.body) }),
  });
  const text = await response.text();
  if (response.status !== expect) {
    throw new Error(`${init.method ?? 'GET'} ${url}: HTTP ${response.status} (wanted ${expect}): ${text}`);
  }
  return { json: JSON.parse(text) as Record<string, unknown>, headers: response.headers };
}

/** First-start setup, a session, then an API token of `role` (default viewer): the documented way, over HTTP. */
export async function apiToken(
  base: string,
  stateDir: string,
  role: 'viewer' | 'operator' | 'admin' = 'viewer',
): Promise<string> {
  const setupToken = readFileSync(join(stateDir, 'setup-token'), 'utf8').trim();
  const credentials = { username: 'bench', password: randomBytes(24).toString('base64url') };
  await call(`${base}/api/v1/setup`, { method: 'POST', body: { token: setupToken, ...credentials } }, 201);
  const login = await call(`${base}/api/v1/login`, { method: 'POST', body: credentials }, 200);
  const cookie = cookieFrom(login.headers.getSetCookie(), SESSION_COOKIE);
  const csrf = login.json.csrfToken;
  if (cookie === undefined || typeof csrf !== 'string')
    throw new Error('login: no session cookie or csrfToken');
  const created = await call(
    `${base}/api/v1/tokens`,
    {
      method: 'POST',
      headers: { cookie, [CSRF_HEADER]: csrf },
      body: { name: `bench-${role}`, role, expiresInDays: 1 },
    },
    201,
  );
  if (typeof created.json.token !== 'string') throw new Error('POST /api/v1/tokens: no token in the reply');
  return created.json.token;
}
