import { describe, expect, it } from 'vitest';
import {
  type Converged,
  converged,
  desiredOf,
  emptyPlan,
  imageId,
  networkInfo,
  planInput,
  summary,
  volumeInfo,
} from '../../test/support/deploy-fixtures.js';
import { BerthLabel, containerLabels, stackResourceLabels } from '../engine/model.js';
import { fingerprinter } from '../secrets/fingerprint.js';
import type { DesiredStack } from './desired.js';
import { isEmpty, type Plan, planStack } from './plan.js';

const STACK = `services:
  db:
    image: postgres:16
    environment: { POSTGRES_PASSWORD: s3cret, POSTGRES_DB: app }
    volumes: [data:/var/lib/postgresql/data]
    healthcheck: { test: pg_isready }
  web:
    image: nginx:1.27
    ports: ["8080:80"]
    depends_on: { api: { condition: service_healthy } }
  api:
    image: app:1
    command: serve
    depends_on: { db: { condition: service_healthy } }
volumes:
  data: {}
`;
const IDS = new Map([
  ['postgres:16', imageId('a1')],
  ['nginx:1.27', imageId('b2')],
  ['app:1', imageId('c3')],
]);

/** The desired state of `text`, and the engine as a finished deploy of `deployed` (default: the same) left it. */
async function scenario(
  text: string,
  options: {
    deployed?: string;
    ids?: ReadonlyMap<string, string>;
    deployedIds?: ReadonlyMap<string, string>;
  } = {},
): Promise<{ desired: DesiredStack; state: Converged; ids: ReadonlyMap<string, string> }> {
  const ids = options.ids ?? IDS;
  const desired = await desiredOf(text, { imageIds: ids });
  const old = await desiredOf(options.deployed ?? text, { imageIds: options.deployedIds ?? ids });
  return { desired, state: converged(old, options.deployedIds ?? ids), ids };
}

const stepsOf = (plan: Plan, service: string) =>
  plan.services.find((s) => s.service === service)?.steps ?? [];
const owned = (service: string, replica: number, extra: Record<string, string> = {}) => ({
  ...containerLabels({ stack: 'shop', service, replica, configHash: 'old', role: 'current' }),
  ...extra,
});

describe('planStack: nothing to do', () => {
  it('is empty when the engine matches and the records confirm every container', async () => {
    const { desired, state, ids } = await scenario(STACK);
    const plan = planStack(planInput(desired, state, ids));
    expect(plan).toEqual({
      stack: 'shop',
      resources: [],
      pulls: [],
      builds: [],
      services: [
        { service: 'db', level: 0, steps: [] },
        { service: 'api', level: 1, steps: [] },
        { service: 'web', level: 2, steps: [] },
      ],
      removals: [],
      problems: [],
    });
    expect(isEmpty(plan)).toBe(true);
  });
});

describe('planStack: a new stack', () => {
  it('creates resources and every replica, service by service in dependency order', async () => {
    const desired = await desiredOf(STACK, { imageIds: IDS });
    const plan = planStack({
      desired,
      observed: { containers: [], networks: [], volumes: [] },
      applied: [],
      imageIds: IDS,
    });
    expect(plan.resources).toEqual([
      { kind: 'create-network', name: 'shop_default', spec: desired.networks[0]?.spec },
      { kind: 'create-volume', name: 'shop_data', spec: desired.volumes[0]?.spec },
    ]);
    expect(
      plan.services.map((s) => [s.service, s.level, s.steps.map((x) => [x.kind, x.replica, x.reasons])]),
    ).toEqual([
      ['db', 0, [['create', 1, ['new service']]]],
      ['api', 1, [['create', 1, ['new service']]]],
      ['web', 2, [['create', 1, ['new service']]]],
    ]);
    expect(stepsOf(plan, 'web')[0]).toMatchObject({ spec: desired.services.web?.replicas[0]?.spec });
    expect(plan.problems).toEqual([]);
    expect(isEmpty(plan)).toBe(false);
  });

  it('creates only the missing replicas of a scaled-up service', async () => {
    const { desired, state, ids } = await scenario(
      STACK.replace('command: serve', 'command: serve\n    scale: 3'),
      {
        deployed: STACK,
      },
    );
    const api = stepsOf(planStack(planInput(desired, state, ids)), 'api');
    // Replica 1 keeps its container, but its hash covers nothing that changed: scale is not in the spec.
    expect(api.map((s) => [s.kind, s.replica, s.reasons])).toEqual([
      ['create', 2, ['new replica 2']],
      ['create', 3, ['new replica 3']],
    ]);
  });
});

