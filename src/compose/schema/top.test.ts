import { describe, expect, expectTypeOf, it } from 'vitest';
import { schemaFindings } from './issues.js';
import { type ComposeFile, ComposeFileSchema, type Port, type Service } from './model.js';

function load(doc: unknown): ComposeFile {
  const result = ComposeFileSchema.safeParse(doc);
  if (!result.success) throw new Error(JSON.stringify(schemaFindings(result.error, doc)));
  return result.data;
}

function findings(doc: unknown) {
  const result = ComposeFileSchema.safeParse(doc);
  expect(result.success).toBe(false);
  return result.success ? [] : schemaFindings(result.error, doc);
}

describe('the compose file', () => {
  it('keeps x-* keys of the file and of services under `extensions`, and drops nested ones', () => {
    const file = load({
      'x-common': { a: 1 },
      services: {
        web: { image: 'nginx', 'x-berth': { route: 'web' }, healthcheck: { test: 'true', 'x-note': 1 } },
      },
    });
    expect(file.extensions).toEqual({ 'x-common': { a: 1 } });
    expect(file.services?.web?.extensions).toEqual({ 'x-berth': { route: 'web' } });
    expect(file.services?.web?.healthcheck).toEqual({ test: ['CMD-SHELL', 'true'], disable: false });
  });

  it('leaves keys that were not written absent, and keeps command: null', () => {
    const web = load({ services: { web: { image: 'nginx', command: null } } }).services?.web;
    expect(web).toEqual({ image: 'nginx', command: null, extensions: {} });
    expect(web !== undefined && 'entrypoint' in web).toBe(false);
  });

  it('keeps the obsolete version and checks the project name', () => {
    expect(load({ version: '3.8', name: 'my-app_1', services: {} })).toMatchObject({
      version: '3.8',
      name: 'my-app_1',
    });
    expect(findings({ name: 'My App' })[0]).toMatchObject({ code: 'SPEC_INVALID_VALUE', path: ['name'] });
  });

  it('checks service names at the key', () => {
    expect(findings({ services: { 'web app': { image: 'x' } } })[0]).toMatchObject({
      path: ['services', 'web app'],
      at: 'key',
    });
  });

  it('normalizes include', () => {
    expect(
      load({
        include: [
          'a.yaml',
          { path: 'b.yaml', env_file: ['b.env'], project_directory: 'b' },
          { path: ['c.yaml', 'd.yaml'] },
        ],
      }).include,
    ).toEqual([
      { path: ['a.yaml'], env_file: [] },
      { path: ['b.yaml'], env_file: ['b.env'], project_directory: 'b' },
      { path: ['c.yaml', 'd.yaml'], env_file: [] },
    ]);
    expect(findings({ include: [{ env_file: 'x' }] })[0]).toMatchObject({
      code: 'SPEC_MISSING_KEY',
      path: ['include', 0, 'path'],
    });
    expect(findings({ include: [{ path: 'a', 'x-note': 1 }] })[0]?.code).toBe('SPEC_UNKNOWN_KEY');
  });

  it('gives the model types derived from the schema', () => {
    const file = load({ services: { web: { ports: ['80'] } } });
    const port = file.services?.web?.ports?.[0];
    expect(port?.target).toBe(80);
    expectTypeOf<Port['target']>().toEqualTypeOf<number>();
    expectTypeOf<Port['protocol']>().toEqualTypeOf<'tcp' | 'udp' | 'sctp'>();
    expectTypeOf<Service['command']>().toEqualTypeOf<string[] | null | undefined>();
  });
});

describe('networks, volumes, secrets, configs', () => {
  it('turns empty entries into defaults and resolves external', () => {
    const file = load({
      networks: {
        front: null,
        legacy: { external: { name: 'shared-net' } },
        ext: { external: 'true', name: 'proxy' },
        ipv6: { enable_ipv6: 'true', labels: ['a=b'], driver_opts: { mtu: 1400 } },
      },
      volumes: {
        data: null,
        old: { external: { name: 'old-data' } },
        local: { driver: 'local', labels: { a: 'b' } },
      },
    });
    expect(file.networks).toEqual({
      front: { extensions: {}, external: false },
      legacy: { extensions: {}, external: true, name: 'shared-net' },
      ext: { extensions: {}, external: true, name: 'proxy' },
      ipv6: {
        extensions: {},
        external: false,
        enable_ipv6: true,
        labels: { a: 'b' },
        driver_opts: { mtu: '1400' },
      },
    });
    expect(file.volumes).toEqual({
      data: { extensions: {}, external: false },
      old: { extensions: {}, external: true, name: 'old-data' },
      local: { extensions: {}, external: false, driver: 'local', labels: { a: 'b' } },
    });
  });

  it('reports a legacy external name that conflicts with `name`', () => {
    expect(findings({ volumes: { v: { name: 'a', external: { name: 'b' } } } })[0]).toMatchObject({
      path: ['volumes', 'v', 'external', 'name'],
    });
  });

  it('keeps secrets and configs, but rejects empty entries there as upstream does', () => {
    const file = load({
      secrets: { token: { file: './token.txt' }, api: { environment: 'API_KEY' }, ext: { external: true } },
      configs: { site: { content: 'hello' } },
    });
    expect(file.secrets?.token).toEqual({ file: './token.txt', external: false, extensions: {} });
    expect(file.secrets?.ext?.external).toBe(true);
    expect(file.configs?.site).toEqual({ content: 'hello', external: false, extensions: {} });
    expect(findings({ secrets: { token: null } })[0]).toMatchObject({
      code: 'SPEC_INVALID_TYPE',
      path: ['secrets', 'token'],
    });
  });

  it('checks network ipam strictly', () => {
    expect(
      findings({ networks: { n: { ipam: { config: [{ subnett: '10.0.0.0/24' }] } } } })[0],
    ).toMatchObject({
      code: 'SPEC_UNKNOWN_KEY',
      path: ['networks', 'n', 'ipam', 'config', 0, 'subnett'],
    });
  });
});
