import { describe, expect, it } from 'vitest';
import {
  containerLabels,
  incomingName,
  isOneOff,
  isParked,
  isServiceContainer,
  oneOffLabels,
  ownedBy,
  parkedName,
  parkedParts,
  stackResourceLabels,
  stackSelector,
  toLabelFilters,
} from './labels.js';

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

describe('parked containers', () => {
  it('names a parked and an incoming container so that isParked recognizes both', () => {
    expect(parkedName('shop-web-1', 12)).toBe('shop-web-1-berth-prev-12');
    expect(incomingName('shop-web-1', 3)).toBe('shop-web-1-berth-next-3');
    expect(isParked({ name: parkedName('shop-web-1', 12) })).toBe(true);
    expect(isParked({ name: incomingName('shop-web-1', 3) })).toBe(true);
  });

  it.each([
    ['shop-web-1-berth-prev-12', true],
    ['shop-web-1-berth-next-3', true],
    ['shop-web-1', false],
    ['shop-web-1-berth-prev-', false],
    ['shop-web-1-berth-prev-3-copy', false],
    ['berth-prev-3x', false],
  ])('isParked(%s) → %s', (name, expected) => {
    expect(isParked({ name })).toBe(expected);
  });

  it('reads back the name, the deployment and the side of a parked name', () => {
    expect(parkedParts(parkedName('shop-web-1', 12))).toEqual({
      name: 'shop-web-1',
      deploymentId: 12,
      side: 'prev',
    });
    expect(parkedParts(incomingName('my-berth-prev-1', 3))).toEqual({
      name: 'my-berth-prev-1',
      deploymentId: 3,
      side: 'next',
    });
    expect(parkedParts('shop-web-1')).toBeUndefined();
    expect(parkedParts('-berth-prev-3')).toBeUndefined();
    expect(parkedParts('shop-web-1-berth-prev-3-copy')).toBeUndefined();
  });
});

describe('one-off containers', () => {
  const oneOff = oneOffLabels({ stack: 'shop', service: 'app', task: 'job:segments' });

  it('are Berth’s, with the oneoff role and compose’s oneoff flag', () => {
    expect(oneOff).toEqual({
      'dev.berth.managed': 'true',
      'dev.berth.stack': 'shop',
      'dev.berth.service': 'app',
      'dev.berth.role': 'oneoff',
      'dev.berth.task': 'job:segments',
      'com.docker.compose.project': 'shop',
      'com.docker.compose.service': 'app',
      'com.docker.compose.oneoff': 'True',
    });
    expect(ownedBy(oneOff, 'shop')).toBe(true);
  });

  it('isOneOff: Berth’s role or compose’s flag; a service container is neither', () => {
    expect(isOneOff(oneOff)).toBe(true);
    expect(isOneOff({ 'com.docker.compose.oneoff': 'True' })).toBe(true);
    const service = containerLabels({
      stack: 'shop',
      service: 'app',
      replica: 1,
      configHash: 'h',
      role: 'current',
    });
    expect(isOneOff(service)).toBe(false);
  });

  it('isServiceContainer leaves out parked and one-off containers', () => {
    const labels = containerLabels({
      stack: 'shop',
      service: 'app',
      replica: 1,
      configHash: 'h',
      role: 'current',
    });
    expect(isServiceContainer({ name: 'shop-app-1', labels })).toBe(true);
    expect(isServiceContainer({ name: 'shop-app-1-berth-prev-4', labels })).toBe(false);
    expect(isServiceContainer({ name: 'shop-app-run-1', labels: oneOff })).toBe(false);
  });
});