describe('planStack: recreate', () => {
  const BEFORE = `services:
  web:
    image: nginx:1.27
    environment: { MODE: prod, OLD: x, API_TOKEN: abc123 }
    command: [nginx, -g, daemon off;]
    ports: ["8080:80"]
    healthcheck: { test: [CMD, curl, -f, "http://localhost/"], interval: 10s }
`;
  const AFTER = `services:
  web:
    image: nginx:1.28
    environment: { MODE: dev, NEW: y, API_TOKEN: def456 }
    command: [nginx, -g, daemon on;]
    ports: ["8081:80"]
    healthcheck: { test: [CMD, curl, -f, "http://localhost/health"], interval: 10s }
`;

  it('explains a change field by field from the applied record, hiding secret values', async () => {
    const { desired, state, ids } = await scenario(AFTER, {
      deployed: BEFORE,
      ids: new Map([['nginx:1.28', imageId('d4')]]),
      deployedIds: new Map([['nginx:1.27', imageId('b2')]]),
    });
    const [step, ...rest] = stepsOf(planStack(planInput(desired, state, ids)), 'web');
    expect(rest).toEqual([]);
    expect(step).toEqual({
      kind: 'recreate',
      service: 'web',
      replica: 1,
      spec: desired.services.web?.replicas[0]?.spec,
      current: { id: 'id-shop-web-1', name: 'shop-web-1' },
      strategy: 'stop-first',
      reasons: [
        'image nginx:1.27 → nginx:1.28',
        'env API_TOKEN changed (value hidden)',
        'env MODE changed: prod → dev',
        'env NEW added',
        'env OLD removed',
        'command ["nginx","-g","daemon off;"] → ["nginx","-g","daemon on;"]',
        'healthcheck {"intervalMs":10000,"test":["CMD","curl","-f","http://localhost/"]} → {"intervalMs":10000,"test":["CMD","curl","-f","http://localhost/health"]}',
        'ports [{"containerPort":80,"hostPort":8080,"protocol":"tcp"}] → [{"containerPort":80,"hostPort":8081,"protocol":"tcp"}]',
      ],
    });
    expect(JSON.stringify(step?.reasons)).not.toMatch(/abc123|def456/);
  });

  it('masks the values of every secret-looking variable', async () => {
    const { desired, state, ids } = await scenario(STACK.replace('s3cret', 'n3w-s3cret'), {
      deployed: STACK,
    });
    const reasons = stepsOf(planStack(planInput(desired, state, ids)), 'db')[0]?.reasons;
    expect(reasons).toEqual(['env POSTGRES_PASSWORD changed (value hidden)']);
  });

  it('compares a record that holds fingerprints, not values: a changed secret is seen, an unchanged one is not', async () => {
    const { desired, state, ids } = await scenario(
      STACK.replace('s3cret', 'n3w-s3cret').replace('app:1', 'app:2'),
      {
        deployed: STACK,
        ids: new Map([...IDS, ['app:2', imageId('c3')]]),
      },
    );
    const stored = (values: string[]) =>
      state.applied.map((a) => {
        const protect = fingerprinter(values, `salt-${a.service}`);
        return { ...a, spec: protect(a.spec), protect: fingerprinter(['n3w-s3cret'], `salt-${a.service}`) };
      });
    const applied = stored(['s3cret']);
    expect(JSON.stringify(applied.map((a) => a.spec))).not.toContain('s3cret');
    const plan = planStack(planInput(desired, { ...state, applied }, ids));
    expect(stepsOf(plan, 'db')[0]?.reasons).toEqual(['env POSTGRES_PASSWORD changed (value hidden)']);
    expect(stepsOf(plan, 'api')[0]?.reasons).toEqual(['image app:1 → app:2']);
    // The same secret under the same salt fingerprints alike: nothing to explain for db.
    const same = await scenario(STACK, {});
    const unchanged = same.state.applied.map((a) => ({
      ...a,
      configHash: 'before',
      spec: fingerprinter(['s3cret'], 'salt')(a.spec),
      protect: fingerprinter(['s3cret'], 'salt'),
    }));
    const observed = {
      ...same.state.observed,
      containers: same.state.observed.containers.map((c) => ({
        ...c,
        labels: { ...c.labels, [BerthLabel.ConfigHash]: 'before' },
      })),
    };
    const again = planStack(planInput(same.desired, { observed, applied: unchanged }, same.ids));
    expect(stepsOf(again, 'db')[0]?.reasons).toEqual([
      'configuration changed (the previous spec was not recorded by Berth)',
    ]);
  });

  it('says "rebuilt" when the tag stayed and the image behind it changed', async () => {
    const newIds = new Map([...IDS, ['app:1', imageId('e5f6a7b8c9d0e1')]]);
    const { desired, state, ids } = await scenario(STACK, { ids: newIds, deployedIds: IDS });
    const plan = planStack(planInput(desired, state, ids));
    expect(stepsOf(plan, 'api').map((s) => [s.kind, s.reasons])).toEqual([
      ['recreate', ['image app:1 changed (c30000000000 → e5f6a7b8c9d0: rebuilt or pulled)']],
    ]);
    expect(stepsOf(plan, 'db')).toEqual([]);
    expect(stepsOf(plan, 'web')).toEqual([]);
  });

  it('gives a generic reason when Berth has no record of the previous spec', async () => {
    const { desired, state, ids } = await scenario(STACK.replace('command: serve', 'command: work'), {
      deployed: STACK,
    });
    const plan = planStack(planInput(desired, { ...state, applied: [] }, ids));
    expect(stepsOf(plan, 'api').map((s) => [s.kind, s.reasons])).toEqual([
      ['recreate', ['configuration changed (the previous spec was not recorded by Berth)']],
    ]);
  });

  it('uses the record of the same service and replica only', async () => {
    const text = STACK.replace('command: serve', 'command: serve\n    scale: 2');
    const { desired, state, ids } = await scenario(text.replace('command: serve', 'command: work'), {
      deployed: text,
    });
    const applied = state.applied.filter((a) => !(a.service === 'api' && a.replica === 2));
    const plan = planStack(planInput(desired, { ...state, applied }, ids));
    expect(stepsOf(plan, 'api').map((s) => [s.kind, s.replica, s.reasons])).toEqual([
      ['recreate', 1, ['command ["serve"] → ["work"]']],
      ['recreate', 2, ['configuration changed (the previous spec was not recorded by Berth)']],
    ]);
  });

  describe('when the hash matches but the deploy that made the container did not finish', () => {
    const unfinished = ['the deploy that created this container did not finish'];

    it.each([
      ['there is no record', (s: Converged) => s.applied.filter((a) => a.service !== 'api')],
      [
        'the record names another container',
        (s: Converged) => s.applied.map((a) => (a.service === 'api' ? { ...a, containerId: 'id-older' } : a)),
      ],
      [
        'the record holds an older hash',
        (s: Converged) => s.applied.map((a) => (a.service === 'api' ? { ...a, configHash: 'older' } : a)),
      ],
    ])('recreates it when %s', async (_, applied) => {
      const { desired, state, ids } = await scenario(STACK);
      const plan = planStack(planInput(desired, { ...state, applied: applied(state) }, ids));
      expect(stepsOf(plan, 'api')).toEqual([
        {
          kind: 'recreate',
          service: 'api',
          replica: 1,
          spec: desired.services.api?.replicas[0]?.spec,
          current: { id: 'id-shop-api-1', name: 'shop-api-1' },
          strategy: 'start-first',
          reasons: unfinished,
        },
      ]);
      expect(stepsOf(plan, 'db')).toEqual([]);
    });
  });

  it('uses stop-first for published ports, named volumes, container_name and network_mode', async () => {
    const text = (v: string) => `services:
  plain: { image: x, environment: { V: "${v}" } }
  port: { image: x, environment: { V: "${v}" }, ports: ["8080:80"] }
  vol: { image: x, environment: { V: "${v}" }, volumes: [data:/data] }
  named: { image: x, environment: { V: "${v}" }, container_name: fixed }
  mode: { image: x, environment: { V: "${v}" }, network_mode: "service:plain" }
volumes:
  data: {}
`;
    const { desired, state, ids } = await scenario(text('2'), {
      deployed: text('1'),
      ids: new Map([['x', imageId('f')]]),
    });
    const plan = planStack(planInput(desired, state, ids));
    const strategies = plan.services.flatMap((s) =>
      s.steps.map((step) => [s.service, step.kind === 'recreate' ? step.strategy : step.kind]),
    );
    expect(Object.fromEntries(strategies)).toEqual({
      plain: 'start-first',
      port: 'stop-first',
      vol: 'stop-first',
      named: 'stop-first',
      mode: 'stop-first',
    });
  });
});

