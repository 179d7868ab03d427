import { describe, expect, it } from 'vitest';
import { toEngineEvent, toEventFilters } from './events.js';

describe('toEngineEvent', () => {
  it('separates labels from facts and converts the time to ms', () => {
    const event = toEngineEvent({
      Type: 'container',
      Action: 'die',
      Actor: {
        ID: 'abc',
        Attributes: {
          'dev.berth.stack': 'shop',
          exitCode: '137',
          image: 'nginx',
          name: 'shop-web-1',
          signal: '9',
        },
      },
      time: 1_764_000_000,
      timeNano: 1_764_000_000_123_456_000, // real values exceed 2^53 too: only ms precision is kept
    });
    expect(event).toStrictEqual({
      type: 'container',
      action: 'die',
      id: 'abc',
      name: 'shop-web-1',
      labels: { 'dev.berth.stack': 'shop' },
      attributes: {
        'dev.berth.stack': 'shop',
        exitCode: '137',
        image: 'nginx',
        name: 'shop-web-1',
        signal: '9',
      },
      exitCode: 137,
      time: 1_764_000_000_123,
    });
  });

  it('splits actions carrying a detail', () => {
    expect(toEngineEvent({ Type: 'container', Action: 'health_status: unhealthy', time: 1 })).toMatchObject({
      action: 'health_status',
      actionDetail: 'unhealthy',
      time: 1000,
    });
    expect(toEngineEvent({ Type: 'container', Action: 'exec_start: sh -c echo a: b' })).toMatchObject({
      action: 'exec_start',
      actionDetail: 'sh -c echo a: b',
    });
  });

  it('knows network and volume facts', () => {
    expect(
      toEngineEvent({
        Type: 'network',
        Action: 'connect',
        Actor: { ID: 'n', Attributes: { container: 'c', name: 'net', type: 'bridge' } },
      }).labels,
    ).toEqual({});
    expect(
      toEngineEvent({
        Type: 'volume',
        Action: 'mount',
        Actor: { ID: 'v', Attributes: { driver: 'local', 'read/write': 'true', x: 'y' } },
      }).labels,
    ).toEqual({ x: 'y' });
  });
});

describe('toEventFilters', () => {
  it('sends only the filters given, in the engine’s names', () => {
    expect(toEventFilters({})).toEqual({});
    expect(
      toEventFilters({
        types: ['container'],
        labels: { a: 'b', c: true },
        actions: ['start'],
        containers: ['x'],
      }),
    ).toEqual({ type: ['container'], label: ['a=b', 'c'], event: ['start'], container: ['x'] });
  });
});
