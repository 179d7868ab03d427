import { describe, expect, it } from 'vitest';
import { keys, stackOf } from '../../../test/support/audit-standards.js';
import type { LiveFacts } from '../types.js';
import { declaredNotRunning, runningNotDeclared } from './standards-live.js';

type Container = LiveFacts['containers'][number];

const container = (service: string, state = 'running', extra: Partial<Container> = {}): Container => ({
  stack: 'app',
  service,
  name: `app-${service}-1`,
  berth: false,
  state,
  restartCount: 0,
  image: 'x:1',
  imageId: 'sha256:1',
  imageTags: [],
  imageDigests: [],
  ...extra,
});

const COMPOSE = `services:
  web: { image: "nginx:1.27" }
  worker: { image: "app:1" }
  crashing: { image: "app:1" }
  migrate: { image: "app:1" }
  api:
    image: app:1
    depends_on: { migrate: { condition: service_completed_successfully } }
  idle: { image: "app:1", scale: 0 }
  debug: { image: "busybox:1.36", profiles: [debug] }
`;

const LIVE: LiveFacts = {
  containers: [
    container('web'),
    container('crashing', 'restarting', { restartCount: 7 }),
    container('migrate', 'exited'),
    container('api'),
    container('old-cron'),
    container('old-cron', 'running', { name: 'app-old-cron-2' }),
    container('gone', 'exited'),
    container('debug'),
    container('web', 'running', { stack: 'other', name: 'other-web-1' }),
  ],
};

describe('declared-not-running', () => {
  it('flags active services with no running container, saying what there is', async () => {
    const { snapshot } = await stackOf(COMPOSE, {}, LIVE);
    const hits = declaredNotRunning.check(snapshot);
    expect(keys(hits)).toEqual(['app/worker: not-running', 'app/crashing: not-running']);
    expect(hits[0]?.message).toBe('`worker` is declared in app but not running: no container exists');
    expect(hits[1]?.message).toContain('app-crashing-1 is restarting after 7 restarts');
    expect(hits[1]?.fix).toContain('docker compose -p app up -d crashing');
  });

  it('tells a stack Berth runs to use berth up, never docker compose (whose containers berth up refuses)', async () => {
    const berthLive = { containers: LIVE.containers.map((c) => ({ ...c, berth: true })) };
    const { snapshot } = await stackOf(COMPOSE, {}, berthLive);
    const [worker, crashing] = declaredNotRunning.check(snapshot);
    expect(worker?.fix).toBe('berth up app (then berth logs app worker), or remove the service');
    expect(crashing?.fix).not.toContain('docker compose');
    const [orphans] = runningNotDeclared.check(snapshot);
    expect(orphans?.fix).toContain('berth up app (it removes containers of services no longer declared)');
  });

  it('returns nothing without live facts', async () => {
    const { snapshot } = await stackOf(COMPOSE);
    expect(declaredNotRunning.check(snapshot)).toEqual([]);
    expect(declaredNotRunning.live).toBe(true);
  });
});

describe('running-not-declared', () => {
  it('flags running containers of the stack whose service is not declared, once per service', async () => {
    const { snapshot } = await stackOf(COMPOSE, {}, LIVE);
    const hits = runningNotDeclared.check(snapshot);
    expect(keys(hits)).toEqual(['app/old-cron: not-declared', 'app/debug: not-declared']);
    expect(hits[0]?.message).toBe(
      'app-old-cron-1, app-old-cron-2 run as `old-cron` of app, which is not declared in the compose files',
    );
    expect(hits[0]?.fix).toContain('--remove-orphans');
    expect(hits[1]?.message).toContain('profile that is not enabled');
    expect(hits[0]).toMatchObject({ line: 0 });
  });

  it('returns nothing without live facts or when everything is declared', async () => {
    const { snapshot } = await stackOf(COMPOSE);
    expect(runningNotDeclared.check(snapshot)).toEqual([]);
    const tidy = await stackOf(COMPOSE, {}, { containers: [container('web'), container('worker')] });
    expect(runningNotDeclared.check(tidy.snapshot)).toEqual([]);
  });
});