describe('planStack: start', () => {
  it.each(['exited', 'created', 'dead'] as const)(
    'starts a %s container whose hash matches',
    async (state) => {
      const s = await scenario(STACK);
      const containers = s.state.observed.containers.map((c) =>
        c.name === 'shop-db-1' ? { ...c, state } : c,
      );
      const plan = planStack(
        planInput(s.desired, { ...s.state, observed: { ...s.state.observed, containers } }, s.ids),
      );
      expect(stepsOf(plan, 'db')).toEqual([
        {
          kind: 'start',
          service: 'db',
          replica: 1,
          current: { id: 'id-shop-db-1', name: 'shop-db-1' },
          reasons: [`container is ${state}`],
        },
      ]);
    },
  );

  it('recreates rather than starts a stopped container whose configuration changed', async () => {
    const s = await scenario(STACK.replace('command: serve', 'command: work'), { deployed: STACK });
    const containers = s.state.observed.containers.map((c) => ({ ...c, state: 'exited' as const }));
    const plan = planStack(
      planInput(s.desired, { ...s.state, observed: { ...s.state.observed, containers } }, s.ids),
    );
    expect(stepsOf(plan, 'api').map((x) => x.kind)).toEqual(['recreate']);
  });
});

describe('planStack: removals', () => {
  it('removes replicas beyond the desired count', async () => {
    const three = STACK.replace('command: serve', 'command: serve\n    scale: 3');
    const { desired, state, ids } = await scenario(STACK, { deployed: three });
    const plan = planStack(planInput(desired, state, ids));
    expect(plan.removals).toEqual([
      {
        kind: 'remove',
        service: 'api',
        replica: 2,
        current: { id: 'id-shop-api-2', name: 'shop-api-2' },
        reasons: ['scaled to 1 replica'],
      },
      {
        kind: 'remove',
        service: 'api',
        replica: 3,
        current: { id: 'id-shop-api-3', name: 'shop-api-3' },
        reasons: ['scaled to 1 replica'],
      },
    ]);
    // The replica that stays is not touched: scale is not part of its configuration.
    expect(stepsOf(plan, 'api')).toEqual([]);
  });

  it('removes the containers of a service gone from the file', async () => {
    const withCache = `${STACK.replace('volumes:\n  data', '  cache: { image: redis }\nvolumes:\n  data')}`;
    const { desired, state, ids } = await scenario(STACK, {
      deployed: withCache,
      deployedIds: new Map([...IDS, ['redis', imageId('99')]]),
    });
    const plan = planStack(planInput(desired, state, ids));
    expect(plan.removals).toEqual([
      {
        kind: 'remove',
        service: 'cache',
        replica: 1,
        current: { id: 'id-shop-cache-1', name: 'shop-cache-1' },
        reasons: ['service cache is no longer in the stack'],
      },
    ]);
    expect(plan.services.map((s) => s.service)).toEqual(['db', 'api', 'web']);
  });

  it('leaves alone the containers of services disabled by profiles', async () => {
    const text = `${STACK.replace('volumes:\n  data', '  debug: { image: busybox, profiles: [debug] }\nvolumes:\n  data')}`;
    const { desired, state, ids } = await scenario(text);
    expect(desired.disabled).toEqual(['debug']);
    const debug = summary({ name: 'shop-debug-1', labels: owned('debug', 1) });
    const observed = { ...state.observed, containers: [...state.observed.containers, debug] };
    const plan = planStack(planInput(desired, { ...state, observed }, ids));
    expect(isEmpty(plan)).toBe(true);
    expect(plan.services.map((s) => s.service)).not.toContain('debug');
  });

  it('removes containers parked by an interrupted deploy, and does not take them for current ones', async () => {
    const { desired, state, ids } = await scenario(STACK);
    const web = state.observed.containers.find((c) => c.name === 'shop-web-1');
    const prev = summary({ name: 'shop-web-1-berth-prev-7', labels: web?.labels ?? {}, state: 'exited' });
    const next = summary({ name: 'shop-api-1-berth-next-8', labels: owned('api', 1) });
    const observed = { ...state.observed, containers: [...state.observed.containers, prev, next] };
    const plan = planStack(planInput(desired, { ...state, observed }, ids));
    expect(plan.removals).toEqual([
      {
        kind: 'remove',
        service: 'web',
        replica: 1,
        current: { id: 'id-shop-web-1-berth-prev-7', name: 'shop-web-1-berth-prev-7' },
        reasons: ['left over from an interrupted deploy'],
      },
      {
        kind: 'remove',
        service: 'api',
        replica: 1,
        current: { id: 'id-shop-api-1-berth-next-8', name: 'shop-api-1-berth-next-8' },
        reasons: ['left over from an interrupted deploy'],
      },
    ]);
    expect(plan.services.every((s) => s.steps.length === 0)).toBe(true);
  });

  it('never removes what another stack or nobody owns', async () => {
    const { desired, state, ids } = await scenario(STACK);
    const strangers = [
      summary({
        name: 'other-web-1',
        labels: containerLabels({
          stack: 'other',
          service: 'web',
          replica: 1,
          configHash: 'h',
          role: 'current',
        }),
      }),
      summary({ name: 'random' }),
    ];
    const observed = { ...state.observed, containers: [...state.observed.containers, ...strangers] };
    expect(isEmpty(planStack(planInput(desired, { ...state, observed }, ids)))).toBe(true);
  });
});

