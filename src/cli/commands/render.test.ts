import { describe, expect, it } from 'vitest';
import { emptyPlan } from '../../../test/support/deploy-fixtures.js';
import type { ContainerRow, UpResult } from '../../api/deploy.js';
import type { Plan } from '../../deploy/plan.js';
import type { ContainerSpec } from '../../engine/model.js';
import { SPEC_DEFAULTS } from '../../engine/spec-defaults.js';
import { formatEvent, formatPlan, formatRemoval, formatRows, formatUp } from './render.js';

const spec: ContainerSpec = {
  name: 'shop-api-1',
  image: 'shop-api',
  ...SPEC_DEFAULTS,
  networks: [],
};
const ref = (name: string) => ({ id: `id-${name}`, name });
const empty: Plan = emptyPlan('shop');

describe('formatPlan', () => {
  it('prints problems, resources, pulls, builds, container steps with reasons, removals and unchanged services', () => {
    const plan: Plan = {
      stack: 'shop',
      problems: [
        {
          code: 'NAME_CLASH',
          message: 'container shop-web-1 exists but was not created by Berth for stack shop',
          hint: 'rename or remove it yourself',
        },
      ],
      resources: [
        { kind: 'create-network', name: 'shop_default', spec: { name: 'shop_default', labels: {} } },
        { kind: 'create-volume', name: 'shop_data', spec: { name: 'shop_data', labels: {} } },
      ],
      pulls: [
        {
          kind: 'pull',
          image: 'reg.example/shop/worker:2',
          services: ['worker', 'cron'],
          required: true,
          reasons: ['image reg.example/shop/worker:2 is not on the engine'],
        },
        {
          kind: 'pull',
          image: 'redis:7',
          platform: 'linux/arm64',
          services: ['cache'],
          required: false,
          reasons: ['pull_policy: daily: Berth last pulled redis:7 2 days ago'],
        },
      ],
      builds: [
        {
          kind: 'build',
          service: 'api',
          request: { contextDir: '/src/api', args: {}, tag: 'shop-api' },
          reasons: ['image shop-api is not built yet'],
        },
        {
          kind: 'build',
          service: 'arm',
          request: {
            contextDir: '/src/arm',
            args: {},
            tag: 'shop-arm',
            platform: 'linux/arm64',
            noCache: true,
          },
          reasons: ["image shop-arm is built for linux/amd64, the service's platform is linux/arm64/v8"],
        },
      ],
      services: [
        { service: 'db', level: 0, steps: [] },
        {
          service: 'api',
          level: 1,
          steps: [{ kind: 'create', service: 'api', replica: 1, spec, reasons: ['new service'] }],
        },
        {
          service: 'web',
          level: 2,
          steps: [
            {
              kind: 'recreate',
              service: 'web',
              replica: 1,
              spec,
              current: ref('shop-web-1'),
              strategy: 'stop-first',
              reasons: ['image nginx:1.27 → nginx:1.28', 'env API_TOKEN changed (value hidden)'],
            },
            {
              kind: 'start',
              service: 'web',
              replica: 2,
              current: ref('shop-web-2'),
              reasons: ['container is exited'],
            },
          ],
        },
        { service: 'cache', level: 0, steps: [] },
      ],
      removals: [
        {
          kind: 'remove',
          service: 'old',
          replica: 1,
          current: ref('shop-old-1'),
          reasons: ['service old is no longer in the stack'],
        },
        {
          kind: 'remove',
          service: 'web',
          replica: 1,
          current: ref('shop-web-1-berth-prev-3'),
          reasons: ['left over from an interrupted deploy', 'second reason'],
        },
      ],
    };
    expect(formatPlan(plan)).toBe(
      [
        'plan for shop:',
        '  ! NAME_CLASH: container shop-web-1 exists but was not created by Berth for stack shop',
        '      hint: rename or remove it yourself',
        '  + network shop_default',
        '  + volume shop_data',
        '  * pull reg.example/shop/worker:2 (worker, cron): image reg.example/shop/worker:2 is not on the engine',
        '  * pull redis:7 for linux/arm64 (cache): pull_policy: daily: Berth last pulled redis:7 2 days ago (if it fails, the image the engine has is deployed)',
        '  * build api (shop-api): image shop-api is not built yet',
        "  * build arm (shop-arm) for linux/arm64: image shop-arm is built for linux/amd64, the service's platform is linux/arm64/v8 (without the build cache)",
        '  + api[1] (create, level 1)',
        '      new service',
        '  ~ web[1] (recreate, stop-first, level 2)',
        '      image nginx:1.27 → nginx:1.28',
        '      env API_TOKEN changed (value hidden)',
        '  > web[2] (start, level 2)',
        '      container is exited',
        '  - shop-old-1: service old is no longer in the stack',
        '  - shop-web-1-berth-prev-3: left over from an interrupted deploy; second reason',
        '  = unchanged: db, cache',
        '',
      ].join('\n'),
    );
  });

  it('says there is nothing to change when every service is unchanged', () => {
    const plan: Plan = {
      ...empty,
      services: [
        { service: 'db', level: 0, steps: [] },
        { service: 'web', level: 1, steps: [] },
      ],
    };
    expect(formatPlan(plan)).toBe('plan for shop:\n  = unchanged: db, web\n  nothing to change\n');
    expect(formatPlan(empty)).toBe('plan for shop:\n  nothing to change\n');
  });

  it('does not call a plan with problems "nothing to change"', () => {
    const plan: Plan = { ...empty, problems: [{ code: 'IMAGE_MISSING', message: 'm', hint: 'h' }] };
    expect(formatPlan(plan)).toBe('plan for shop:\n  ! IMAGE_MISSING: m\n      hint: h\n');
  });
});

