import { describe, expect, it } from 'vitest';
import type { StackImageRecord } from '../store/index.js';
import { type ImageRetentionInput, planImageRetention } from './image-retention.js';

const v = (
  service: string,
  imageId: string,
  deployedAt?: string,
  extra: Partial<StackImageRecord> = {},
): StackImageRecord => ({
  stack: 'shop',
  service,
  imageId,
  reference: `shop-${service}`,
  origin: 'build',
  recordedAt: deployedAt ?? '2026-12-01T00:00:00.000Z',
  ...(deployedAt ? { deployedAt } : {}),
  ...extra,
});

const at = (day: number) => `2026-12-0${day}T10:00:00.000Z`;

function input(versions: StackImageRecord[], over: Partial<ImageRetentionInput> = {}): ImageRetentionInput {
  return {
    keep: 2,
    versions,
    present: new Map(versions.map((r) => [r.imageId, { tags: [], size: 1000 }])),
    usedBy: new Map(),
    services: new Set(versions.map((r) => r.service)),
    current: new Map(),
    deployedElsewhere: new Set(),
    recordedElsewhere: new Set(),
    ...over,
  };
}

const verdicts = (plan: ReturnType<typeof planImageRetention>) =>
  Object.fromEntries(plan.decisions.map((d) => [d.imageId, d.keep]));

