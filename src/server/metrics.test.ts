import { afterAll, describe, expect, it } from 'vitest';
import { makeWorkspace, principal, tableAuthenticator, testDeps } from '../../test/support/http-app.js';
import { createMetrics } from '../metrics/registry.js';
import { createApp } from './app.js';

const workspace = makeWorkspace();
afterAll(() => workspace.cleanup());

const authenticator = tableAuthenticator({
  admin: principal('admin', [{ role: 'admin' }]),
  viewer: principal('viewer', [{ role: 'viewer' }]),
});
const auth = (token: string) => ({ headers: { Authorization: `Bearer ${token}` } });

/** The `_count` sample of the request histogram for these labels, or undefined when absent. */
function count(text: string, method: string, route: string, status: number): number | undefined {
  const line = text
    .split('\n')
    .find((l) =>
      l.startsWith(
        `berth_http_request_duration_seconds_count{method="${method}",route="${route}",status="${status}"}`,
      ),
    );
  return line === undefined ? undefined : Number(line.split(' ').pop());
}

describe('GET /metrics', () => {
  it('labels request durations by route template, never by raw path', async () => {
    const app = createApp(testDeps({ root: workspace.root, authenticator }));
    await app.request('/api/v1/stacks/alpha', auth('viewer'));
    await app.request('/api/v1/stacks/beta', auth('viewer'));
    await app.request('/api/v1/stacks/nope', auth('viewer'));
    await app.request('/api/v1/stacks/alpha');
    await app.request('/wp-admin/setup.php');
    await app.request('/api/v1/stacks', { ...auth('viewer'), method: 'PROPFIND' });

    const res = await app.request('/metrics', auth('admin'));
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toContain('text/plain');
    const text = await res.text();
    expect(text).toContain('# TYPE berth_http_request_duration_seconds histogram');
    expect(count(text, 'GET', '/api/v1/stacks/:stack', 200)).toBe(2);
    expect(count(text, 'GET', '/api/v1/stacks/:stack', 404)).toBe(1);
    expect(count(text, 'GET', '/api/v1/stacks/:stack', 401)).toBe(1);
    expect(count(text, 'GET', 'unmatched', 404)).toBe(1);
    expect(count(text, 'OTHER', 'unmatched', 404)).toBe(1);
    expect(text).not.toMatch(/stacks\/(alpha|beta|nope)|wp-admin|PROPFIND/);
    // The stepping test clock moves 7 ms between the two reads of one request.
    expect(text).toContain(
      'berth_http_request_duration_seconds_sum{method="GET",route="/api/v1/stacks/:stack",status="200"} 0.014',
    );
  });

  it('is for admins only', async () => {
    const app = createApp(testDeps({ root: workspace.root, authenticator }));
    expect((await app.request('/metrics', auth('viewer'))).status).toBe(403);
    expect((await app.request('/metrics')).status).toBe(401);
  });

  it('keeps one registry per app and offers deploy counters to other modules', async () => {
    const first = testDeps({ root: workspace.root, authenticator });
    const second = testDeps({ root: workspace.root, authenticator });
    const a = createApp(first);
    const b = createApp(second);
    await a.request('/healthz');
    first.metrics.deploys.inc({ stack: 'alpha', outcome: 'succeeded' });
    first.metrics.deployDuration.observe({ outcome: 'succeeded' }, 12);
    const textA = await (await a.request('/metrics', auth('admin'))).text();
    const textB = await (await b.request('/metrics', auth('admin'))).text();
    expect(count(textA, 'GET', '/healthz', 200)).toBe(1);
    expect(count(textB, 'GET', '/healthz', 200)).toBeUndefined();
    expect(textA).toContain('berth_deploys_total{stack="alpha",outcome="succeeded"} 1');
    expect(textB).not.toContain('berth_deploys_total{');
  });

  it('can add process metrics', async () => {
    const metrics = createMetrics({ processMetrics: true });
    expect(await metrics.registry.metrics()).toContain('berth_process_cpu_seconds_total');
  });
});
