import { describe, expect, it } from 'vitest';
import { SpecCode } from '../compose/diagnostics.js';
import { createXBerthRegistry, validateXBerth } from '../compose/xberth/registry.js';
import { DEPLOY_DEFAULTS, DEPLOY_XBERTH_SECTIONS, IMAGE_DEFAULTS, imageSettings } from './xberth.js';

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

describe('x-berth.deploy.probe_interval', () => {
  it('parses at both levels and defaults to 250ms', () => {
    const stack = validateXBerth(registry, 'stack', { deploy: { probe_interval: '100ms' } }, ['x-berth']);
    expect(stack).toEqual({ values: { deploy: { probe_interval: 100 } }, findings: [] });
    const service = validateXBerth(registry, 'service', { deploy: { probe_interval: '1s' } }, ['s']);
    expect(service).toEqual({ values: { deploy: { probe_interval: 1000 } }, findings: [] });
    expect(DEPLOY_DEFAULTS.probe_interval).toBe(250);
  });

  it.each(['10ms', '2m', 0])('refuses %s with its range as the hint', (value) => {
    const r = validateXBerth(registry, 'stack', { deploy: { probe_interval: value } }, ['x-berth']);
    expect(r.values).toEqual({});
    expect(r.findings).toHaveLength(1);
    expect(r.findings[0]).toMatchObject({
      code: SpecCode.XBerthInvalid,
      path: ['x-berth', 'deploy', 'probe_interval'],
      hint: expect.stringContaining('from 50ms to 1m'),
    });
  });

  it('refuses a duration without a unit', () => {
    const r = validateXBerth(registry, 'stack', { deploy: { probe_interval: '250' } }, ['x-berth']);
    expect(r.findings[0]).toMatchObject({
      path: ['x-berth', 'deploy', 'probe_interval'],
      hint: expect.stringContaining('30s'),
    });
  });
});

describe('x-berth.images', () => {
  it('takes keep and prune at the stack level, and applies the defaults', () => {
    const r = validateXBerth(registry, 'stack', { images: { keep: 5, prune: 'manual' } }, ['x-berth']);
    expect(r).toEqual({ values: { images: { keep: 5, prune: 'manual' } }, findings: [] });
    expect(imageSettings(r.values)).toEqual({ keep: 5, prune: 'manual' });
    expect(imageSettings({})).toEqual(IMAGE_DEFAULTS);
    expect(imageSettings({ images: { keep: 1 } })).toEqual({ keep: 1, prune: 'after-deploy' });
  });

  it.each([0, 101, 2.5, 'x', null])('refuses keep %s, saying the range and giving an example', (keep) => {
    const r = validateXBerth(registry, 'stack', { images: { keep } }, ['x-berth']);
    expect(r.findings).toEqual([
      expect.objectContaining({
        code: SpecCode.XBerthInvalid,
        path: ['x-berth', 'images', 'keep'],
        message: expect.stringContaining(
          `keep must be a whole number from 1 to 100, not ${JSON.stringify(keep)}`,
        ),
        hint: expect.stringContaining('keep: 3'),
      }),
    ]);
  });

  it('refuses an unknown prune mode and the section at the service level', () => {
    expect(
      validateXBerth(registry, 'stack', { images: { prune: 'sometimes' } }, ['x-berth']).findings,
    ).toHaveLength(1);
    expect(validateXBerth(registry, 'service', { images: { keep: 2 } }, ['x-berth']).findings).toHaveLength(
      1,
    );
  });
});
