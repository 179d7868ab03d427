import { gunzipSync } from 'node:zlib';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CONTAINERS, TableStacks } from '../../test/support/control.js';
import { makeWorkspace } from '../../test/support/http-app.js';
import { type TestBrowser, webFixture } from '../../test/support/web-app.js';
import { WEB_CSP } from './app.js';

let f: Awaited<ReturnType<typeof webFixture>>;
let b: TestBrowser;

const EVIL = '<script>alert(1)</script>';

beforeEach(async () => {
  // A description, a service and a container status carrying markup: all must arrive as text.
  const workspace = makeWorkspace();
  const { writeFileSync, readFileSync } = await import('node:fs');
  const catalog = `${workspace.root}/berth.yaml`;
  writeFileSync(catalog, readFileSync(catalog, 'utf8').replace('The alpha site', `"${EVIL}"`));
  const rows = [...CONTAINERS, { ...CONTAINERS[0], service: EVIL, status: `Up ${EVIL}` }].map((r) => ({
    ...r,
    stack: r.stack ?? 'alpha',
    service: r.service ?? 'web',
    replica: 1,
    name: r.name ?? 'x',
    id: r.id ?? 'x',
    state: 'running',
    status: r.status ?? '',
    ports: [],
    image: 'nginx:1.27',
  }));
  f = await webFixture({ stacks: new TableStacks(rows), workspace });
  b = f.browser();
  await b.login('admin');
});
afterEach(() => f.close());

/** Holds the fake deploy running until the returned function is called. */
function hold(): () => void {
  let open = () => {};
  f.stacks.gate = new Promise<void>((r) => {
    open = r;
  });
  return () => open();
}

const cookieOf = (browser: TestBrowser) => ({
  Cookie: [...browser.cookies].map(([k, v]) => `${k}=${v}`).join('; '),
});

/**
 * Every page an admin can reach, with an operation run first so its page exists, a refusal's notice
 * and a created token's; then the login page (logged out) and the setup page (of a server with no user).
 */
async function everyPage(): Promise<Array<[string, string]>> {
  const started = await b.post('/stacks/alpha/up', { csrf: b.csrf() });
  await f.control.runner.idle();
  const refused = await b.post('/stacks/nope/up', { csrf: b.csrf() });
  const token = await b.post('/account/tokens', {
    csrf: b.csrf(),
    name: 't',
    role: 'viewer',
    expiresInDays: '1',
  });
  const paths = [
    refused.location ?? '',
    token.location ?? '',
    '/',
    '/stacks/alpha',
    '/stacks/alpha/confirm/up',
    '/stacks/alpha/confirm/restart',
    '/stacks/alpha/confirm/down',
    started.location ?? '',
    '/account',
    '/audit',
    '/users',
    '/nowhere',
  ];
  const out: Array<[string, string]> = [];
  for (const path of paths) {
    const res = await b.get(path);
    expect(res.headers.get('content-security-policy'), path).toBe(WEB_CSP);
    out.push([path, res.text]);
  }
  const fresh = await webFixture({ users: false });
  try {
    for (const [path, res] of [
      ['/login', await f.browser().get('/login')],
      ['/setup', await fresh.browser().get('/setup')],
    ] as const) {
      expect([path, res.status, res.headers.get('content-security-policy')]).toEqual([path, 200, WEB_CSP]);
      out.push([path, res.text]);
    }
  } finally {
    fresh.close();
  }
  return out;
}