describe('planStack: problems', () => {
  it('refuses names held by objects that are not this stack’s', async () => {
    const { desired, state, ids } = await scenario(STACK);
    const other = (service: string) =>
      containerLabels({ stack: 'other', service, replica: 1, configHash: 'h', role: 'current' });
    // Berth's labels without the managed flag do not make a container Berth's: if they did, it would be removed.
    const { [BerthLabel.Managed]: _, ...unmanaged } = owned('cache', 1);
    const observed = {
      containers: [
        ...state.observed.containers.filter((c) => c.name === 'shop-api-1'),
        summary({ name: 'shop-db-1' }),
        summary({ name: 'shop-web-1', labels: other('web') }),
        summary({ name: 'shop-cache-1', labels: unmanaged }),
      ],
      networks: [networkInfo('shop_default', { 'com.docker.compose.project': 'shop' })],
      volumes: [volumeInfo('shop_data', stackResourceLabels('other', 'volume', 'data'))],
    };
    const plan = planStack(planInput(desired, { ...state, observed }, ids));
    expect(plan.problems.map((p) => [p.code, p.message])).toEqual([
      ['NAME_CLASH', 'network shop_default exists but was not created by Berth for stack shop'],
      ['NAME_CLASH', 'volume shop_data exists but was not created by Berth for stack shop'],
      ['NAME_CLASH', 'container shop-db-1 exists but was not created by Berth for stack shop'],
      ['NAME_CLASH', 'container shop-web-1 exists but was not created by Berth for stack shop'],
    ]);
    for (const p of plan.problems) expect(p.hint).toMatch(/\S/);
    // Foreign objects are neither adopted, recreated nor removed.
    expect(plan.resources).toEqual([]);
    expect(plan.removals).toEqual([]);
    expect(stepsOf(plan, 'db').map((s) => s.kind)).toEqual(['create']);
    expect(stepsOf(plan, 'web').map((s) => s.kind)).toEqual(['create']);
    expect(stepsOf(plan, 'api')).toEqual([]);
  });

  it('reports missing external networks and volumes, and uses present ones as they are', async () => {
    const text = `services:
  web: { image: nginx:1.27, networks: [edge, proxy], volumes: [certs:/certs, media:/media] }
networks:
  edge: { external: true }
  proxy: { external: true, name: traefik }
volumes:
  certs: { external: true }
  media: { external: true }
`;
    const desired = await desiredOf(text, { imageIds: IDS });
    const plan = planStack({
      desired,
      observed: { containers: [], networks: [networkInfo('traefik')], volumes: [volumeInfo('media')] },
      applied: [],
      imageIds: IDS,
    });
    expect(plan.problems).toEqual([
      {
        code: 'EXTERNAL_MISSING',
        message: 'external network edge does not exist',
        hint: 'create it first (docker network create edge) or drop `external: true`',
      },
      {
        code: 'EXTERNAL_MISSING',
        message: 'external volume certs does not exist',
        hint: 'create it first (docker volume create certs) or drop `external: true`',
      },
    ]);
    expect(plan.resources).toEqual([]);
  });

  it('refuses an image that is not on the engine when its pull_policy is never', async () => {
    const ids = new Map([...IDS].filter(([ref]) => ref !== 'app:1'));
    const text = STACK.replace('    image: app:1\n', '    image: app:1\n    pull_policy: never\n');
    const desired = await desiredOf(text, { imageIds: ids });
    const plan = planStack({
      desired,
      observed: { containers: [], networks: [], volumes: [] },
      applied: [],
      imageIds: ids,
    });
    expect(plan.problems).toEqual([
      {
        code: 'IMAGE_MISSING',
        message: 'service api: image app:1 is not on the engine, and its pull_policy is never',
        hint: expect.stringContaining('docker load'),
        // Where api's `image:` key is written (line 12, column 5 of STACK).
        where: expect.stringMatching(/\/shop\/compose\.yaml:12:5$/),
      },
    ]);
    expect(plan.pulls).toEqual([]);
    expect(plan.builds).toEqual([]);
  });
});

