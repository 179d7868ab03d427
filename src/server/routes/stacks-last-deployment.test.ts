import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  makeWorkspace,
  principal,
  steppingClock,
  tableAuthenticator,
  testDeps,
} from '../../../test/support/http-app.js';
import { openMemoryStore } from '../../store/index.js';
import { createApp } from '../app.js';
import { lastDeploymentView } from './stacks.js';

// GET /api/v1/stacks?include=last-deployment: each visible stack with its latest deployment, read from
// the store once per page, for the stacks the caller may see only.

const workspace = makeWorkspace();
const store = openMemoryStore(steppingClock());
afterAll(() => {
  store.close();
  workspace.cleanup();
});

/** The names each store read asked for: one read per request, of the page's visible stacks. */
const asked: string[][] = [];
const tokens = {
  viewer: principal('viewer', [{ role: 'viewer' }]),
  'op-alpha': principal('op-alpha', [{ role: 'operator', stack: 'alpha' }]),
  'admin-as-beta-viewer': principal('admin', [{ role: 'admin' }], {
    tokenScope: { role: 'viewer', stacks: ['beta'] },
  }),
};
const app = createApp(
  testDeps({
    root: workspace.root,
    authenticator: tableAuthenticator(tokens),
    deployments: {
      latest: (names) => {
        asked.push([...names]);
        return store.deployments.latest(names);
      },
    },
  }),
);

const deploy = (stack: string, status: 'succeeded' | 'failed' | 'rolled-back' | 'running') => {
  const d = store.deployments.create({ stack, trigger: 'api', plan: { secret: 'never listed' } });
  return status === 'running' ? d : store.deployments.finish(d.id, status, 'a summary');
};

let alphaLast: ReturnType<typeof deploy>;
let gammaRunning: ReturnType<typeof deploy>;
beforeAll(() => {
  deploy('alpha', 'succeeded');
  deploy('beta', 'failed');
  deploy('alpha', 'failed');
  alphaLast = deploy('alpha', 'rolled-back');
  gammaRunning = deploy('gamma', 'running');
  // Recorded here but not in the workspace: not a stack of the list.
  deploy('ghost', 'succeeded');
});

type Item = { name: string; lastDeployment?: unknown };
const get = async (path: string, token: keyof typeof tokens) => {
  asked.length = 0;
  const res = await app.request(path, { headers: { Authorization: `Bearer ${token}` } });
  const text = await res.text();
  return { status: res.status, text, json: JSON.parse(text) as { items: Item[]; nextCursor: string | null } };
};
const byName = (items: Item[]) => Object.fromEntries(items.map((i) => [i.name, i.lastDeployment]));

describe('GET /api/v1/stacks?include=last-deployment', () => {
  it('carries each stack’s latest deployment, null for a stack never deployed, from one store read', async () => {
    const { status, json } = await get('/api/v1/stacks?include=last-deployment', 'viewer');
    expect(status).toBe(200);
    const last = byName(json.items);
    expect(Object.keys(last)).toEqual(['alpha', 'beta', 'delta', 'gamma']);
    expect(last.alpha).toEqual({
      id: alphaLast.id,
      status: 'rolled-back',
      startedAt: alphaLast.startedAt,
      finishedAt: alphaLast.finishedAt,
    });
    expect(last.beta).toMatchObject({ status: 'failed' });
    expect(last.delta).toBeNull();
    // A running deployment has no finish time: the key is absent, not null.
    expect(last.gamma).toEqual({ id: gammaRunning.id, status: 'running', startedAt: gammaRunning.startedAt });
    expect(asked).toEqual([['alpha', 'beta', 'delta', 'gamma']]);
  });

  it('leaves the plain list as it was: no field, no store read', async () => {
    const { status, json } = await get('/api/v1/stacks', 'viewer');
    expect(status).toBe(200);
    expect(json.items.every((i) => !('lastDeployment' in i))).toBe(true);
    expect(asked).toEqual([]);
  });

  it('shows a per-stack grant holder only the deployments of the stacks granted', async () => {
    const alpha = await get('/api/v1/stacks?include=last-deployment', 'op-alpha');
    expect(byName(alpha.json.items)).toEqual({ alpha: expect.objectContaining({ id: alphaLast.id }) });
    expect(asked).toEqual([['alpha']]);
    expect(alpha.text).not.toContain('"failed"');
    const beta = await get('/api/v1/stacks?include=last-deployment', 'admin-as-beta-viewer');
    expect(Object.keys(byName(beta.json.items))).toEqual(['beta']);
    expect(beta.text).not.toContain('rolled-back');
    expect(asked).toEqual([['beta']]);
  });

  it('reads the deployments of each page’s stacks only, page by page', async () => {
    const first = await get('/api/v1/stacks?limit=2&include=last-deployment', 'viewer');
    expect(Object.keys(byName(first.json.items))).toEqual(['alpha', 'beta']);
    expect(asked).toEqual([['alpha', 'beta']]);
    const cursor = encodeURIComponent(first.json.nextCursor ?? '');
    const second = await get(`/api/v1/stacks?limit=2&include=last-deployment&cursor=${cursor}`, 'viewer');
    expect(byName(second.json.items)).toEqual({
      delta: null,
      gamma: expect.objectContaining({ status: 'running' }),
    });
    expect(asked).toEqual([['delta', 'gamma']]);
  });

  it('never lists a deployment’s plan or summary', async () => {
    const { text } = await get('/api/v1/stacks?include=last-deployment', 'viewer');
    expect(text).not.toContain('never listed');
    expect(text).not.toContain('a summary');
  });

  it('refuses an include it does not know with a field error', async () => {
    const { status, text } = await get('/api/v1/stacks?include=plan', 'viewer');
    expect(status).toBe(400);
    expect(text).toContain('include');
    expect(asked).toEqual([]);
  });
});

describe('lastDeploymentView', () => {
  it('drops the stack name, keeps a finish time only when there is one, and is null for none', () => {
    const base = { id: 7, stack: 's', status: 'succeeded' as const, startedAt: '2025-01-01T00:00:00Z' };
    expect(lastDeploymentView({ ...base, finishedAt: '2025-01-01T00:01:00Z' })).toEqual({
      id: 7,
      status: 'succeeded',
      startedAt: '2025-01-01T00:00:00Z',
      finishedAt: '2025-01-01T00:01:00Z',
    });
    const running = lastDeploymentView({ ...base, status: 'running' });
    expect(running).toEqual({ id: 7, status: 'running', startedAt: '2025-01-01T00:00:00Z' });
    expect(Object.keys(running ?? {})).not.toContain('finishedAt');
    expect(lastDeploymentView(undefined)).toBeNull();
  });
});
