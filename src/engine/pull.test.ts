import { Readable } from 'node:stream';
import type Dockerode from 'dockerode';
import { describe, expect, it } from 'vitest';
import { EngineError } from './errors.js';
import {
  failureKind,
  PULL_LOG_TAIL,
  PullProgress,
  pullError,
  pullImage,
  pullTarget,
  registryAuthHeader,
  registryOf,
} from './pull.js';
import { modemTransport } from './transport.js';
import type { PullEvent } from './types.js';

function feed(progress: PullProgress, messages: unknown[]): PullEvent[] {
  return messages.flatMap((message) => progress.push(message));
}

describe('pullTarget', () => {
  it.each([
    ['nginx', 'nginx', 'latest', 'nginx:latest', 'docker.io'],
    ['nginx:1.27', 'nginx', '1.27', 'nginx:1.27', 'docker.io'],
    ['library/nginx:1.27', 'library/nginx', '1.27', 'library/nginx:1.27', 'docker.io'],
    ['host:5000/a/b:tag', 'host:5000/a/b', 'tag', 'host:5000/a/b:tag', 'host:5000'],
    ['host:5000/a/b', 'host:5000/a/b', 'latest', 'host:5000/a/b:latest', 'host:5000'],
    ['ghcr.io/o/app', 'ghcr.io/o/app', 'latest', 'ghcr.io/o/app:latest', 'ghcr.io'],
    ['localhost/app:2', 'localhost/app', '2', 'localhost/app:2', 'localhost'],
    ['repo@sha256:abc', 'repo', 'sha256:abc', 'repo@sha256:abc', 'docker.io'],
    ['h:1/repo:t@sha256:abc', 'h:1/repo', 'sha256:abc', 'h:1/repo@sha256:abc', 'h:1'],
    [' nginx:1 ', 'nginx', '1', 'nginx:1', 'docker.io'],
  ])('%s → fromImage %s, tag %s, inspect %s, registry %s', (reference, fromImage, tag, pinned, registry) => {
    expect(pullTarget(reference)).toEqual({ fromImage, tag, pinned, registry });
  });

  it.each(['', '   ', 'ngi nx'])('refuses %j before asking the engine', (reference) => {
    expect(() => pullTarget(reference)).toThrow(EngineError);
    expect(() => pullTarget(reference)).toThrow(/not an image reference/);
  });

  it('names Docker Hub for a first part that is no host', () => {
    expect(registryOf('acme/app')).toBe('docker.io');
    expect(registryOf('registry.acme.io/app')).toBe('registry.acme.io');
  });
});

describe('registryAuthHeader', () => {
  it('is padded base64url JSON of the given fields only', () => {
    const header = registryAuthHeader({ serveraddress: 'h:5000', username: 'u', password: 'p?>' });
    expect(header).toMatch(/^[A-Za-z0-9_-]+=*$/);
    expect(header.length % 4).toBe(0);
    const json = Buffer.from(header.replace(/-/g, '+').replace(/_/g, '/'), 'base64').toString('utf8');
    expect(JSON.parse(json)).toEqual({ serveraddress: 'h:5000', username: 'u', password: 'p?>' });
  });

  it('carries an identity token instead of a password', () => {
    const header = registryAuthHeader({ serveraddress: 'r.io', identitytoken: 'tok' });
    expect(JSON.parse(Buffer.from(header, 'base64url').toString('utf8'))).toEqual({
      serveraddress: 'r.io',
      identitytoken: 'tok',
    });
  });
});

describe('failureKind', () => {
  it.each([
    ['Head "http://h/v2/a/manifests/1": no basic auth credentials', 'denied'],
    ['unauthorized: authentication required', 'denied'],
    ["pull access denied for pe-x, repository does not exist or may require 'docker login'", 'denied'],
    ['manifest for h:1/a:nope not found: manifest unknown: manifest unknown', 'missing'],
    ['Get "http://127.0.0.1:1/v2/": dial tcp 127.0.0.1:1: connect: connection refused', 'unreachable'],
    [
      'Get "https://registry-1.docker.io/v2/": dial tcp: lookup registry-1.docker.io: no such host',
      'unreachable',
    ],
    ['http: server gave HTTP response to HTTPS client', 'unreachable'],
    ['filesystem layer verification failed for digest sha256:1', 'other'],
  ])('%s → %s', (words, kind) => {
    expect(failureKind(words)).toBe(kind);
  });

  it('puts the reference, the meaning and the registry words in the message, and a hint naming the registry', () => {
    const err = pullError('h:5000/a:1', 'no basic auth credentials', { code: 'ENGINE_FAILED', status: 500 });
    expect(err).toMatchObject({
      code: 'ENGINE_FAILED',
      status: 500,
      resource: 'image h:5000/a:1',
      message: 'pull of h:5000/a:1 failed: the registry denied access: no basic auth credentials',
    });
    expect(err.hint).toContain('credentials for h:5000');
    expect(pullError('nginx', 'dial tcp: connection refused').hint).toContain('docker.io must be reachable');
  });
});