describe('planStack: builds', () => {
  const TEXT = `services:
  api: { build: ./api }
  web: { image: nginx:1.27, build: ./web, depends_on: [api] }
  db: { image: postgres:16 }
`;
  const empty = { containers: [], networks: [], volumes: [] };

  it('builds images that are missing, in dependency order, instead of reporting them', async () => {
    const desired = await desiredOf(TEXT, { imageIds: IDS });
    const ids = new Map([['postgres:16', imageId('a1')]]);
    const plan = planStack({ desired, observed: empty, applied: [], imageIds: ids });
    expect(plan.builds).toEqual([
      {
        kind: 'build',
        service: 'api',
        request: desired.services.api?.build,
        reasons: ['image shop-api is not built yet'],
      },
      {
        kind: 'build',
        service: 'web',
        request: desired.services.web?.build,
        reasons: ['image nginx:1.27 is not built yet'],
      },
    ]);
    expect(plan.problems).toEqual([]);
  });

  it('rebuilds present images only when asked, and never builds a service without build:', async () => {
    const ids = new Map([...IDS, ['shop-api', imageId('d4')]]);
    const desired = await desiredOf(TEXT, { imageIds: ids });
    const state = converged(desired, ids);
    expect(planStack(planInput(desired, state, ids)).builds).toEqual([]);
    const rebuild = planStack(planInput(desired, state, ids, true));
    expect(rebuild.builds.map((b) => [b.service, b.request.tag, b.reasons])).toEqual([
      ['api', 'shop-api', ['rebuild requested']],
      ['web', 'nginx:1.27', ['rebuild requested']],
    ]);
    expect(isEmpty(rebuild)).toBe(false);
  });
});

