import { describe, expect, it } from 'vitest';
import { writeTree } from '../../test/support/tree.js';
import { builtinXBerthRegistry } from '../app/registry.js';
import { SpecCode } from '../compose/diagnostics.js';
import { loadWorkspace } from '../compose/stack.js';
import { validateXBerth } from '../compose/xberth/registry.js';
import { auditIgnores } from './xberth.js';

const registry = builtinXBerthRegistry();

describe('x-berth.audit', () => {
  it('parses ignores at the stack and the service level', () => {
    for (const level of ['stack', 'service'] as const) {
      const r = validateXBerth(
        registry,
        level,
        { audit: { ignore: [{ rule: 'privileged', reason: ' needs it ' }] } },
        ['x-berth'],
      );
      expect(r.findings).toEqual([]);
      expect(auditIgnores(r.values)).toEqual([{ rule: 'privileged', reason: 'needs it' }]);
    }
  });

  it('requires a non-empty reason', () => {
    for (const entry of [{ rule: 'privileged' }, { rule: 'privileged', reason: '  ' }]) {
      const r = validateXBerth(registry, 'service', { audit: { ignore: [entry] } }, [
        'services',
        'web',
        'x-berth',
      ]);
      expect(r.findings).toEqual([
        expect.objectContaining({
          code: SpecCode.XBerthInvalid,
          path: ['services', 'web', 'x-berth', 'audit', 'ignore', 0, 'reason'],
        }),
      ]);
      expect(auditIgnores(r.values)).toEqual([]);
    }
  });

  it('rejects an unknown rule id, suggesting the nearest', () => {
    const r = validateXBerth(
      registry,
      'stack',
      { audit: { ignore: [{ rule: 'privileges', reason: 'x' }] } },
      ['x-berth'],
    );
    expect(r.findings).toHaveLength(1);
    expect(r.findings[0]).toMatchObject({
      code: SpecCode.XBerthInvalid,
      path: ['x-berth', 'audit', 'ignore', 0, 'rule'],
    });
    expect(r.findings[0]?.hint).toContain('privileged');
  });

  it('is located in the compose file by the stack loader', async () => {
    const root = await writeTree({
      'compose.yaml':
        'services:\n  web:\n    image: nginx:1\n    x-berth:\n      audit:\n        ignore:\n          - rule: privileged\n',
    });
    const load = await loadWorkspace(root, { env: {}, registry });
    expect(load.diagnostics).toEqual([
      expect.objectContaining({ code: SpecCode.XBerthInvalid, line: 7, file: `${root}/compose.yaml` }),
    ]);
  });
});
