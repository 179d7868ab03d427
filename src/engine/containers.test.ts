import { describe, expect, it } from 'vitest';
import { containerClient } from './containers.js';
import { EngineError } from './errors.js';
import { SPEC_DEFAULTS } from './spec-defaults.js';
import type { EngineRequest, Transport } from './transport.js';
import type { ContainerSpec } from './types.js';

// A scripted Transport: records every request and answers from `reply`.
function fakeTransport(reply: (request: EngineRequest) => unknown): {
  transport: Transport;
  requests: EngineRequest[];
} {
  const requests: EngineRequest[] = [];
  const transport: Transport = {
    endpoint: 'unix:///fake.sock',
    apiVersion: '1.41',
    async json(request) {
      requests.push(request);
      const answer = reply(request);
      if (answer instanceof Error) throw answer;
      return answer;
    },
    async stream() {
      throw new Error('not used');
    },
  };
  return { transport, requests };
}

const spec: ContainerSpec = {
  name: 'shop-web-1',
  image: 'nginx',
  ...SPEC_DEFAULTS,
  networks: [
    { name: 'front', aliases: ['web'] },
    { name: 'back', aliases: ['api'] },
    { name: 'admin', aliases: [] },
  ],
};

const route = (request: EngineRequest) => `${request.method} ${request.path}`;

describe('containerClient.create', () => {
  it('creates with the first network, then connects the others before returning', async () => {
    const { transport, requests } = fakeTransport((request) =>
      request.path === '/containers/create' ? { Id: 'c1', Warnings: null } : undefined,
    );
    expect(await containerClient(transport).create(spec)).toEqual({ id: 'c1', warnings: [] });
    expect(requests.map(route)).toEqual([
      'POST /containers/create',
      'POST /networks/back/connect',
      'POST /networks/admin/connect',
    ]);
    expect(requests[0]?.query).toEqual({ name: 'shop-web-1' });
    expect(requests[1]?.body).toEqual({ Container: 'c1', EndpointConfig: { Aliases: ['api'] } });
    expect(requests[2]?.body).toEqual({ Container: 'c1', EndpointConfig: {} });
  });

  it('removes the container when a connect fails, and throws the connect error', async () => {
    const refused = new EngineError('ENGINE_BAD_REQUEST', 'no subnet', { status: 400 });
    const { transport, requests } = fakeTransport((request) => {
      if (request.path === '/containers/create') return { Id: 'c1' };
      if (request.path === '/networks/back/connect') return refused;
      return undefined;
    });
    await expect(containerClient(transport).create(spec)).rejects.toBe(refused);
    expect(requests.map(route)).toEqual([
      'POST /containers/create',
      'POST /networks/back/connect',
      'DELETE /containers/c1',
    ]);
    expect(requests[2]?.query).toEqual({ force: true, v: false });
  });

  it('says so when the cleanup fails too', async () => {
    const { transport } = fakeTransport((request) => {
      if (request.path === '/containers/create') return { Id: 'c1' };
      if (request.path === '/networks/back/connect')
        return new EngineError('ENGINE_BAD_REQUEST', 'no subnet');
      return new EngineError('ENGINE_UNAVAILABLE', 'engine gone');
    });
    await expect(containerClient(transport).create(spec)).rejects.toMatchObject({
      code: 'ENGINE_FAILED',
      message: 'no subnet; removing the half-made container c1 failed too: engine gone',
    });
  });
});

describe('containerClient requests', () => {
  it('lists with label filters, including stopped containers by default', async () => {
    const { transport, requests } = fakeTransport(() => []);
    const client = containerClient(transport);
    await client.list({ 'dev.berth.stack': 'shop', 'dev.berth.managed': 'true' });
    await client.list({ a: true }, { all: false });
    expect(requests[0]?.query).toEqual({
      all: true,
      filters: JSON.stringify({ label: ['dev.berth.managed=true', 'dev.berth.stack=shop'] }),
    });
    expect(requests[1]?.query).toEqual({ all: false, filters: JSON.stringify({ label: ['a'] }) });
  });

  it('never turns a failed listing into an empty one', async () => {
    const { transport } = fakeTransport(() => new EngineError('ENGINE_FAILED', 'boom'));
    await expect(containerClient(transport).list({})).rejects.toMatchObject({ code: 'ENGINE_FAILED' });
    const odd = fakeTransport(() => ({ message: 'not a list' })).transport;
    await expect(containerClient(odd).list({})).rejects.toMatchObject({ code: 'ENGINE_FAILED' });
  });

  it('treats 304 as success for start and stop, and passes timeouts and signals', async () => {
    const { transport, requests } = fakeTransport((request) =>
      request.path.endsWith('/wait') ? { StatusCode: 3, Error: { Message: '' } } : undefined,
    );
    const client = containerClient(transport);
    await client.start('web');
    await client.stop('web', 7);
    await client.restart('web');
    await client.kill('web', 'SIGHUP');
    await client.rename('web', 'web-old');
    await client.remove('web', { volumes: true });
    expect(await client.wait('web', { condition: 'next-exit' })).toEqual({ exitCode: 3 });
    expect(requests.map((r) => [route(r), r.query, r.okStatus])).toEqual([
      ['POST /containers/web/start', undefined, [304]],
      ['POST /containers/web/stop', { t: 7 }, [304]],
      ['POST /containers/web/restart', { t: undefined }, undefined],
      ['POST /containers/web/kill', { signal: 'SIGHUP' }, undefined],
      ['POST /containers/web/rename', { name: 'web-old' }, undefined],
      ['DELETE /containers/web', { force: false, v: true }, undefined],
      ['POST /containers/web/wait', { condition: 'next-exit' }, undefined],
    ]);
  });
});
