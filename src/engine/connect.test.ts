import { describe, expect, it } from 'vitest';
import { DEFAULT_SOCKET, parseEngineHost } from './address.js';
import { compareApiVersions, NEWEST_API_VERSION, negotiateApiVersion } from './connect.js';

describe('parseEngineHost', () => {
  it('defaults to the standard socket', () => {
    for (const host of [undefined, '', '  ', 'unix://']) {
      expect(parseEngineHost(host)).toEqual({
        kind: 'unix',
        socketPath: DEFAULT_SOCKET,
        display: 'unix:///var/run/docker.sock',
      });
    }
  });

  it('reads unix and tcp addresses', () => {
    expect(parseEngineHost('unix:///run/user/1000/docker.sock')).toEqual({
      kind: 'unix',
      socketPath: '/run/user/1000/docker.sock',
      display: 'unix:///run/user/1000/docker.sock',
    });
    expect(parseEngineHost('tcp://10.0.0.2:2375')).toEqual({
      kind: 'tcp',
      host: '10.0.0.2',
      port: 2375,
      display: 'tcp://10.0.0.2:2375',
    });
    expect(parseEngineHost('tcp://docker.internal')).toMatchObject({ host: 'docker.internal', port: 2375 });
    expect(parseEngineHost('tcp://[::1]:2375')).toMatchObject({ host: '::1', port: 2375 });
  });

  it('refuses schemes it cannot speak with ENGINE_UNAVAILABLE', () => {
    for (const host of ['ssh://me@box', 'npipe:////./pipe/docker_engine', 'tcp://', '/var/run/docker.sock']) {
      expect(() => parseEngineHost(host)).toThrow(expect.objectContaining({ code: 'ENGINE_UNAVAILABLE' }));
    }
  });
});

describe('API version negotiation', () => {
  it('compares versions numerically', () => {
    expect(compareApiVersions('1.41', '1.47')).toBeLessThan(0);
    expect(compareApiVersions('1.100', '1.47')).toBeGreaterThan(0);
    expect(compareApiVersions('2.0', '1.99')).toBeGreaterThan(0);
    expect(compareApiVersions('1.41', '1.41')).toBe(0);
  });

  it('speaks the server version up to the newest known', () => {
    expect(negotiateApiVersion('1.41', 'x')).toBe('1.41');
    expect(negotiateApiVersion('1.45', 'x')).toBe('1.45');
    expect(negotiateApiVersion('1.51', 'x')).toBe(NEWEST_API_VERSION);
  });

  it('refuses engines older than 20.10 and answers that are no version', () => {
    expect(() => negotiateApiVersion('1.40', 'unix:///s')).toThrow(/1\.40.*1\.41/);
    expect(() => negotiateApiVersion('', 'tcp://h:1')).toThrow(/tcp:\/\/h:1 did not report an API version/);
  });
});