describe('PullProgress', () => {
  it('keeps status transitions with their layer id and drops per-byte progress', () => {
    const progress = new PullProgress();
    const events = feed(progress, [
      { status: 'Pulling from library/nginx', id: '1.27' },
      { status: 'Pulling fs layer', progressDetail: {}, id: 'abc123' },
      { status: 'Waiting', progressDetail: {}, id: 'def456' },
      {
        status: 'Downloading',
        progressDetail: { current: 10, total: 100 },
        progress: '[=>  ]',
        id: 'abc123',
      },
      { status: 'Downloading', progressDetail: {}, id: 'abc123' },
      { status: 'Verifying Checksum', progressDetail: {}, id: 'abc123' },
      { status: 'Download complete', progressDetail: {}, id: 'abc123' },
      { status: 'Extracting', progressDetail: { current: 5, total: 100 }, id: 'abc123' },
      { status: 'Some new verb', progressDetail: { current: 5 }, id: 'abc123' },
      { status: 'Pull complete', progressDetail: {}, id: 'abc123' },
      { status: 'Already exists', progressDetail: {}, id: 'def456' },
      { status: 'Digest: sha256:1f56' },
      { status: 'Status: Downloaded newer image for nginx:1.27' },
    ]);
    expect(events).toEqual(
      [
        '1.27: Pulling from library/nginx',
        'abc123: Pulling fs layer',
        'def456: Waiting',
        'abc123: Verifying Checksum',
        'abc123: Download complete',
        'abc123: Pull complete',
        'def456: Already exists',
        'Digest: sha256:1f56',
        'Status: Downloaded newer image for nginx:1.27',
      ].map((line) => ({ type: 'progress', line })),
    );
    expect(() => progress.finish('nginx:1.27')).not.toThrow();
  });

  it('ignores messages without a status, empty ones and non-objects', () => {
    const progress = new PullProgress();
    expect(
      feed(progress, [{}, null, 'text', 42, { status: '  ' }, { id: 'x' }, { aux: { Tag: 't' } }]),
    ).toEqual([]);
    expect(() => progress.finish('a')).not.toThrow();
  });

  it('turns an in-stream error into an EngineError naming the reference, with the last lines', () => {
    const progress = new PullProgress();
    feed(progress, [
      { status: 'Pulling from a', id: '1' },
      { errorDetail: { message: 'unauthorized: authentication required' }, error: 'ignored' },
      { error: 'a second error is not the cause' },
    ]);
    let thrown: unknown;
    try {
      progress.finish('h:5000/a:1');
    } catch (err) {
      thrown = err;
    }
    expect(thrown).toBeInstanceOf(EngineError);
    expect(thrown).toMatchObject({
      code: 'ENGINE_FAILED',
      message: 'pull of h:5000/a:1 failed: the registry denied access: unauthorized: authentication required',
      resource: 'image h:5000/a:1',
      details: ['1: Pulling from a'],
    });
  });

  it('reads the plain `error` field, and words an empty one', () => {
    const plain = new PullProgress();
    plain.push({ error: 'filesystem layer verification failed' });
    expect(() => plain.finish('a')).toThrow(
      'pull of a failed: the engine could not pull it: filesystem layer',
    );
    const empty = new PullProgress();
    empty.push({ error: ' ' });
    expect(() => empty.finish('a')).toThrow('without words');
  });

  it(`keeps only the last ${PULL_LOG_TAIL} lines for the error`, () => {
    const progress = new PullProgress();
    for (let i = 0; i < PULL_LOG_TAIL + 5; i++) progress.push({ status: `line ${i}` });
    progress.push({ error: 'boom' });
    try {
      progress.finish('a');
      expect.unreachable();
    } catch (err) {
      const details = (err as EngineError).details;
      expect(details).toHaveLength(PULL_LOG_TAIL);
      expect(details[0]).toBe('line 5');
    }
  });
});

type DialOptions = Parameters<Dockerode['modem']['dial']>[0];
type Answer = [Error | null, unknown];

/** A transport over a fake modem: streams answer with the given JSON lines, the inspect with `inspect`. */
function fakeEngine(answers: { pull: () => Answer; inspect?: () => Answer }) {
  const calls: DialOptions[] = [];
  const modem = {
    dial(options: DialOptions, callback: (err: Error | null, result: unknown) => void) {
      calls.push(options);
      const answer = options.path?.startsWith('/images/create')
        ? answers.pull()
        : (answers.inspect ?? (() => [null, { Id: 'sha256:feed' }]))();
      queueMicrotask(() => callback(answer[0], answer[1]));
    },
  };
  return { calls, transport: modemTransport(modem as unknown as Dockerode['modem'], 'unix:///s', '1.41') };
}

const lines = (...messages: unknown[]): Answer => [
  null,
  Readable.from([Buffer.from(messages.map((m) => `${JSON.stringify(m)}\r\n`).join(''))]),
];

