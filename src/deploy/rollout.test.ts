import { describe, expect, it } from 'vitest';
import { SPEC_DEFAULTS } from '../engine/model.js';
import type { ContainerSpec } from '../engine/types.js';
import type { ContainerStep } from './plan-types.js';
import { preparableSpec } from './rollout.js';

const spec: ContainerSpec = { ...SPEC_DEFAULTS, name: 'shop-web-1', image: 'nginx:1.27', networks: [] };
const current = { id: 'c0ffee', name: 'shop-web-1' };
const base = { service: 'web', replica: 1, reasons: ['env changed'] };

describe('preparableSpec', () => {
  it('creates a new replica ahead of time under its own name', () => {
    const step: ContainerStep = { ...base, kind: 'create', spec };
    expect(preparableSpec(step, 7)).toEqual(spec);
  });

  it('creates a start-first replacement ahead of time under its incoming name', () => {
    const step: ContainerStep = { ...base, kind: 'recreate', spec, current, strategy: 'start-first' };
    expect(preparableSpec(step, 7)).toEqual({ ...spec, name: 'shop-web-1-berth-next-7' });
  });

  it('cannot for a stop-first replacement (the old container holds the name) nor a start of an existing one', () => {
    expect(
      preparableSpec({ ...base, kind: 'recreate', spec, current, strategy: 'stop-first' }, 7),
    ).toBeUndefined();
    expect(preparableSpec({ ...base, kind: 'start', current }, 7)).toBeUndefined();
  });
});
