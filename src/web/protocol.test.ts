import { describe, expect, it } from 'vitest';
import { outcomeOf } from '../api/operation-outcome.js';
import { endingOf, eventLine } from './outcome.js';
import { csrfCookie, fromOwnPage, parseCookies, safeNext, sameToken } from './session.js';
import { formatFrame, HEARTBEAT, parseFrames, readFrames } from './sse.js';

describe('outcomeOf', () => {
  const up = (result: unknown) => outcomeOf({ kind: 'up', status: 'succeeded', result: result as never });
  const failure = { service: 'db', reason: 'exited', detail: 'exit code 1', logTail: [] };

  it('reads a deploy’s result', () => {
    expect(up({ stack: 's', outcome: 'succeeded', changedServices: ['a', 'b'] })).toEqual({
      value: 'succeeded',
      text: 'succeeded — changed a, b',
    });
    expect(up({ stack: 's', outcome: 'unchanged', changedServices: [] }).value).toBe('succeeded');
    expect(up({ stack: 's', outcome: 'rolled-back', failure, changedServices: [] })).toEqual({
      value: 'rolled-back',
      text: 'failed — rolled back: db: exited: exit code 1',
    });
    expect(
      up({ stack: 's', outcome: 'failed', failure, rollbackProblem: 'x stuck', changedServices: [] }),
    ).toEqual({
      value: 'failed',
      text: 'failed: db: exited: exit code 1; the rollback did not complete: x stuck',
    });
  });

  it('reads the operation’s status for the rest', () => {
    const error = { code: 'E', message: 'engine gone', hint: 'h' };
    expect(outcomeOf({ kind: 'up', status: 'running' }).value).toBe('running');
    expect(outcomeOf({ kind: 'down', status: 'failed', error })).toEqual({
      value: 'failed',
      text: 'failed: engine gone',
    });
    expect(outcomeOf({ kind: 'up', status: 'interrupted', error }).value).toBe('interrupted');
    expect(outcomeOf({ kind: 'restart', status: 'succeeded', result: { restarted: [] } }).value).toBe(
      'succeeded',
    );
  });

  it('finds the ending in a finished event only, and writes event lines', () => {
    const base = { id: 1, at: '2025-01-01T10:11:12.000Z', kind: 'operation' as const, message: 'm' };
    expect(endingOf({ ...base, type: 'started' }, 'up')).toBeUndefined();
    expect(
      endingOf(
        {
          ...base,
          type: 'finished',
          data: { status: 'failed', error: { code: 'E', message: 'x', hint: 'h' } },
        },
        'up',
      ),
    ).toEqual({
      kind: 'up',
      status: 'failed',
      error: { code: 'E', message: 'x', hint: 'h' },
    });
    expect(eventLine({ at: base.at, service: 'web', message: 'ok' })).toBe('10:11:12 web: ok');
    expect(eventLine({ at: base.at, message: 'ok' })).toBe('10:11:12 ok');
  });
});

describe('SSE framing', () => {
  it('parses frames across chunks, with multi-line data and heartbeats', () => {
    const first = parseFrames(
      'id: 7\nevent: deploy\ndata: {"a":1}\n\n: keep-alive\n\nevent: x\ndata: one\r\ndata: two\n',
    );
    expect(first.frames).toEqual([{ id: '7', event: 'deploy', data: '{"a":1}' }, HEARTBEAT]);
    const second = parseFrames(`${first.rest}\n`);
    expect(second.frames).toEqual([{ id: undefined, event: 'x', data: 'one\ntwo' }]);
  });

  it('writes each line of data on its own data: line, so markup never breaks the framing', () => {
    expect(formatFrame({ id: '3', event: 'line', data: '<li>a\nb</li>' })).toBe(
      'id: 3\nevent: line\ndata: <li>a\ndata: b</li>\n\n',
    );
    expect(formatFrame(HEARTBEAT)).toBe(': keep-alive\n\n');
  });

  it('reads a stream and stops when asked, cancelling it', async () => {
    let cancelled = false;
    const body = new ReadableStream<Uint8Array>({
      start(c) {
        c.enqueue(new TextEncoder().encode('event: a\ndata: 1\n\nevent: b\nda'));
        c.enqueue(new TextEncoder().encode('ta: 2\n\n'));
      },
      cancel() {
        cancelled = true;
      },
    });
    const stop = new AbortController();
    const seen: string[] = [];
    for await (const frame of readFrames(body, stop.signal)) {
      seen.push(frame.event);
      if (seen.length === 2) setTimeout(() => stop.abort(), 5);
    }
    expect(seen).toEqual(['a', 'b']);
    expect(cancelled).toBe(true);
  });
});

describe('session helpers', () => {
  it('reads cookies, first one wins', () => {
    const cookies = parseCookies('a=1; berth_csrf=x=y; a=2; bad');
    expect([...cookies]).toEqual([
      ['a', '1'],
      ['berth_csrf', 'x=y'],
    ]);
  });

  it('compares tokens whole; empty or missing never match', () => {
    expect(sameToken('abc', 'abc')).toBe(true);
    expect(sameToken('abc', 'abd')).toBe(false);
    expect(sameToken('abc', 'abcd')).toBe(false);
    expect(sameToken('', '')).toBe(false);
    expect(sameToken(undefined, 'a')).toBe(false);
  });

  it('accepts a POST from this host only', () => {
    const url = 'http://berth.test/stacks/a/up';
    expect(fromOwnPage(url, undefined, undefined)).toBe(true);
    expect(fromOwnPage(url, 'http://berth.test', 'same-origin')).toBe(true);
    // Behind a TLS proxy the scheme differs; the host is what the allow-list checked.
    expect(fromOwnPage(url, 'https://berth.test', undefined)).toBe(true);
    expect(fromOwnPage(url, 'https://evil.test', undefined)).toBe(false);
    expect(fromOwnPage(url, 'null', undefined)).toBe(false);
    // What a browser sends on a form POST from a no-referrer page of this server.
    expect(fromOwnPage(url, 'null', 'same-origin')).toBe(true);
    expect(fromOwnPage(url, 'null', 'cross-site')).toBe(false);
    expect(fromOwnPage(url, undefined, 'same-site')).toBe(false);
  });

  it('shapes the CSRF cookie like the session cookie it goes with', () => {
    const session =
      'berth_session=s; Path=/; HttpOnly; SameSite=Strict; Expires=Wed, 01 Jan 2025 00:00:00 GMT; Secure';
    expect(csrfCookie('t', session)).toBe(
      'berth_csrf=t; Path=/; HttpOnly; SameSite=Strict; Expires=Wed, 01 Jan 2025 00:00:00 GMT; Secure',
    );
    expect(csrfCookie('', null)).toBe('berth_csrf=; Path=/; HttpOnly; SameSite=Strict; Max-Age=0');
  });

  it('sends a login back to a path of this server only', () => {
    for (const kept of ['/', '/stacks/alpha', '/audit?actor=root&before=12', '/stacks/a%2Fb#logs']) {
      expect(safeNext(kept)).toBe(kept);
    }
    for (const refused of [
      undefined,
      '',
      'stacks/alpha',
      'https://evil.example/',
      '//evil.example/x',
      '/\\evil.example',
      '/\\/evil.example',
      '/stacks\nSet-Cookie:x',
      '/a\u0000b',
      '/a\u007fb',
      '/login',
      '/login?next=/x',
      '/setup',
      '/logout',
      `/${'a'.repeat(2048)}`,
    ]) {
      expect([refused, safeNext(refused)]).toEqual([refused, '/']);
    }
  });
});
