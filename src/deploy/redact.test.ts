import { describe, expect, it } from 'vitest';
import { MASK } from '../secrets/detect.js';
import { fingerprint } from '../secrets/fingerprint.js';
import { valueMasker } from '../secrets/mask.js';
import type { JsonValue } from '../store/index.js';
import type { Plan } from './plan-types.js';
import {
  maskComposeView,
  maskEvent,
  maskFailure,
  maskPlan,
  REDACTED,
  redactComposeView,
  redactPlan,
  redactStoredPlan,
  stackMasker,
} from './redact.js';

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
    // Plans stored before Berth pulled have no `pulls`: they read back with none.
    expect(redactStoredPlan(JSON.parse(JSON.stringify(PLAN)))).toEqual({ pulls: [], ...expected() });
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

describe('stackMasker', () => {
  it("hides the project's values and every service's", () => {
    const mask = stackMasker({
      sensitive: { project: ['from-dotenv'], services: { a: ['from-a'], b: ['from-b'] } },
    });
    expect(mask('from-dotenv from-a from-b other')).toBe(`${MASK} ${MASK} ${MASK} other`);
  });
});

describe('maskPlan', () => {
  const mask = valueMasker(['hunter2-secret', 'shop']);
  const plan = {
    stack: 'shop',
    resources: [{ kind: 'create-network', name: 'shop_default', spec: { name: 'shop_default', labels: {} } }],
    builds: [],
    services: [
      {
        service: 'shop',
        level: 0,
        steps: [
          {
            kind: 'recreate',
            service: 'shop',
            replica: 1,
            spec: {
              name: 'shop-shop-1',
              image: 'nginx:1.27',
              command: ['run', '--password=hunter2-secret'],
              labels: { name: 'admin:hunter2-secret', auth: 'admin:hunter2-secret' },
              healthcheck: { test: ['CMD', 'wget', 'http://u:hunter2-secret@localhost/'] },
            },
            current: { id: 'abc', name: 'shop-shop-1' },
            strategy: 'stop-first',
            reasons: [
              'labels changed: {"auth":"admin:old-pass"} → {"auth":"admin:hunter2-secret"}',
              'image a → b',
            ],
          },
        ],
      },
    ],
    removals: [],
    problems: [{ code: 'X', message: 'cannot pull for hunter2-secret', hint: 'h' }],
  };

  it('hides the values in every field and a reason quoting one whole, keeping names and kinds', () => {
    const out = maskPlan(plan, mask);
    expect(JSON.stringify(out)).not.toContain('hunter2-secret');
    const step = out.services[0]?.steps[0];
    expect(step?.spec.command).toEqual(['run', `--password=${MASK}`]);
    // A free-form map's keys are the user's: a label called `name` is masked like any other.
    expect(step?.spec.labels).toEqual({ name: `admin:${MASK}`, auth: `admin:${MASK}` });
    expect(step?.spec.healthcheck.test).toEqual(['CMD', 'wget', `http://u:${MASK}@localhost/`]);
    // The old side may be an earlier secret, unknown now: the reason keeps only its field.
    expect(step?.reasons).toEqual(['labels changed (value hidden)', 'image a → b']);
    expect(out.problems[0]).toEqual({ code: 'X', message: `cannot pull for ${MASK}`, hint: 'h' });
    expect([out.stack, out.services[0]?.service, step?.service, step?.kind, step?.spec.name]).toEqual([
      'shop',
      'shop',
      'shop',
      'recreate',
      'shop-shop-1',
    ]);
    expect(step?.current).toEqual({ id: 'abc', name: 'shop-shop-1' });
    expect(out.resources[0]?.name).toBe('shop_default');
  });

  it("shows a reason comparing an applied record's fingerprints by its field only", () => {
    const fp = fingerprint('old-secret-value', 'salt');
    const reasons = [
      `labels changed: {"auth":"admin:${fp}"} → {"auth":"admin:${fp.replace('[secret ', '[secret 0')}"}`,
    ];
    const step = { ...plan.services[0]?.steps[0], reasons };
    const out = maskPlan({ ...plan, services: [{ service: 'shop', level: 0, steps: [step] }] }, mask);
    expect(out.services[0]?.steps[0]?.reasons).toEqual(['labels changed (value hidden)']);
  });

  it("masks a pull's image by value and keeps its reason's words (a pull changes no field)", () => {
    const image = 'reg.example/hunter2-secret/app:1';
    const pulls = [
      {
        kind: 'pull',
        image,
        services: ['web'],
        required: true,
        reasons: [`image ${image} is not on the engine`],
      },
    ];
    const out = maskPlan({ ...plan, pulls }, mask);
    expect(out.pulls).toEqual([
      {
        kind: 'pull',
        image: `reg.example/${MASK}/app:1`,
        services: ['web'],
        required: true,
        reasons: [`image reg.example/${MASK}/app:1 is not on the engine`],
      },
    ]);
  });

  it('returns anything that is not an object as it is', () => {
    expect(maskPlan(null, mask)).toBe(null);
    expect(maskPlan('hunter2-secret', mask)).toBe('hunter2-secret');
  });
});

describe('maskEvent and maskFailure', () => {
  const mask = valueMasker(['hunter2-secret', 'worker']);

  it('masks an event message and data, keeping the service and container names', () => {
    const event = {
      type: 'failure',
      service: 'worker',
      message: 'crash-loop: printed hunter2-secret',
      data: {
        service: 'worker',
        container: 'shop-worker-1',
        logTail: ['pw=hunter2-secret'],
        reason: 'crash-loop',
      },
    };
    expect(maskEvent(event, mask)).toEqual({
      type: 'failure',
      service: 'worker',
      message: `crash-loop: printed ${MASK}`,
      data: { service: 'worker', container: 'shop-worker-1', logTail: [`pw=${MASK}`], reason: 'crash-loop' },
    });
    expect(maskEvent({ type: 'gate', message: 'ok' }, mask)).toEqual({ type: 'gate', message: 'ok' });
  });

  it('masks a failure detail, log tail and health output', () => {
    const failure = {
      service: 'worker',
      reason: 'unhealthy',
      detail: 'unhealthy: hunter2-secret',
      logTail: ['a hunter2-secret'],
      healthOutput: 'curl http://u:hunter2-secret@x',
    };
    expect(maskFailure(failure, mask)).toEqual({
      service: 'worker',
      reason: 'unhealthy',
      detail: `unhealthy: ${MASK}`,
      logTail: [`a ${MASK}`],
      healthOutput: `curl http://u:${MASK}@x`,
    });
  });
});

describe('maskComposeView', () => {
  it('masks values wherever they landed, keeping the stack name', () => {
    const view = {
      name: 'shop',
      services: { web: { labels: { a: 'x:hunter2-secret' }, command: ['--pw', 'hunter2-secret'] } },
    };
    expect(maskComposeView(view, valueMasker(['hunter2-secret', 'shop']))).toEqual({
      name: 'shop',
      services: { web: { labels: { a: `x:${MASK}` }, command: ['--pw', MASK] } },
    });
  });
});
