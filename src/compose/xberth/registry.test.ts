import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { SpecCode } from '../diagnostics.js';
import { createXBerthRegistry, validateXBerth } from './registry.js';

const registry = createXBerthRegistry([
  { key: 'deploy', stack: z.strictObject({ rollback: z.enum(['auto', 'manual']) }), summary: 'd' },
  { key: 'install', service: z.strictObject({ env: z.record(z.string(), z.string()) }), summary: 'i' },
]);

describe('x-berth registry', () => {
  it('refuses two sections with one key', () => {
    expect(() =>
      createXBerthRegistry([
        { key: 'a', summary: '' },
        { key: 'a', summary: '' },
      ]),
    ).toThrow(/twice/);
  });

  it('parses the sections written at their level', () => {
    const r = validateXBerth(registry, 'stack', { deploy: { rollback: 'manual' } }, ['x-berth']);
    expect(r).toEqual({ values: { deploy: { rollback: 'manual' } }, findings: [] });
    expect(validateXBerth(registry, 'service', undefined, ['x']).values).toEqual({});
  });

  it('suggests the nearest section for a misspelt key', () => {
    const r = validateXBerth(registry, 'stack', { deplyo: {} }, ['x-berth']);
    expect(r.findings).toEqual([
      expect.objectContaining({
        code: SpecCode.XBerthUnknownKey,
        path: ['x-berth', 'deplyo'],
        at: 'key',
        hint: 'did you mean `deploy`?',
      }),
    ]);
  });

  it('says where a section belongs when written at the wrong level', () => {
    const r = validateXBerth(registry, 'stack', { install: { env: {} } }, ['x-berth']);
    expect(r.findings[0]?.message).toContain('belongs at the service level');
  });

  it('locates errors inside a section by path', () => {
    const r = validateXBerth(registry, 'stack', { deploy: { rollback: 'sometimes', extra: 1 } }, ['x-berth']);
    const byPath = new Map(r.findings.map((f) => [f.path.join('.'), f]));
    expect(byPath.get('x-berth.deploy.extra')).toMatchObject({ code: SpecCode.XBerthUnknownKey, at: 'key' });
    expect(byPath.get('x-berth.deploy.extra')?.hint).toContain('rollback');
    expect(byPath.get('x-berth.deploy.rollback')).toMatchObject({
      code: SpecCode.XBerthInvalid,
      at: 'value',
    });
    expect(r.findings).toHaveLength(2);
  });

  it('rejects a non-mapping x-berth', () => {
    const r = validateXBerth(registry, 'service', ['a'], ['services', 'web', 'x-berth']);
    expect(r.findings[0]).toMatchObject({
      code: SpecCode.XBerthInvalid,
      path: ['services', 'web', 'x-berth'],
    });
    expect(r.findings[0]?.hint).toContain('`install:`');
  });
});
