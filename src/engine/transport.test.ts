import type Dockerode from 'dockerode';
import { describe, expect, it } from 'vitest';
import { asArray, cleanQuery, modemTransport, seg } from './transport.js';

type DialOptions = Parameters<Dockerode['modem']['dial']>[0];
type Callback = (err: Error | null, result: unknown) => void;

function fakeModem(answer: (options: DialOptions) => [Error | null, unknown]) {
  const calls: DialOptions[] = [];
  const modem = {
    dial(options: DialOptions, callback: Callback) {
      calls.push(options);
      const [err, result] = answer(options);
      queueMicrotask(() => callback(err, result));
    },
  };
  return { calls, modem: modem as unknown as Dockerode['modem'] };
}

describe('modemTransport', () => {
  it('sends a query-capable path, a clean query, no body by default, and extra ok statuses', async () => {
    const { calls, modem } = fakeModem(() => [null, Buffer.alloc(0)]);
    const transport = modemTransport(modem, 'unix:///s', '1.41');
    const result = await transport.json({
      method: 'POST',
      path: '/containers/abc/stop',
      query: { t: 5, signal: undefined },
      okStatus: [304],
      action: 'stop',
    });
    expect(result).toBeUndefined();
    expect(calls[0]).toMatchObject({
      path: '/containers/abc/stop?',
      method: 'POST',
      options: { _query: { t: '5' }, _body: {} },
      isStream: false,
      statusCodes: { 200: true, 201: true, 204: true, 304: true },
    });
    expect(transport).toMatchObject({ endpoint: 'unix:///s', apiVersion: '1.41' });
  });

  it('returns parsed JSON as is and a non-JSON body as text', async () => {
    const json = modemTransport(fakeModem(() => [null, { Id: 'x' }]).modem, 'e', '1.41');
    expect(await json.json({ method: 'GET', path: '/x', action: 'a' })).toEqual({ Id: 'x' });
    const text = modemTransport(fakeModem(() => [null, Buffer.from('OK')]).modem, 'e', '1.41');
    expect(await text.json({ method: 'GET', path: '/_ping', action: 'a' })).toBe('OK');
  });

  it('turns modem errors into EngineErrors with the request’s context', async () => {
    const failure = Object.assign(new Error('(HTTP code 404) no such container - No such container: a '), {
      statusCode: 404,
      json: { message: 'No such container: a' },
    });
    const transport = modemTransport(fakeModem(() => [failure, null]).modem, 'e', '1.41');
    await expect(
      transport.json({
        method: 'GET',
        path: '/containers/a/json',
        action: 'inspect',
        resource: 'container a',
      }),
    ).rejects.toMatchObject({
      code: 'ENGINE_NOT_FOUND',
      message: 'inspect container a: No such container: a',
    });
  });

  it('hands the signal and a streamed file to the modem', async () => {
    const { calls, modem } = fakeModem(() => [null, 'stream']);
    const signal = new AbortController().signal;
    const { Readable } = await import('node:stream');
    const file = Readable.from([]);
    await modemTransport(modem, 'e', '1.41').stream({
      method: 'POST',
      path: '/build',
      file,
      signal,
      action: 'build',
    });
    expect(calls[0]?.abortSignal).toBe(signal);
    expect(calls[0]?.file).toBe(file);
    expect(calls[0]?.isStream).toBe(true);
  });
});

describe('helpers', () => {
  it('cleanQuery drops undefined and stringifies the rest', () => {
    expect(cleanQuery({ a: undefined, b: false, c: 0, d: 'x' })).toEqual({ b: 'false', c: '0', d: 'x' });
  });

  it('seg escapes path segments but keeps image reference slashes', () => {
    expect(seg('registry:5000/team/app:1')).toBe('registry%3A5000/team/app%3A1');
    expect(seg('a b?c#d')).toBe('a%20b%3Fc%23d');
  });

  it('asArray refuses a non-list answer', () => {
    expect(asArray([1], 'x')).toEqual([1]);
    expect(() => asArray({ message: 'nope' }, 'list containers')).toThrow(
      /list containers: the engine answered/,
    );
  });
});

describe('modemTransport: empty ids', () => {
  it.each(['/containers//json', '/containers/', '/networks//disconnect'])(
    'refuses %s without calling the engine',
    async (path) => {
      const { calls, modem } = fakeModem(() => [null, Buffer.alloc(0)]);
      const transport = modemTransport(modem, 'unix:///s', '1.41');
      await expect(transport.json({ method: 'GET', path, action: 'inspect' })).rejects.toMatchObject({
        code: 'ENGINE_BAD_REQUEST',
      });
      expect(calls).toEqual([]);
    },
  );
});
