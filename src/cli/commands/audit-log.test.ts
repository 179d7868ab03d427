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

/** The control characters of a text but its newlines (and the bidi override used here). */
const controls = (text: string): string[] =>
  [...text].filter((ch) => {
    const code = ch.codePointAt(0) ?? 0;
    return (code < 0x20 && code !== 0x0a) || (code >= 0x7f && code <= 0x9f) || code === 0x202e;
  });

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

  it('never lets control characters from the server reach a terminal raw, so no row can be forged', async () => {
    // Anonymous: a login whose username moves the cursor back and writes a fake entry.
    const forged = '\r\u001b[2K2025-01-01T00:00:00Z admin deleteUser alice ok r\n';
    await fetch(`${server.url}/api/v1/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username: forged, password: 'whatever' }),
    });
    // The admin's own call with control characters in the path: stored as the target it was.
    const removed = await run(server, ['admin', 'user', 'remove', 'red\u001b[31m\u0007\u202e']);
    expect(removed.code).toBe(1);
    expect(controls(removed.stderr)).toEqual([]);

    const res = await run(server, ['audit-log', '--limit', '5']);
    expect(res.code, res.stderr).toBe(0);
    // Nothing but printable text and the newlines between rows.
    expect(controls(res.stdout)).toEqual([]);
    const lines = res.stdout.trimEnd().split('\n');
    expect(lines).toHaveLength(7);
    expect(lines.some((l) => / admin +deleteUser +red\\e\[31m\\u0007\\u202e +failed /.test(l))).toBe(true);
    // The anonymous name is not shown at all, only a hash of it.
    expect(lines.some((l) => /unknown:[0-9a-f]{12} +login +- +failed /.test(l))).toBe(true);
    expect(res.stdout).not.toContain('deleteUser alice');
  });

  it('is a usage error with a bad --limit', async () => {
    expect((await run(server, ['audit-log', '--limit', '0'])).code).toBe(2);
    expect((await run(server, ['audit-log', '--before', 'x'])).code).toBe(2);
  });
});
