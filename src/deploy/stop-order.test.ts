import { describe, expect, it } from 'vitest';
import { levelsOfPlan, restartOrder, stopBatches } from './stop-order.js';

const c = (name: string, service?: string, oneOff = false) => ({
  id: `id-${name}`,
  name,
  ...(service === undefined ? {} : { service }),
  ...(oneOff ? { oneOff: true } : {}),
});
const names = (batches: readonly (readonly { name: string }[])[]) => batches.map((b) => b.map((x) => x.name));

// db <- core, search <- api <- proxy
const LEVELS = [['db'], ['core', 'search'], ['api'], ['proxy']];

describe('stopBatches', () => {
  it('stops the highest level first, each level together, whatever the engine listed first', () => {
    const listed = [
      c('proxy-1', 'proxy'),
      c('db-1', 'db'),
      c('search-1', 'search'),
      c('api-1', 'api'),
      c('core-1', 'core'),
      c('api-2', 'api'),
    ];
    expect(names(stopBatches(listed, LEVELS))).toEqual([
      ['proxy-1'],
      ['api-1', 'api-2'],
      ['search-1', 'core-1'],
      ['db-1'],
    ]);
  });

  it('stops one-off containers and services the levels do not name first', () => {
    const listed = [c('db-1', 'db'), c('job-x', 'db', true), c('old-1', 'gone'), c('bare')];
    expect(names(stopBatches(listed, LEVELS))).toEqual([['job-x', 'old-1', 'bare'], ['db-1']]);
  });

  it('without levels stops everything in one batch', () => {
    expect(names(stopBatches([c('a-1', 'a'), c('b-1', 'b')], []))).toEqual([['a-1', 'b-1']]);
  });

  it('has no batch for no container', () => {
    expect(stopBatches([], LEVELS)).toEqual([]);
  });
});

describe('levelsOfPlan', () => {
  it('reads the levels a stored plan gave its services', () => {
    const plan = {
      stack: 's',
      services: [
        { service: 'web', level: 2, steps: [] },
        { service: 'db', level: 0, steps: [] },
        { service: 'cache', level: 0, steps: [] },
        { service: 'api', level: 1, steps: [] },
      ],
    };
    expect(levelsOfPlan(plan)).toEqual([['cache', 'db'], ['api'], ['web']]);
  });

  it('is undefined for what is not a plan with services', () => {
    expect(levelsOfPlan(null)).toBeUndefined();
    expect(levelsOfPlan('plan')).toBeUndefined();
    expect(levelsOfPlan({ services: [] })).toBeUndefined();
    expect(
      levelsOfPlan({ services: [{ service: 'x', level: -1 }, { service: 1, level: 0 }, 'y'] }),
    ).toBeUndefined();
  });

  it('keeps a level with no service empty', () => {
    expect(levelsOfPlan({ services: [{ service: 'web', level: 1 }] })).toEqual([[], ['web']]);
  });
});

describe('restartOrder', () => {
  it('restarts the whole stack from the top level down, then starts it from level 0', () => {
    expect(restartOrder(LEVELS)).toEqual({
      stop: [['proxy'], ['api'], ['core', 'search'], ['db']],
      start: ['db', 'core', 'search', 'api', 'proxy'],
    });
  });

  it("stops a service's dependents a level at a time, siblings together, and starts them after it", () => {
    expect(restartOrder(LEVELS, 'db', ['proxy', 'api', 'core', 'search'])).toEqual({
      stop: [['proxy'], ['api'], ['core', 'search']],
      start: ['db', 'core', 'search', 'api', 'proxy'],
    });
  });

  it('touches only the dependents of the service', () => {
    expect(restartOrder(LEVELS, 'search', ['proxy', 'api'])).toEqual({
      stop: [['proxy'], ['api']],
      start: ['search', 'api', 'proxy'],
    });
  });

  it('restarts a service without dependents alone', () => {
    expect(restartOrder(LEVELS, 'proxy', [])).toEqual({ stop: [], start: ['proxy'] });
  });

  it('stops a dependent the levels do not name first and starts it last', () => {
    expect(restartOrder([['db'], ['api']], 'db', ['api', 'ghost'])).toEqual({
      stop: [['ghost'], ['api']],
      start: ['db', 'api', 'ghost'],
    });
  });
});
