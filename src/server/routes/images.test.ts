import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { controlFixture } from '../../../test/support/control.js';

// POST /api/v1/stacks/:stack/images/prune over test stacks: who may prune, what reaches the stack
// service, what the audit log keeps. The pruning itself runs against the real engine in
// test/integration/deploy/image-prune.test.ts.

let f: ReturnType<typeof controlFixture>;
beforeEach(() => {
  f = controlFixture();
});
afterEach(() => f.close());

const PATH = '/api/v1/stacks/alpha/images/prune';
const prunes = () => f.stacks.calls.filter((c) => c.op === 'prune-images');

describe('POST /api/v1/stacks/:stack/images/prune', () => {
  it('answers an operator of the stack what went and why each image stays, and audits it', async () => {
    const res = await f.call('POST', PATH, 'alpha-operator', { keep: 2 });
    expect(res.status).toBe(200);
    expect(res.json).toMatchObject({
      stack: 'alpha',
      keep: 2,
      dryRun: false,
      freedBytes: 5 * 1024 * 1024,
      decisions: [
        { keep: true, removed: false, reasons: ['used by container alpha-web-1'] },
        { keep: false, removed: true, services: ['web'] },
      ],
    });
    expect(prunes()).toEqual([{ op: 'prune-images', stack: 'alpha', options: { keep: 2, dryRun: false } }]);
    expect(f.deps.auditLog.list({ limit: 5 }).items[0]).toMatchObject({
      actor: 'alpha-operator',
      action: 'pruneStackImages',
      target: 'alpha',
      outcome: 'ok',
      detail: { dryRun: false, keep: 2, removed: 1, freedBytes: 5 * 1024 * 1024 },
    });
  });

  it('passes a dry run on, taking the retention from the stack when keep is not given', async () => {
    const res = await f.call('POST', PATH, 'operator', { dryRun: true });
    expect(res.status).toBe(200);
    expect(res.json).toMatchObject({
      dryRun: true,
      keep: 3,
      decisions: [{ removed: false }, { removed: false }],
    });
    expect(prunes()).toEqual([{ op: 'prune-images', stack: 'alpha', options: { dryRun: true } }]);
  });

  it('refuses viewers, another stack, bad retention and unknown stacks before anything runs', async () => {
    expect((await f.call('POST', PATH, 'alpha-viewer', {})).status).toBe(403);
    expect((await f.call('POST', '/api/v1/stacks/beta/images/prune', 'alpha-operator', {})).status).toBe(403);
    for (const body of [{ keep: 0 }, { keep: 1.5 }, { keep: 101 }, { dryRun: 'yes' }, { force: true }]) {
      const res = await f.call('POST', PATH, 'operator', body);
      expect(res.status, JSON.stringify(body)).toBe(400);
    }
    expect((await f.call('POST', '/api/v1/stacks/zeta/images/prune', 'operator', {})).status).toBe(404);
    expect(prunes()).toEqual([]);
  });
});
