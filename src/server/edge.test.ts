import { describe, expect, it } from 'vitest';
import { completeResponse, requestPath, SECURITY_HEADERS } from './edge.js';

describe('requestPath', () => {
  it('is the pathname new URL gives, for the URLs the listener sees', () => {
    const urls = [
      'http://127.0.0.1:7300/api/v1/stacks',
      'http://127.0.0.1:7300/api/v1/stacks?limit=5&cursor=abc',
      'https://berth.example:8443/',
      'http://host/',
      'http://host/metrics?x',
      'http://host/healthz#frag',
      'http://[::1]:7300/api/v1/stacks/alpha/logs?follow=1',
      'http://host/a/b%20c/?q=/api',
      'http://host/apix',
    ];
    for (const url of urls) expect(requestPath(url), url).toBe(new URL(url).pathname);
  });
});

describe('completeResponse', () => {
  it('carries every edge header with the body', async () => {
    const res = completeResponse('{"ok":true}', 201, 'application/json', 'req-7');
    expect(res.status).toBe(201);
    expect(await res.text()).toBe('{"ok":true}');
    expect(res.headers.get('content-type')).toBe('application/json');
    expect(res.headers.get('cache-control')).toBe('no-store');
    expect(res.headers.get('x-request-id')).toBe('req-7');
    for (const [name, value] of Object.entries(SECURITY_HEADERS)) expect(res.headers.get(name)).toBe(value);
  });
});
