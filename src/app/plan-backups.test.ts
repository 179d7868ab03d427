import { describe, expect, it } from 'vitest';
import type { PlanView } from '../api/deploy.js';
import type { Sendable } from '../api/wire.js';
import { newImageServices, replacedServices } from './plan-backups.js';

const step = (kind: 'create' | 'recreate' | 'start', service: string) => ({
  kind,
  service,
  replica: 1,
  reasons: [],
  ...(kind === 'create' ? { spec: {} } : { current: { id: 'c', name: `${service}-1` } }),
  ...(kind === 'recreate' ? { spec: {}, strategy: 'stop-first' as const } : {}),
});

const plan = {
  stack: 'shop',
  resources: [],
  pulls: [{ kind: 'pull', image: 'redis:7', services: ['cache', 'queue'], required: true, reasons: [] }],
  builds: [
    {
      kind: 'build',
      service: 'app',
      request: { contextDir: '.', args: {}, tag: 'shop-app' },
      reasons: [],
    },
  ],
  services: [
    { service: 'db', level: 0, steps: [step('recreate', 'db')] },
    { service: 'cache', level: 0, steps: [step('start', 'cache')] },
    { service: 'web', level: 1, steps: [step('create', 'web')] },
    { service: 'app', level: 1, steps: [] },
  ],
  removals: [],
  problems: [],
} as Sendable<PlanView>;

describe('what up hands to its pre-deploy backups', () => {
  it('is the services the plan recreates, not those it creates or starts', () => {
    expect([...replacedServices(plan)]).toEqual(['db']);
  });

  it('may also be the services whose image is pulled or built first', () => {
    expect([...newImageServices(plan)]).toEqual([
      ['cache', 'pull'],
      ['queue', 'pull'],
      ['app', 'build'],
    ]);
  });
});