describe('headers and markup', () => {
  it('sends the exact CSP and the other security headers on pages, redirects and errors', async () => {
    expect(WEB_CSP).toBe(
      "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; " +
        "form-action 'self'; frame-ancestors 'none'; base-uri 'none'",
    );
    for (const res of [await b.get('/'), await f.browser().get('/'), await b.get('/nowhere')]) {
      expect(res.headers.get('content-security-policy')).toBe(WEB_CSP);
      expect(res.headers.get('x-content-type-options')).toBe('nosniff');
      expect(res.headers.get('x-frame-options')).toBe('DENY');
      expect(res.headers.get('referrer-policy')).toBe('no-referrer');
      expect(res.headers.get('cross-origin-resource-policy')).toBe('same-origin');
      expect(res.headers.get('cache-control')).toBe('no-store');
    }
  });

  it('renders no inline script, no <style> and no style attribute on any page', async () => {
    const pages = await everyPage();
    expect(pages.length).toBe(14);
    for (const [path, html] of pages) {
      expect(html.startsWith('<!doctype html><html lang="en">'), path).toBe(true);
      const scripts = html.match(/<script\b[^>]*>/g) ?? [];
      for (const tag of scripts) expect(tag, path).toMatch(/ src="\/assets\/[a-z]+\.[0-9a-f]{8}\.js"/);
      expect(html, path).not.toMatch(/<script>(?!alert)|<style|\sstyle=|\son[a-z]+=/i);
    }
    // Only a running operation's page loads scripts; this one has ended.
    expect(pages.filter(([, html]) => html.includes('<script')).map(([p]) => p)).toEqual([]);
  });

  it('escapes text from the catalog, the engine and events', async () => {
    const release = hold();
    const started = await b.post('/stacks/alpha/up', { csrf: b.csrf() });
    f.control.hub.publish({ kind: 'deploy', type: 'plan', stack: 'alpha', operation: 'op-1', message: EVIL });
    const running = await b.get(started.location ?? '');
    const live = await f.fetch(
      new Request(`http://berth.test${started.location}/events?after=0`, { headers: cookieOf(b) }),
    );
    release();
    const html = [
      (await b.get('/')).text,
      (await b.get('/stacks/alpha')).text,
      running.text,
      await live.text(),
    ];
    await f.control.runner.idle();
    html.push((await b.get(started.location ?? '')).text);
    for (const text of html) {
      expect(text).not.toContain(EVIL);
      expect(text).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    }
  });
});

describe('assets', () => {
  it('serves htmx, its SSE extension, the resume script and the style sheet at hashed URLs, immutable', async () => {
    const release = hold();
    const page = await b.get(`${(await b.post('/stacks/alpha/up', { csrf: b.csrf() })).location}`);
    release();
    const urls = [...page.text.matchAll(/(?:src|href)="(\/assets\/[^"]+)"/g)].map((m) => m[1] ?? '');
    expect(urls.map((u) => u.replace(/\.[0-9a-f]{8}\./, '.HASH.'))).toEqual([
      '/assets/berth.HASH.css',
      '/assets/htmx.HASH.js',
      '/assets/sse.HASH.js',
      '/assets/resume.HASH.js',
    ]);
    for (const url of urls) {
      const plain = await f.fetch(new Request(`http://berth.test${url}`));
      expect(plain.status).toBe(200);
      expect(plain.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
      expect(plain.headers.get('content-type')).toBe(
        url.endsWith('.css') ? 'text/css; charset=utf-8' : 'text/javascript; charset=utf-8',
      );
      expect(plain.headers.get('x-content-type-options')).toBe('nosniff');
      expect(plain.headers.get('content-encoding')).toBeNull();
      const body = new Uint8Array(await plain.arrayBuffer());
      const zipped = await f.fetch(
        new Request(`http://berth.test${url}`, { headers: { 'Accept-Encoding': 'gzip, br' } }),
      );
      expect(zipped.headers.get('content-encoding')).toBe('gzip');
      expect(zipped.headers.get('vary')).toBe('Accept-Encoding');
      const unzipped = gunzipSync(new Uint8Array(await zipped.arrayBuffer()));
      expect(Buffer.from(unzipped).equals(Buffer.from(body))).toBe(true);
      const { createHash } = await import('node:crypto');
      expect(url).toContain(`.${createHash('sha256').update(body).digest('hex').slice(0, 8)}.`);
    }
    expect(
      new TextDecoder().decode(
        new Uint8Array(await (await f.fetch(new Request(`http://berth.test${urls[1]}`))).arrayBuffer()),
      ),
    ).toContain('htmx');
  });

  it('answers 404 for any other asset path, without logging in', async () => {
    for (const path of ['/assets/htmx.js', '/assets/htmx.00000000.js', '/assets/../package.json']) {
      const res = await f.browser().get(path);
      expect(res.status).toBe(404);
    }
  });
});
