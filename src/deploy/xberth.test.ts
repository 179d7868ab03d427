import { describe, expect, it } from 'vitest';
import { SpecCode } from '../compose/diagnostics.js';
import { createXBerthRegistry, validateXBerth } from '../compose/xberth/registry.js';
import { DEPLOY_XBERTH_SECTIONS } from './xberth.js';

const registry = createXBerthRegistry(DEPLOY_XBERTH_SECTIONS);

describe('x-berth.deploy', () => {
  it('parses durations to milliseconds', () => {
    const r = validateXBerth(
      registry,
      'stack',
      { deploy: { health_timeout: '2m', stable_window: '15s', rollback: 'manual' } },
      ['x-berth'],
    );
    expect(r).toEqual({
      values: { deploy: { health_timeout: 120_000, stable_window: 15_000, rollback: 'manual' } },
      findings: [],
    });
  });

  it('rejects a duration without a unit with a hint', () => {
    const r = validateXBerth(registry, 'stack', { deploy: { health_timeout: '120' } }, ['x-berth']);
    expect(r.findings[0]).toMatchObject({
      code: SpecCode.XBerthInvalid,
      path: ['x-berth', 'deploy', 'health_timeout'],
      hint: expect.stringContaining('30s'),
    });
  });

  it('allows a per-service health gate but not a per-service rollback', () => {
    const ok = validateXBerth(registry, 'service', { deploy: { health_timeout: '5m' } }, ['s']);
    expect(ok.findings).toEqual([]);
    const bad = validateXBerth(registry, 'service', { deploy: { rollback: 'auto' } }, ['s']);
    expect(bad.findings[0]).toMatchObject({
      code: SpecCode.XBerthUnknownKey,
      path: ['s', 'deploy', 'rollback'],
    });
  });
});

describe('x-berth.install', () => {
  it('parses the Mautic seed case', () => {
    const r = validateXBerth(
      registry,
      'service',
      { install: { env: { MAUTIC_INSTALL_FORCE: 1 }, until: { file: '/var/www/html/config/local.php' } } },
      ['x-berth'],
    );
    expect(r.values).toEqual({
      install: {
        env: { MAUTIC_INSTALL_FORCE: '1' },
        until: { file: '/var/www/html/config/local.php' },
        timeout: 600_000,
      },
    });
  });

  it.each([
    [{ http: { port: 80 } }, { http: { port: 80, path: '/', status: 200 } }],
    [
      { http: { port: '8080', path: '/ready', status: [200, 204] } },
      { http: { port: 8080, path: '/ready', status: [200, 204] } },
    ],
    [{ command: ['test', '-f', '/done'] }, { command: ['test', '-f', '/done'] }],
  ])('accepts until %j', (until, expected) => {
    const r = validateXBerth(registry, 'service', { install: { env: {}, until } }, ['x']);
    expect(r.findings).toEqual([]);
    expect((r.values.install as { until: unknown }).until).toEqual(expected);
  });

  it.each([[{}], [{ file: 'relative' }], [{ file: '/a', command: ['x'] }], [{ http: { port: 0 } }]])(
    'rejects until %j',
    (until) => {
      const r = validateXBerth(registry, 'service', { install: { env: {}, until } }, ['x']);
      expect(r.findings.length).toBeGreaterThan(0);
    },
  );

  it('is a service-level section only', () => {
    const r = validateXBerth(registry, 'stack', { install: { env: {}, until: { file: '/x' } } }, ['x-berth']);
    expect(r.findings[0]?.message).toContain('service level');
  });
});