async function collect(iterable: AsyncIterable<PullEvent>): Promise<PullEvent[]> {
  const events: PullEvent[] = [];
  for await (const event of iterable) events.push(event);
  return events;
}

describe('pullImage', () => {
  it('asks for the repository with tag latest, streams progress, inspects the pinned reference', async () => {
    const { calls, transport } = fakeEngine({
      pull: () => lines({ status: 'Pulling from library/nginx', id: 'latest' }, { status: 'Status: ok' }),
    });
    const events = await collect(pullImage(transport, { reference: 'nginx' }));
    expect(events).toEqual([
      { type: 'progress', line: 'latest: Pulling from library/nginx' },
      { type: 'progress', line: 'Status: ok' },
      { type: 'done', imageId: 'sha256:feed' },
    ]);
    expect(calls[0]).toMatchObject({
      path: '/images/create?',
      method: 'POST',
      options: { _query: { fromImage: 'nginx', tag: 'latest' } },
      isStream: true,
    });
    expect(calls[0]?.headers).toBeUndefined();
    expect(calls[1]).toMatchObject({ path: '/images/nginx%3Alatest/json?', method: 'GET' });
  });

  it('sends credentials as X-Registry-Auth and never puts them in an error', async () => {
    const failure = Object.assign(
      new Error('(HTTP code 500) server error - unauthorized: authentication required'),
      {
        statusCode: 500,
        json: { message: 'unauthorized: authentication required' },
      },
    );
    const { calls, transport } = fakeEngine({ pull: () => [failure, null] });
    const auth = { serveraddress: 'h:5000', username: 'u', password: 'hunter2-secret' };
    const pulling = collect(pullImage(transport, { reference: 'h:5000/a@sha256:00', auth }));
    const err = await pulling.catch((e: unknown) => e);
    expect(calls[0]?.headers).toEqual({ 'X-Registry-Auth': registryAuthHeader(auth) });
    expect(calls[0]).toMatchObject({ options: { _query: { fromImage: 'h:5000/a', tag: 'sha256:00' } } });
    expect(err).toMatchObject({
      code: 'ENGINE_FAILED',
      status: 500,
      message:
        'pull of h:5000/a@sha256:00 failed: the registry denied access: unauthorized: authentication required',
    });
    expect(JSON.stringify({ ...(err as object), message: (err as Error).message })).not.toContain('hunter2');
  });

  it('keeps the code of a non-2xx answer and names the image', async () => {
    const failure = Object.assign(new Error('(HTTP code 404) unexpected - manifest for a:nope not found'), {
      statusCode: 404,
      json: { message: 'manifest for a:nope not found: manifest unknown: manifest unknown' },
    });
    const { transport } = fakeEngine({ pull: () => [failure, null] });
    await expect(collect(pullImage(transport, { reference: 'a:nope' }))).rejects.toMatchObject({
      code: 'ENGINE_NOT_FOUND',
      status: 404,
      message:
        'pull of a:nope failed: the registry has no such image: manifest for a:nope not found: manifest unknown: manifest unknown',
      hint: expect.stringContaining('check the image name and tag'),
    });
  });

  it('throws an in-stream error after the progress before it', async () => {
    const { calls, transport } = fakeEngine({
      pull: () =>
        lines(
          { status: 'Pulling fs layer', id: 'l1' },
          { errorDetail: { message: 'unexpected EOF' }, error: 'x' },
        ),
    });
    const events: PullEvent[] = [];
    await expect(
      (async () => {
        for await (const event of pullImage(transport, { reference: 'h:1/a:1' })) events.push(event);
      })(),
    ).rejects.toThrow('pull of h:1/a:1 failed: the engine could not pull it: unexpected EOF');
    expect(events).toEqual([{ type: 'progress', line: 'l1: Pulling fs layer' }]);
    expect(calls).toHaveLength(1);
  });

  it('says so when the image is missing after a pull that reported success', async () => {
    const missing = Object.assign(new Error('no such image'), {
      statusCode: 404,
      json: { message: 'No such image' },
    });
    const { transport } = fakeEngine({ pull: () => lines({ status: 'ok' }), inspect: () => [missing, null] });
    await expect(collect(pullImage(transport, { reference: 'a' }))).rejects.toThrow(
      'pull of a ended, but the engine has no image a:latest',
    );
  });

  it('throws the abort reason when the signal aborts, before or during the stream', async () => {
    const before = new AbortController();
    before.abort(new Error('stop before'));
    const { transport } = fakeEngine({ pull: () => lines({ status: 'a' }, { status: 'b' }) });
    await expect(collect(pullImage(transport, { reference: 'a', signal: before.signal }))).rejects.toThrow(
      'stop before',
    );

    const during = new AbortController();
    const seen: PullEvent[] = [];
    const pulling = (async () => {
      for await (const event of pullImage(transport, { reference: 'a', signal: during.signal })) {
        seen.push(event);
        during.abort(new Error('stop during'));
      }
    })();
    await expect(pulling).rejects.toThrow('stop during');
    expect(seen.some((e) => e.type === 'done')).toBe(false);
  });
});
