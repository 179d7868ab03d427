import { describe, expect, it } from 'vitest';
import { containerLabels, ownedBy, stackResourceLabels, stackSelector, toLabelFilters } from './labels.js';

describe('labels', () => {
  const labels = containerLabels({
    stack: 'shop',
    service: 'web',
    replica: 2,
    configHash: 'h1',
    role: 'current',
  });

  it('gives a container both Berth’s and compose’s labels', () => {
    expect(labels).toEqual({
      'dev.berth.managed': 'true',
      'dev.berth.stack': 'shop',
      'dev.berth.service': 'web',
      'dev.berth.replica': '2',
      'dev.berth.config-hash': 'h1',
      'dev.berth.role': 'current',
      'com.docker.compose.project': 'shop',
      'com.docker.compose.service': 'web',
      'com.docker.compose.container-number': '2',
      'com.docker.compose.oneoff': 'False',
    });
  });

  it('labels stack networks and volumes', () => {
    expect(stackResourceLabels('shop', 'network', 'back')).toEqual({
      'dev.berth.managed': 'true',
      'dev.berth.stack': 'shop',
      'com.docker.compose.project': 'shop',
      'com.docker.compose.network': 'back',
    });
    expect(stackResourceLabels('shop', 'volume', 'data')).toHaveProperty(
      ['com.docker.compose.volume'],
      'data',
    );
  });

  it('ownedBy needs the managed flag and the same stack', () => {
    expect(ownedBy(labels, 'shop')).toBe(true);
    expect(ownedBy(labels, 'other')).toBe(false);
    expect(ownedBy({ ...labels, 'dev.berth.managed': 'false' }, 'shop')).toBe(false);
    // A compose-made container of the same project is not Berth's.
    expect(ownedBy({ 'com.docker.compose.project': 'shop' }, 'shop')).toBe(false);
    expect(ownedBy(undefined, 'shop')).toBe(false);
  });

  it('builds selectors and the engine’s label filters', () => {
    expect(stackSelector('shop')).toEqual({ 'dev.berth.managed': 'true', 'dev.berth.stack': 'shop' });
    expect(stackSelector()).toEqual({ 'dev.berth.managed': 'true' });
    expect(toLabelFilters({ b: 'x=y', a: true })).toEqual(['a', 'b=x=y']);
  });
});