describe('isEmpty', () => {
  const none: Plan = emptyPlan();

  it('ignores problems and unchanged services, and counts every kind of step', () => {
    const ref = { id: 'i', name: 'n' };
    expect(isEmpty({ ...none, problems: [{ code: 'IMAGE_MISSING', message: 'm', hint: 'h' }] })).toBe(true);
    expect(isEmpty({ ...none, services: [{ service: 'a', level: 0, steps: [] }] })).toBe(true);
    expect(
      isEmpty({
        ...none,
        resources: [{ kind: 'create-volume', name: 'v', spec: { name: 'v', labels: {} } }],
      }),
    ).toBe(false);
    expect(
      isEmpty({
        ...none,
        pulls: [],
        builds: [
          { kind: 'build', service: 'a', request: { contextDir: '.', args: {}, tag: 't' }, reasons: [] },
        ],
      }),
    ).toBe(false);
    expect(
      isEmpty({
        ...none,
        removals: [{ kind: 'remove', service: 'a', replica: 1, current: ref, reasons: [] }],
      }),
    ).toBe(false);
    expect(
      isEmpty({
        ...none,
        services: [
          {
            service: 'a',
            level: 0,
            steps: [{ kind: 'start', service: 'a', replica: 1, current: ref, reasons: [] }],
          },
        ],
      }),
    ).toBe(false);
  });
});

