import { describe, expect, it } from 'vitest';
import type { StartAfter } from './desired.js';
import { holdingBack, isStuck, type Progress, type ScheduleState, startable } from './schedule.js';

// db ← api (service_healthy) ← web (service_started); cache ← api (service_started); jobs ← db (links).
const NEEDS: Readonly<Record<string, readonly StartAfter[]>> = {
  db: [],
  cache: [],
  api: [
    { service: 'db', until: 'ready', because: 'service_healthy' },
    { service: 'cache', until: 'started', because: 'service_started' },
  ],
  web: [{ service: 'api', until: 'started', because: 'service_started' }],
  jobs: [{ service: 'db', until: 'ready', because: 'links' }],
};

function state(over: Partial<ScheduleState> & { progress?: ReadonlyMap<string, Progress> }): ScheduleState {
  return {
    waiting: ['cache', 'db', 'api', 'jobs', 'web'],
    running: 0,
    limit: 16,
    changed: new Set(Object.keys(NEEDS)),
    progress: new Map(),
    startAfter: (s) => NEEDS[s] ?? [],
    ...over,
  };
}

describe('startable', () => {
  it('starts every service without changed dependencies at once', () => {
    expect(startable(state({}))).toEqual(['cache', 'db']);
  });

  it('holds a service_healthy dependent until the dependency is ready, not merely started', () => {
    const progress = new Map<string, Progress>([
      ['db', 'started'],
      ['cache', 'started'],
    ]);
    expect(startable(state({ waiting: ['api', 'jobs', 'web'], running: 2, progress }))).toEqual([]);
    progress.set('db', 'ready');
    expect(startable(state({ waiting: ['api', 'jobs', 'web'], running: 1, progress }))).toEqual([
      'api',
      'jobs',
    ]);
  });

  it('starts a service_started dependent once the dependency’s container started', () => {
    const progress = new Map<string, Progress>([
      ['db', 'ready'],
      ['cache', 'ready'],
      ['api', 'started'],
    ]);
    expect(startable(state({ waiting: ['web'], running: 1, progress }))).toEqual(['web']);
  });

  it('lets dependencies the deploy does not change never hold anything back', () => {
    expect(startable(state({ changed: new Set(['api', 'web']), waiting: ['api', 'web'] }))).toEqual(['api']);
    expect(startable(state({ changed: new Set(['web']), waiting: ['web'] }))).toEqual(['web']);
  });

  it('stays within the limit, in waiting order', () => {
    expect(startable(state({ limit: 1 }))).toEqual(['cache']);
    expect(startable(state({ limit: 3, running: 3 }))).toEqual([]);
    expect(startable(state({ limit: 2, running: 5 }))).toEqual([]);
  });

  it('treats a failed (never ready) dependency as holding its dependents back', () => {
    const progress = new Map<string, Progress>([['cache', 'ready']]);
    expect(startable(state({ waiting: ['api', 'web'], running: 0, progress }))).toEqual([]);
  });
});

describe('holdingBack', () => {
  it('names what a service still waits for, with the reason', () => {
    const progress = new Map<string, Progress>([['cache', 'started']]);
    expect(holdingBack(state({ progress }), 'api')).toEqual([
      { service: 'db', until: 'ready', because: 'service_healthy' },
    ]);
    expect(holdingBack(state({ progress }), 'db')).toEqual([]);
  });
});

describe('isStuck', () => {
  it('is stuck only when nothing runs and nothing waiting can start', () => {
    expect(isStuck(state({ waiting: ['api'], progress: new Map([['cache', 'ready']]) }))).toBe(true);
    expect(isStuck(state({ waiting: ['api'], running: 1 }))).toBe(false);
    expect(isStuck(state({ waiting: [] }))).toBe(false);
    expect(isStuck(state({}))).toBe(false);
  });
});
