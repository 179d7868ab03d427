import { describe, expect, it } from 'vitest';
import { dumpSource } from './kinds/source.js';
import {
  PRE_DEPLOY_BACKUP_HINT,
  type PreviewInput,
  preDeployFailureHint,
  preDeployPreview,
} from './pre-deploy-preview.js';

const running = { state: 'running' };
const exited = { state: 'exited' };

const input = (over: Partial<PreviewInput>): PreviewInput => ({
  stack: 'shop',
  configured: true,
  services: [],
  replaced: new Set(),
  newImage: new Map(),
  ...over,
});

describe('dumpSource', () => {
  it('takes a running container for every kind, and any container for a volume', () => {
    expect(dumpSource('postgres', [exited, running])).toEqual({ container: running });
    expect(dumpSource('volume', [exited])).toEqual({ container: exited });
  });

  it('says why a database kind has nothing to dump from', () => {
    expect(dumpSource('redis', [exited])).toEqual({
      problem: 'no running container to back up (its container is exited)',
    });
    expect(dumpSource('mariadb', [exited, { state: 'created' }])).toEqual({
      problem: 'no running container to back up (its containers are exited, created)',
    });
    expect(dumpSource('postgres', [])).toEqual({ problem: 'no running container to back up (it has none)' });
    expect(dumpSource('volume', [])).toEqual({ problem: 'no container to back up (it has none)' });
  });
});

describe('preDeployPreview', () => {
  it('backs up a replaced service with a running container', () => {
    const out = preDeployPreview(
      input({
        services: [{ service: 'db', kind: 'postgres', containers: [running] }],
        replaced: new Set(['db']),
      }),
    );
    expect(out).toEqual([
      {
        service: 'db',
        kind: 'postgres',
        outcome: 'taken',
        reason: 'backed up before its container is replaced',
      },
    ]);
  });

  it('says a first deploy takes no backup: the service has no container yet', () => {
    const [db] = preDeployPreview(input({ services: [{ service: 'db', kind: 'postgres', containers: [] }] }));
    expect(db?.outcome).toBe('not-taken');
    expect(db?.reason).toContain('no container yet');
  });

  it('takes none of a service whose container the deploy does not replace', () => {
    const [db] = preDeployPreview(
      input({ services: [{ service: 'db', kind: 'redis', containers: [exited] }] }),
    );
    expect(db).toMatchObject({ outcome: 'not-taken', reason: 'the deploy does not replace its container' });
  });

  it('fails a replaced database whose container is stopped, and the ones after it are not reached', () => {
    const out = preDeployPreview(
      input({
        services: [
          { service: 'cache', kind: 'redis', containers: [exited] },
          { service: 'db', kind: 'postgres', containers: [running] },
        ],
        replaced: new Set(['cache', 'db']),
      }),
    );
    expect(out[0]).toEqual({
      service: 'cache',
      kind: 'redis',
      outcome: 'fails',
      code: 'BACKUP_NOT_RUNNING',
      reason:
        'shop/cache has no running container to back up (its container is exited); the deploy would stop here, deploying nothing',
      hint: PRE_DEPLOY_BACKUP_HINT,
    });
    expect(out[1]).toMatchObject({
      outcome: 'not-reached',
      reason: expect.stringContaining('backup of cache fails'),
    });
  });

  it('backs up a stopped volume: it is read from any container', () => {
    const [data] = preDeployPreview(
      input({
        services: [{ service: 'data', kind: 'volume', containers: [exited] }],
        replaced: new Set(['data']),
      }),
    );
    expect(data?.outcome).toBe('taken');
  });

  it("fails with the backup service's refusal (no kind), with its hint and the way around it", () => {
    const [app] = preDeployPreview(
      input({
        services: [
          {
            service: 'app',
            kind: undefined,
            containers: [running],
            refusal: {
              code: 'BACKUP_KIND_UNKNOWN',
              message: 'the image of shop/app does not say',
              hint: 'set `kind:`',
            },
          },
        ],
        replaced: new Set(['app']),
      }),
    );
    expect(app).toMatchObject({ outcome: 'fails', code: 'BACKUP_KIND_UNKNOWN' });
    expect(app?.hint).toBe('set `kind:`; or deploy without the backup: `berth up --skip-backup`');
    expect(app).not.toHaveProperty('kind');
  });

  it('says the deploy goes ahead without a backup when the server has no backup settings', () => {
    const [db] = preDeployPreview(
      input({
        configured: false,
        services: [{ service: 'db', kind: 'postgres', containers: [exited] }],
        replaced: new Set(['db']),
      }),
    );
    expect(db).toMatchObject({ outcome: 'not-taken', reason: expect.stringContaining('not configured') });
  });

  it('says a pulled or built image may replace (so back up) a running service, and only then', () => {
    const out = preDeployPreview(
      input({
        services: [
          { service: 'a', kind: 'postgres', containers: [running] },
          { service: 'b', kind: 'redis', containers: [exited] },
          { service: 'c', kind: 'redis', containers: [running] },
          { service: 'd', kind: 'postgres', containers: [] },
        ],
        newImage: new Map([
          ['a', 'pull'],
          ['b', 'build'],
          ['d', 'pull'],
        ]),
      }),
    );
    expect(out[0]).toMatchObject({
      outcome: 'taken',
      condition: expect.stringContaining('if the pull brings'),
    });
    expect(out[1]).toMatchObject({
      outcome: 'fails',
      condition: expect.stringContaining('if the build brings'),
    });
    // A conditional failure does not say the ones after it are never reached.
    expect(out[2]).toMatchObject({ outcome: 'not-taken' });
    expect(out[3]).toMatchObject({
      outcome: 'not-taken',
      reason: expect.stringContaining('no container yet'),
    });
  });
});

describe('the hint of a backup before a deploy that failed', () => {
  it("keeps the failure's own hint and adds --skip-backup", () => {
    expect(preDeployFailureHint('set x-berth.backup.kind')).toBe(
      'set x-berth.backup.kind; or deploy without the backup: `berth up --skip-backup`',
    );
  });

  it('gives the general hint when the failure has none, and never says it twice', () => {
    expect(preDeployFailureHint(undefined)).toBe(PRE_DEPLOY_BACKUP_HINT);
    expect(preDeployFailureHint('')).toBe(PRE_DEPLOY_BACKUP_HINT);
    expect(preDeployFailureHint(PRE_DEPLOY_BACKUP_HINT)).toBe(PRE_DEPLOY_BACKUP_HINT);
  });
});
