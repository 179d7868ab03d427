import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  initAdmin,
  run,
  startTestServer,
  type TestServer,
  USER_PASSWORD,
} from '../../../test/support/remote-cli.js';

// berth audit-log against a real `berth serve` in-process (no Docker): the entries are those the
// server's request pipeline writes for the admin's own calls.

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
  const steps = [
    await initAdmin(server),
    await run(server, ['admin', 'user', 'add', 'alice', '--password-stdin'], { stdin: USER_PASSWORD }),
    await run(server, ['admin', 'user', 'add', 'bob', '--password-stdin'], { stdin: USER_PASSWORD }),
    await run(server, ['admin', 'user', 'remove', 'bob']),
    // Refused by the server: recorded with outcome failed.
    await run(server, ['admin', 'user', 'remove', 'admin']),
  ];
  expect(steps.map((s) => s.code)).toEqual([0, 0, 0, 0, 1]);
});
afterAll(() => server.close());

describe('berth audit-log', () => {
  it('shows who did what, newest first, with a line for the next page', async () => {
    const res = await run(server, ['audit-log', '--limit', '3']);
    expect(res.code, res.stderr).toBe(0);
    const lines = res.stdout.trimEnd().split('\n');
    expect(lines[0]).toMatch(/^TIME +ACTOR +ACTION +TARGET +OUTCOME +REQUEST ID$/);
    expect(lines).toHaveLength(5);
    expect(lines[4]).toMatch(/^more: --before \d+$/);
    const next = await run(server, [
      'audit-log',
      '--limit',
      '3',
      '--before',
      lines[4]?.split(' ').at(-1) ?? '',
    ]);
    expect(next.code).toBe(0);
    expect(next.stdout).not.toBe(res.stdout);
  });

  it('filters by actor, action and target, and prints JSON', async () => {
    const res = await run(server, [
      'audit-log',
      '--actor',
      'admin',
      '--action',
      'deleteUser',
      '--target',
      'bob',
      '--json',
    ]);
    expect(res.code, res.stderr).toBe(0);
    const page = JSON.parse(res.stdout);
    expect(page.items.length).toBeGreaterThanOrEqual(1);
    for (const e of page.items)
      expect(e).toMatchObject({ actor: 'admin', action: 'deleteUser', target: 'bob' });
    expect(page.items.map((e: { outcome: string }) => e.outcome)).toEqual(['ok']);
    const refused = JSON.parse((await run(server, ['audit-log', '--target', 'admin', '--json'])).stdout);
    expect(refused.items[0]).toMatchObject({
      action: 'deleteUser',
      outcome: 'failed',
      detail: expect.objectContaining({ code: 'USER_SELF_DELETE' }),
    });
    const text = await run(server, ['audit-log', '--action', 'createUser', '--target', 'alice']);
    expect(text.stdout).toMatch(/\n\S+ +admin +createUser +alice +ok +\S+\n/);
    expect((await run(server, ['audit-log', '--actor', 'nobody'])).stdout).toBe('no audit-log entries\n');
  });

  it('is a usage error with a bad --limit', async () => {
    expect((await run(server, ['audit-log', '--limit', '0'])).code).toBe(2);
    expect((await run(server, ['audit-log', '--before', 'x'])).code).toBe(2);
  });
});
