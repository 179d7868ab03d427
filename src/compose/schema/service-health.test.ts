import { describe, expect, it } from 'vitest';
import { schemaFindings } from './issues.js';
import { dependsOn, healthcheck } from './service-health.js';

describe('healthcheck', () => {
  it('turns durations into milliseconds and a string test into CMD-SHELL', () => {
    expect(
      healthcheck.parse({
        test: 'curl -f http://localhost || exit 1',
        interval: '1m30s',
        timeout: '500ms',
        start_period: '1h',
        start_interval: '10us',
        retries: '5',
      }),
    ).toEqual({
      test: ['CMD-SHELL', 'curl -f http://localhost || exit 1'],
      interval: 90_000,
      timeout: 500,
      start_period: 3_600_000,
      start_interval: 0.01,
      retries: 5,
      disable: false,
    });
  });

  it('keeps a list test as written', () => {
    expect(healthcheck.parse({ test: ['CMD', 'pg_isready'] })).toEqual({
      test: ['CMD', 'pg_isready'],
      disable: false,
    });
  });

  it('treats disable: true and test NONE as disabled', () => {
    expect(healthcheck.parse({ disable: true })).toEqual({ disable: true });
    expect(healthcheck.parse({ disable: 'true' })).toEqual({ disable: true });
    expect(healthcheck.parse({ test: ['NONE'] })).toEqual({ test: ['NONE'], disable: true });
  });

  it('reports a bad duration with the key and a hint, beside a bad test', () => {
    const input = { interval: '10 seconds', retries: 'many', test: ['curl'] };
    const result = healthcheck.safeParse(input);
    expect(result.success).toBe(false);
    const found = result.success ? [] : schemaFindings(result.error, input);
    expect(found.map((f) => [f.path, f.message, f.hint])).toEqual([
      [['interval'], 'interval: invalid duration "10 seconds"', 'write a duration like 10s, 1m30s or 500ms'],
      [['retries'], 'retries: invalid whole number "many"', 'write a whole number like 3'],
      [
        ['test'],
        'test: healthcheck test starts with "curl"',
        'start the list with CMD, CMD-SHELL or NONE, e.g. ["CMD", "curl", "-f", "http://localhost"]',
      ],
    ]);
    expect(healthcheck.safeParse({ test: ['curl'] }).success).toBe(false);
  });

  it('rejects numbers for durations, as upstream does', () => {
    expect(healthcheck.safeParse({ interval: 30 }).success).toBe(false);
  });
});

describe('depends_on', () => {
  it('turns the list form into started/required/no-restart', () => {
    expect(dependsOn.parse(['db', 'cache'])).toEqual({
      db: { condition: 'service_started', required: true, restart: false },
      cache: { condition: 'service_started', required: true, restart: false },
    });
  });

  it('fills defaults in the long form', () => {
    expect(
      dependsOn.parse({
        db: { condition: 'service_healthy' },
        init: { condition: 'service_completed_successfully', required: false, restart: 'true' },
      }),
    ).toEqual({
      db: { condition: 'service_healthy', required: true, restart: false },
      init: { condition: 'service_completed_successfully', required: false, restart: true },
    });
  });

  it('requires a condition and a known one', () => {
    const input = { db: { required: true }, cache: { condition: 'healthy' } };
    const result = dependsOn.safeParse(input);
    const found = result.success ? [] : schemaFindings(result.error, input);
    expect(found.map((f) => [f.code, f.path])).toEqual([
      ['SPEC_MISSING_KEY', ['db', 'condition']],
      ['SPEC_INVALID_VALUE', ['cache', 'condition']],
    ]);
    expect(found[1]?.hint).toContain('service_started, service_healthy, service_completed_successfully');
  });

  it('rejects a string `required` and a bad service name, as upstream does', () => {
    expect(dependsOn.safeParse({ db: { condition: 'service_started', required: 'false' } }).success).toBe(
      false,
    );
    expect(dependsOn.safeParse({ 'my db': { condition: 'service_started' } }).success).toBe(false);
  });
});