describe('formatUp', () => {
  const base: UpResult = { stack: 'shop', outcome: 'succeeded', deploymentId: 12, changedServices: ['web'] };

  it('prints the outcome and the deployment', () => {
    expect(formatUp(base)).toBe('shop: succeeded (deployment 12)\n');
    expect(formatUp({ stack: 'shop', outcome: 'unchanged', changedServices: [] })).toBe('shop: unchanged\n');
  });

  it('does not repeat a reason that the detail starts with', () => {
    const failure = { service: 'web', reason: 'unhealthy' as const, logTail: [] };
    const reasonLine = (detail: string) =>
      formatUp({ ...base, outcome: 'rolled-back', failure: { ...failure, detail } })
        .split('\n')
        .find((l) => l.startsWith('  reason:'));
    expect(reasonLine('unhealthy: last check exited 1')).toBe('  reason: unhealthy: last check exited 1');
    expect(reasonLine('unhealthy')).toBe('  reason: unhealthy');
    expect(reasonLine('unhealthy streak of 3')).toBe('  reason: unhealthy: unhealthy streak of 3');
  });

  it('explains a failure: service, container, reason, exit code, health output, log tail', () => {
    const r: UpResult = {
      ...base,
      outcome: 'rolled-back',
      failure: {
        service: 'web',
        container: 'shop-web-1',
        reason: 'unhealthy',
        detail: 'health check failed 3 times',
        exitCode: 1,
        healthOutput: 'curl: (7) connection refused',
        logTail: ['starting', 'listening on :80', 'fatal: no config'],
      },
      rollbackProblem: 'shop-web-1 did not come back: timed out',
    };
    expect(formatUp(r)).toBe(
      [
        'shop: rolled-back (deployment 12)',
        '  failed service: web (shop-web-1)',
        '  reason: unhealthy: health check failed 3 times',
        '  exit code: 1',
        '  last health check: curl: (7) connection refused',
        '  last log lines:',
        '    starting',
        '    listening on :80',
        '    fatal: no config',
        '  ROLLBACK PROBLEM: shop-web-1 did not come back: timed out',
        '',
      ].join('\n'),
    );
  });

  it('prints exit code 0, and leaves out what the failure does not have', () => {
    const r: UpResult = {
      ...base,
      outcome: 'failed',
      failure: {
        service: 'migrate',
        reason: 'exited',
        detail: 'stopped too early',
        exitCode: 0,
        logTail: [],
      },
    };
    expect(formatUp(r)).toBe(
      'shop: failed (deployment 12)\n  failed service: migrate\n  reason: exited: stopped too early\n  exit code: 0\n',
    );
  });
});

describe('formatEvent', () => {
  it('prefixes the service when there is one', () => {
    expect(formatEvent({ type: 'container', service: 'web', message: 'started' })).toBe('[web] started\n');
    expect(formatEvent({ type: 'plan', message: 'plan ready' })).toBe('plan ready\n');
  });
});

describe('formatRows', () => {
  const row = (over: Partial<ContainerRow> & { name: string }): ContainerRow => ({
    stack: 'shop',
    service: 'web',
    replica: 1,
    id: 'abc',
    state: 'running',
    status: 'running',
    ports: [],
    image: 'nginx',
    ...over,
  });

  it('aligns columns to the widest cell and trims trailing spaces', () => {
    const text = formatRows([
      row({ name: 'shop-web-1', status: 'running (healthy)', ports: ['0.0.0.0:8080->80/tcp', '443/tcp'] }),
      row({ stack: 'analytics', service: 'db', name: 'analytics-db-1', status: 'exited (1)' }),
    ]);
    expect(text).toBe(
      [
        'STACK      SERVICE  NAME            STATUS             PORTS',
        'shop       web      shop-web-1      running (healthy)  0.0.0.0:8080->80/tcp, 443/tcp',
        'analytics  db       analytics-db-1  exited (1)',
        '',
      ].join('\n'),
    );
  });

  it('says so when there are no containers', () => {
    expect(formatRows([])).toBe('no containers\n');
  });
});

describe('formatRemoval', () => {
  it('says what down would keep, and which containers hold it', () => {
    const r = {
      containers: ['shop-web-1'],
      networks: [],
      volumes: [],
      kept: [
        { kind: 'network' as const, name: 'shop_default', holders: ['probe'] },
        { kind: 'volume' as const, name: 'shop_data', holders: ['copier', 'backup'] },
      ],
    };
    expect(formatRemoval(r, true)).toBe(
      [
        'would remove: containers shop-web-1',
        "would keep network shop_default: probe (not this stack's) attached",
        "would keep volume shop_data: copier, backup (not this stack's) using it",
        '',
      ].join('\n'),
    );
  });

  it('lists containers, networks and volumes as down would remove them', () => {
    const r = { containers: ['shop-web-1', 'shop-db-1'], networks: ['shop_default'], volumes: ['shop_data'] };
    expect(formatRemoval(r, true)).toBe(
      'would remove: containers shop-web-1, shop-db-1; networks shop_default; volumes shop_data\n',
    );
  });

  it('says when volumes are kept, and when there is nothing', () => {
    expect(formatRemoval({ containers: ['a-b-1'], networks: [], volumes: [] }, false)).toBe(
      'would remove: containers a-b-1 (volumes kept; --volumes removes them)\n',
    );
    expect(formatRemoval({ containers: [], networks: [], volumes: [] }, true)).toBe(
      'would remove: nothing\n',
    );
  });
});