describe('planImageRetention', () => {
  it('keeps the newest deployed versions of each service and removes the older ones', () => {
    const plan = planImageRetention(
      input([v('api', 'i1', at(1)), v('api', 'i2', at(2)), v('api', 'i3', at(3)), v('web', 'w1', at(1))]),
    );
    expect(verdicts(plan)).toEqual({ i1: false, i2: true, i3: true, w1: true });
    const byId = new Map(plan.decisions.map((d) => [d.imageId, d]));
    expect(byId.get('i3')?.reasons).toEqual(['the version of api deployed last (deployed 2026-12-03 10:00)']);
    expect(byId.get('i2')?.reasons).toEqual([
      'the 2nd newest deployed version of api (deployed 2026-12-02 10:00; keeping 2)',
    ]);
    expect(byId.get('i1')?.reasons).toEqual([
      'api: deployed 2026-12-01 10:00, older than the 2 newest deployed versions',
    ]);
    expect(byId.get('i1')?.size).toBe(1000);
  });

  it('ranks by deploy time, not by when the version was pulled or built (a rollback target redeployed)', () => {
    const plan = planImageRetention(
      input([
        v('api', 'old', at(5), { recordedAt: at(1) }),
        v('api', 'mid', at(3), { recordedAt: at(2) }),
        v('api', 'new', at(4), { recordedAt: at(4) }),
      ]),
    );
    expect(verdicts(plan)).toEqual({ old: true, new: true, mid: false });
  });

  it('keep 1 leaves only the version deployed last', () => {
    const plan = planImageRetention(input([v('api', 'i1', at(1)), v('api', 'i2', at(2))], { keep: 1 }));
    expect(verdicts(plan)).toEqual({ i1: false, i2: true });
    expect(plan.decisions.find((d) => d.imageId === 'i1')?.reasons).toEqual([
      'api: deployed 2026-12-01 10:00, older than the 1 newest deployed version',
    ]);
  });

  it('removes a version that was never deployed (a failed deploy, a replaced pull)', () => {
    const plan = planImageRetention(
      input([v('api', 'i1', at(1)), v('api', 'failed', undefined, { origin: 'pull', recordedAt: at(2) })]),
    );
    expect(verdicts(plan)).toEqual({ i1: true, failed: false });
    expect(plan.decisions.find((d) => d.imageId === 'failed')?.reasons).toEqual([
      'api: pulled 2026-12-02 10:00 and never deployed',
    ]);
  });

  it('keeps an image a container uses, whatever its age, naming the containers', () => {
    const plan = planImageRetention(
      input([v('api', 'i1', at(1)), v('api', 'i2', at(2)), v('api', 'i3', at(3))], {
        usedBy: new Map([['i1', ['a', 'b', 'c', 'd']]]),
      }),
    );
    expect(verdicts(plan).i1).toBe(true);
    expect(plan.decisions.find((d) => d.imageId === 'i1')?.reasons).toEqual([
      'used by containers a, b, c and 1 more',
    ]);
  });

  it("keeps what the compose file names now, deployed or not (the next deploy's image)", () => {
    const plan = planImageRetention(
      input(
        [v('api', 'i1', at(1)), v('api', 'i2', at(2)), v('api', 'next', undefined, { recordedAt: at(3) })],
        {
          keep: 1,
          current: new Map([['next', ['api']]]),
        },
      ),
    );
    expect(verdicts(plan)).toEqual({ next: true, i2: true, i1: false });
    expect(plan.decisions.find((d) => d.imageId === 'next')?.reasons).toEqual([
      'what api runs as the compose file says now',
    ]);
  });

  it("keeps an image another stack's services were last deployed with", () => {
    const plan = planImageRetention(
      input([v('api', 'i1', at(1)), v('api', 'i2', at(2))], { keep: 1, deployedElsewhere: new Set(['i1']) }),
    );
    expect(plan.decisions.find((d) => d.imageId === 'i1')).toMatchObject({
      keep: true,
      release: false,
      reasons: ["another stack's services were last deployed with it"],
    });
  });

  it("keeps an image carrying a tag another stack's compose file names, however spelled", () => {
    const pulled = (id: string, day: number, reference: string) =>
      v('cache', id, at(day), { reference, origin: 'pull' });
    const versions = [pulled('r7', 2, 'redis:7'), pulled('r8', 3, 'redis:8'), pulled('old', 1, 'redis:6')];
    const present = new Map([
      ['r7', { tags: ['redis:7'] }],
      ['r8', { tags: ['redis:8'] }],
      ['old', { tags: [] }],
    ]);
    const plan = planImageRetention(
      input(versions, { keep: 1, present, namedElsewhere: new Set(['redis:7', 'redis:6']) }),
    );
    expect(verdicts(plan)).toEqual({ r7: true, r8: true, old: false });
    expect(plan.decisions.find((d) => d.imageId === 'r7')?.reasons).toEqual([
      "another stack's compose file names it: its next deploy runs it",
    ]);
    // The neighbour wrote it `docker.io/library/redis:7`; the set holds it as the engine tags it.
    const spelled = new Map([...present, ['r7', { tags: ['docker.io/library/redis:7'] }]]);
    expect(
      verdicts(
        planImageRetention(
          input(versions, { keep: 1, present: spelled, namedElsewhere: new Set(['redis:7']) }),
        ),
      ),
    ).toEqual({ r7: true, r8: true, old: false });
    expect(verdicts(planImageRetention(input(versions, { keep: 1, present })))).toEqual({
      r7: false,
      r8: true,
      old: false,
    });
  });

  it('lets go of an image another stack recorded too, once its own retention would remove it', () => {
    const plan = planImageRetention(
      input([v('api', 'i1', at(1)), v('api', 'i2', at(2))], {
        keep: 1,
        recordedElsewhere: new Set(['i1', 'i2']),
      }),
    );
    expect(plan.decisions.find((d) => d.imageId === 'i1')).toMatchObject({
      keep: true,
      release: true,
      reasons: ['Berth pulled or built it for another stack too: it stays until that stack lets it go'],
    });
    // Still within this stack's retention: kept for that, and not let go.
    expect(plan.decisions.find((d) => d.imageId === 'i2')).toMatchObject({ keep: true, release: false });
  });

  it('keeps no version of a service gone from the compose file by retention', () => {
    const plan = planImageRetention(
      input([v('api', 'i1', at(1)), v('old', 'o1', at(2))], { services: new Set(['api']) }),
    );
    expect(verdicts(plan)).toEqual({ i1: true, o1: false });
    expect(plan.decisions.find((d) => d.imageId === 'o1')?.reasons).toEqual([
      'old: no longer in the compose file',
    ]);
  });

  it('counts only versions the engine still has toward keep', () => {
    const versions = [
      v('api', 'i1', at(1)),
      v('api', 'i2', at(2)),
      v('api', 'i3', at(3)),
      v('api', 'i4', at(4)),
    ];
    const present = new Map(['i1', 'i3', 'i4'].map((id) => [id, { tags: [] }]));
    const plan = planImageRetention(input(versions, { keep: 3, present }));
    expect(verdicts(plan)).toEqual({ i4: true, i3: true, i1: true });
    expect(plan.gone).toEqual(['i2']);
  });

  it('decides once per image: one service still keeping a shared image keeps it', () => {
    const plan = planImageRetention(
      input([v('worker', 'shared', at(1)), v('cron', 'shared', at(1)), v('worker', 'w2', at(2))], {
        keep: 1,
      }),
    );
    const shared = plan.decisions.find((d) => d.imageId === 'shared');
    expect(shared).toMatchObject({ keep: true, services: ['cron', 'worker'] });
    expect(shared?.reasons).toEqual(['the version of cron deployed last (deployed 2026-12-01 10:00)']);
    expect(plan.decisions).toHaveLength(2);
  });

  it('lists every service a removed shared image served', () => {
    const plan = planImageRetention(
      input(
        [
          v('worker', 'shared', at(1)),
          v('cron', 'shared', at(1)),
          v('worker', 'w2', at(2)),
          v('cron', 'c2', at(2)),
        ],
        {
          keep: 1,
        },
      ),
    );
    const shared = plan.decisions.find((d) => d.imageId === 'shared');
    expect(shared?.keep).toBe(false);
    expect(shared?.reasons).toHaveLength(2);
  });

  it('puts images the engine no longer has apart, to be forgotten', () => {
    const versions = [v('api', 'i1', at(1)), v('api', 'i2', at(2))];
    const plan = planImageRetention(
      input(versions, { present: new Map([['i2', { tags: ['shop-api:latest'] }]]) }),
    );
    expect(plan.gone).toEqual(['i1']);
    expect(plan.decisions.map((d) => d.imageId)).toEqual(['i2']);
    expect(plan.decisions[0]?.tags).toEqual(['shop-api:latest']);
    expect(plan.decisions[0]?.size).toBeUndefined();
  });

  it('orders decisions newest first, and reports the references each was pulled or built as', () => {
    const plan = planImageRetention(
      input([
        v('api', 'a', at(1), { reference: 'reg/api:1' }),
        v('api', 'c', at(3), { reference: 'reg/api:3' }),
        v('api', 'b', at(2), { reference: 'reg/api:2' }),
      ]),
    );
    expect(plan.decisions.map((d) => [d.imageId, d.recorded])).toEqual([
      ['c', ['reg/api:3']],
      ['b', ['reg/api:2']],
      ['a', ['reg/api:1']],
    ]);
  });

  it("keeps an image that carries a tag Berth did not pull or build it as (an operator's docker tag)", () => {
    const versions = [
      v('api', 'i1', at(1), { reference: 'reg.example:5000/shop/api:1' }),
      v('api', 'i2', at(2), { reference: 'reg.example:5000/shop/api:1' }),
    ];
    const present = new Map([
      ['i1', { tags: ['keep/me:1', 'other:2', 'third:3', 'fourth:4'] }],
      ['i2', { tags: ['reg.example:5000/shop/api:1'] }],
    ]);
    const plan = planImageRetention(input(versions, { keep: 1, present }));
    expect(verdicts(plan)).toEqual({ i1: true, i2: true });
    expect(plan.decisions.find((d) => d.imageId === 'i1')?.reasons).toEqual([
      'also tagged keep/me:1, other:2, third:3 and 1 more, which Berth did not pull or build it as (`docker tag`?)',
    ]);
  });

  it('matches the tags the engine lists against references as written', () => {
    const versions = [
      v('api', 'i1', at(1), { reference: 'redis' }),
      v('api', 'i2', at(2), { reference: 'redis' }),
    ];
    const present = new Map([
      ['i1', { tags: ['redis:latest'] }],
      ['i2', { tags: [] }],
    ]);
    expect(verdicts(planImageRetention(input(versions, { keep: 1, present })))).toEqual({
      i1: false,
      i2: true,
    });
  });

  it("takes a tag a masked reference stands for as Berth's, and shows it masked", () => {
    const versions = [
      v('api', 'i1', at(1), { reference: 'shop-********:latest' }),
      v('api', 'i2', at(2), { reference: 'shop-********:latest' }),
    ];
    const present = new Map([
      ['i1', { tags: ['shop-oldsecret:latest', 'shop-oldersecret:latest'] }],
      ['i2', { tags: ['shop-newsecret:latest'] }],
    ]);
    const plan = planImageRetention(input(versions, { keep: 1, present }));
    expect(plan.decisions.map((d) => [d.imageId, d.keep, d.tags])).toEqual([
      ['i2', true, ['shop-********:latest']],
      ['i1', false, ['shop-********:latest', 'shop-********:latest']],
    ]);
    expect(JSON.stringify(plan)).not.toMatch(/oldsecret|newsecret/);
  });

  it('counts a version recorded under several references once', () => {
    const versions = [
      v('api', 'i1', at(1), { reference: 'reg/api:1' }),
      v('api', 'i1', at(1), { reference: 'reg/api:stable' }),
      v('api', 'i2', at(2), { reference: 'reg/api:2' }),
      v('api', 'i3', at(3), { reference: 'reg/api:3' }),
    ];
    const plan = planImageRetention(input(versions, { keep: 2 }));
    expect(verdicts(plan)).toEqual({ i3: true, i2: true, i1: false });
    const i1 = plan.decisions.find((d) => d.imageId === 'i1');
    expect(i1?.recorded).toEqual(['reg/api:1', 'reg/api:stable']);
    expect(i1?.reasons).toEqual([
      'api: deployed 2026-12-01 10:00, older than the 2 newest deployed versions',
    ]);
  });

  it('has nothing to decide for a stack with no records', () => {
    expect(planImageRetention(input([]))).toEqual({ decisions: [], gone: [] });
  });

  it.each([0, -1, 1.5, Number.NaN])('refuses keep %s', (keep) => {
    expect(() => planImageRetention(input([], { keep }))).toThrow(RangeError);
  });
});