describe('planStack: one-shot services', () => {
  const ONE_SHOT = `services:
  migrate:
    image: app:1
    command: ["migrate"]
  web:
    image: app:1
    depends_on:
      migrate: { condition: service_completed_successfully }
`;

  it.each([
    [0, 'Exited (0) 2 minutes ago', []],
    [1, 'Exited (1) 2 minutes ago', ['start']],
    // The code comes from the inspection, not from the status text (which may say anything).
    [0, 'Exited (1) 2 minutes ago', []],
    [1, 'Exited (0) 2 minutes ago', ['start']],
    [undefined, 'Exited (0) 2 minutes ago', ['start']],
  ] as const)(
    'a completed migration (exit %s, %s) is left alone unless it failed',
    async (exitCode, status, kinds) => {
      const ids = new Map([['app:1', imageId('a1')]]);
      const desired = await desiredOf(ONE_SHOT, { imageIds: ids });
      const state = converged(desired, ids);
      const containers = state.observed.containers.map((c) =>
        c.name.includes('migrate')
          ? { ...c, state: 'exited' as const, status, ...(exitCode === undefined ? {} : { exitCode }) }
          : c,
      );
      const plan = planStack(
        planInput(desired, { ...state, observed: { ...state.observed, containers } }, ids),
      );
      expect(plan.services.find((p) => p.service === 'migrate')?.steps.map((st) => st.kind)).toEqual(kinds);
    },
  );
});
