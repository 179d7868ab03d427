import { describe, expect, it } from 'vitest';
import type { JsonValue } from '../store/index.js';
import type { Plan } from './plan.js';
import { REDACTED, redactComposeView, redactPlan, redactStoredPlan } from './redact.js';

const spec = (env: Record<string, string>) => ({
  name: 'shop-web-1',
  image: 'nginx:1.27',
  env,
  labels: { a: 'b' },
});

/** A plan with every kind of step; the values to hide are `s3cr3t-*`. */
const PLAN = {
  stack: 'shop',
  resources: [{ kind: 'create-network', name: 'default', spec: { name: 'shop_default', labels: {} } }],
  builds: [
    {
      kind: 'build',
      service: 'web',
      request: {
        contextDir: '/src/web',
        dockerfile: 'Dockerfile',
        args: { NPM_TOKEN: 's3cr3t-1', V: '2' },
        tag: 'shop-web',
      },
      reasons: ['rebuild requested'],
    },
  ],
  services: [
    {
      service: 'web',
      level: 0,
      steps: [
        {
          kind: 'create',
          service: 'web',
          replica: 1,
          spec: spec({ DB_PASSWORD: 's3cr3t-2', MODE: 'prod' }),
          reasons: ['new service'],
        },
        {
          kind: 'recreate',
          service: 'web',
          replica: 2,
          spec: spec({ DSN: 's3cr3t-3' }),
          current: { id: 'abc', name: 'shop-web-2' },
          strategy: 'start-first',
          reasons: [
            'image nginx:1.26 → nginx:1.27',
            'env DSN changed: s3cr3t-old → s3cr3t-3',
            'env API_KEY changed (value hidden)',
            'env EXTRA added',
            'env OLD removed',
            'labels changed: {} → {"a":"b"}',
          ],
        },
        {
          kind: 'start',
          service: 'web',
          replica: 3,
          current: { id: 'def', name: 'shop-web-3' },
          reasons: ['container is exited'],
        },
      ],
    },
    { service: 'db', level: 1, steps: [] },
  ],
  removals: [
    {
      kind: 'remove',
      service: 'old',
      replica: 1,
      current: { id: 'x', name: 'shop-old-1' },
      reasons: ['service old is no longer in the stack'],
    },
  ],
  problems: [{ code: 'IMAGE_MISSING', message: 'm', hint: 'h' }],
} as unknown as Plan;

/** PLAN with exactly the values replaced: what redactPlan must return. */
function expected() {
  const plan = JSON.parse(JSON.stringify(PLAN));
  plan.builds[0].request.args = { NPM_TOKEN: REDACTED, V: REDACTED };
  const [create, recreate] = plan.services[0].steps;
  create.spec.env = { DB_PASSWORD: REDACTED, MODE: REDACTED };
  recreate.spec.env = { DSN: REDACTED };
  recreate.reasons[1] = 'env DSN changed (value hidden)';
  return plan;
}

describe('redactPlan', () => {
  it('replaces env values, build arguments and values in reasons, and keeps everything else', () => {
    const out = redactPlan(PLAN);
    expect(JSON.parse(JSON.stringify(out))).toEqual(expected());
    expect(JSON.stringify(out)).not.toContain('s3cr3t');
  });

  it('leaves the plan it was given alone', () => {
    const before = JSON.stringify(PLAN);
    redactPlan(PLAN);
    expect(JSON.stringify(PLAN)).toBe(before);
    expect(before).toContain('s3cr3t-2');
  });

  it('keeps an empty environment empty', () => {
    const plan = {
      ...PLAN,
      builds: [],
      services: [
        {
          service: 'w',
          level: 0,
          steps: [{ kind: 'create', service: 'w', replica: 1, spec: spec({}), reasons: [] }],
        },
      ],
    } as unknown as Plan;
    expect(redactPlan(plan).services[0]?.steps[0]).toEqual({
      kind: 'create',
      service: 'w',
      replica: 1,
      spec: spec({}),
      reasons: [],
    });
  });
});

describe('redactStoredPlan', () => {
  it('redacts a stored plan like a live one', () => {
    expect(redactStoredPlan(JSON.parse(JSON.stringify(PLAN)))).toEqual(expected());
  });

  it('returns anything that is not a plan as it is', () => {
    const values: JsonValue[] = [
      null,
      3,
      'plan',
      [1, 2],
      {},
      { services: 'x', builds: [] },
      { services: [], builds: {} },
    ];
    for (const value of values) expect(redactStoredPlan(value)).toEqual(value);
  });
});

describe('redactComposeView', () => {
  it('hides every environment value, build argument and inline content, keeping names', () => {
    const view = {
      name: 'shop',
      services: {
        web: {
          image: 'nginx:1.27',
          environment: { DB_URL: 'mysql://u:pw@db/x', EMPTY: null },
          build: { context: '.', args: { NPM_TOKEN: 't0k' } },
        },
        list: { image: 'x', environment: ['A=1', 'B'] },
      },
      secrets: { key: { content: 'inline' }, file: { file: './key.pem' } },
      volumes: { data: {} },
    };
    expect(redactComposeView(view)).toEqual({
      name: 'shop',
      services: {
        web: {
          image: 'nginx:1.27',
          environment: { DB_URL: '[redacted]', EMPTY: null },
          build: { context: '.', args: { NPM_TOKEN: '[redacted]' } },
        },
        list: { image: 'x', environment: ['A=[redacted]', 'B'] },
      },
      secrets: { key: { content: '[redacted]' }, file: { file: './key.pem' } },
      volumes: { data: {} },
    });
  });
});
