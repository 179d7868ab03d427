import { describe, expect, it } from 'vitest';
import { formatPath, type SchemaFinding, schemaFindings } from './issues.js';
import { ComposeFileSchema } from './model.js';

function findings(doc: unknown, withInput = true): SchemaFinding[] {
  const result = ComposeFileSchema.safeParse(doc);
  expect(result.success).toBe(false);
  return result.success ? [] : schemaFindings(result.error, withInput ? doc : undefined);
}

describe('schemaFindings', () => {
  it('reports a misspelt key at the key, with a did-you-mean hint', () => {
    const doc = { services: { web: { image: 'nginx', helthcheck: { test: 'true' } } } };
    for (const withInput of [true, false]) {
      expect(findings(doc, withInput)).toEqual([
        {
          code: 'SPEC_UNKNOWN_KEY',
          path: ['services', 'web', 'helthcheck'],
          at: 'key',
          message: 'services.web: unknown key `helthcheck`',
          hint: expect.stringContaining('did you mean `healthcheck`?'),
        },
      ]);
    }
  });

  it('suggests an extension name when nothing is close, except where extensions are not allowed', () => {
    const [service] = findings({ services: { web: { exclude_from_hc: true } } });
    expect(service?.hint).toBe('remove it, or rename it to `x-exclude_from_hc` to keep it as an extension');
    const [include] = findings({ include: [{ path: 'a.yaml', paths: 'b' }] });
    expect(include?.hint).toBe('did you mean `path`? (or remove it)');
  });

  it('lists the allowed values of an enum, with the closest one first', () => {
    const [finding] = findings({
      services: { web: { depends_on: { db: { condition: 'service_healty' } } } },
    });
    expect(finding).toMatchObject({
      code: 'SPEC_INVALID_VALUE',
      at: 'value',
      path: ['services', 'web', 'depends_on', 'db', 'condition'],
      message: 'services.web.depends_on.db.condition: invalid value "service_healty"',
    });
    expect(finding?.hint).toBe(
      'did you mean `service_healthy`? allowed values: service_started, service_healthy, service_completed_successfully',
    );
  });

  it('turns a union failure into one finding naming every accepted type', () => {
    for (const withInput of [true, false]) {
      const found = findings({ services: { web: { environment: 5 } } }, withInput);
      expect(found).toHaveLength(1);
      expect(found[0]).toMatchObject({
        code: 'SPEC_INVALID_TYPE',
        path: ['services', 'web', 'environment'],
        message: withInput
          ? 'services.web.environment: expected a mapping or a list, got number 5'
          : 'services.web.environment: expected a mapping or a list',
        hint: 'write a mapping or a list here',
      });
    }
  });

  it('follows the union branch that matches the value type', () => {
    const found = findings({ services: { web: { ports: [{ target: 80, protocl: 'udp' }] } } });
    expect(found).toHaveLength(1);
    expect(found[0]).toMatchObject({
      code: 'SPEC_UNKNOWN_KEY',
      path: ['services', 'web', 'ports', 0, 'protocl'],
    });
    expect(found[0]?.hint).toContain('`protocol`');
  });

  it('names the key and the value for bad formats, and says what to write', () => {
    const found = findings({
      services: { web: { healthcheck: { interval: '10 seconds' }, mem_limit: '1 gig', ports: ['80:http'] } },
    });
    expect(found.map((f) => [f.code, f.message, f.hint])).toEqual([
      [
        'SPEC_INVALID_VALUE',
        'services.web.healthcheck.interval: invalid duration "10 seconds"',
        'write a duration like 10s, 1m30s or 500ms',
      ],
      [
        'SPEC_INVALID_VALUE',
        'services.web.mem_limit: invalid byte size "1 gig"',
        'write a size like 512m, 1g or 1048576 (bytes)',
      ],
      [
        'SPEC_INVALID_VALUE',
        'services.web.ports[0]: invalid port "80:http": container port "http" is not a port (1-65535) or range',
        expect.stringContaining('HOST:CONTAINER'),
      ],
    ]);
  });

  it('reports wrong scalar types and missing required keys', () => {
    const found = findings({ services: { web: { image: 5, volumes: [{ source: 'v', target: '/v' }] } } });
    expect(found.map((f) => [f.code, f.at, f.message])).toEqual([
      ['SPEC_INVALID_TYPE', 'value', 'services.web.image: expected a string, got number 5'],
      ['SPEC_MISSING_KEY', 'key', 'services.web.volumes[0]: missing required key `type`'],
    ]);
    expect(findings({ services: [] })[0]?.message).toBe('services: expected a mapping, got a list');
  });

  it('formats paths for people', () => {
    expect(formatPath(['services', 'web', 'labels', 'traefik.enable'])).toBe(
      'services.web.labels["traefik.enable"]',
    );
    expect(formatPath(['services', 'web', 'ports', 2])).toBe('services.web.ports[2]');
    expect(formatPath([])).toBe('(top level)');
  });
});
