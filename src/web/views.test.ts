import { describe, expect, it } from 'vitest';
import { emptyPlan } from '../../test/support/deploy-fixtures.js';
import { PENDING_PROBE } from '../../test/support/health-fixtures.js';
import type { PlanView } from '../api/deploy.js';
import { loadAssets } from './assets.js';
import type { StackRow } from './overview.js';
import { DeploymentList } from './views/deployments.js';
import { renderPage } from './views/layout.js';
import { OutcomeBox } from './views/operation.js';
import { ProbesTable } from './views/panels.js';
import { PlanList, planIsEmpty } from './views/plan.js';
import { containerText } from './views/stack.js';
import { StacksPage } from './views/stacks.js';

const html = async (node: unknown): Promise<string> =>
  (await (node as Promise<{ toString(): string }>)).toString();
const assets = loadAssets();
const user = { name: 'ann', admin: false, csrf: 'tok' };

const EMPTY: PlanView = emptyPlan();

describe('plan', () => {
  it('says when nothing would change', async () => {
    expect(planIsEmpty(EMPTY)).toBe(true);
    expect(await html(PlanList({ plan: EMPTY }))).toContain('data-plan="empty"');
  });

  it('lists each step with its reasons, as text', async () => {
    const plan: PlanView = {
      ...EMPTY,
      services: [
        {
          service: 'web',
          level: 0,
          steps: [
            {
              kind: 'create',
              service: 'web',
              replica: 1,
              spec: {},
              reasons: ['<img src=x onerror=alert(1)>'],
            },
          ],
        },
      ],
      problems: [{ code: 'P', message: 'm', hint: 'h' }],
    };
    const out = await html(PlanList({ plan }));
    expect(out).toContain('<li data-service="web">create web #1 — &lt;img src=x onerror=alert(1)&gt;</li>');
    expect(out).toContain('role="alert"');
  });

  it('lists the images a deploy pulls first, with the services that run them', async () => {
    const pulls = [
      {
        kind: 'pull' as const,
        image: 'reg.example/app:2',
        services: ['a', 'b'],
        required: true,
        reasons: ['pull_policy: always'],
      },
    ];
    expect(planIsEmpty({ ...EMPTY, pulls })).toBe(false);
    expect(await html(PlanList({ plan: { ...EMPTY, pulls } }))).toContain(
      '<li data-service="a b">pull reg.example/app:2 for a, b — pull_policy: always</li>',
    );
  });
  it('lists the backups up takes first, the one that would fail flagged with its hint', async () => {
    const plan: PlanView = {
      ...EMPTY,
      pulls: [{ kind: 'pull', image: 'mariadb:11', services: ['db'], required: true, reasons: [] }],
      backups: [
        { service: 'db', kind: 'mariadb', outcome: 'taken', reason: 'its container is replaced' },
        {
          service: 'cache',
          outcome: 'fails',
          reason: 'no backup kind for image <redis>',
          code: 'BACKUP_KIND_UNKNOWN',
          hint: 'set x-berth.backup.kind',
        },
        { service: 'files', outcome: 'not-reached', reason: 'an earlier backup fails first' },
      ],
    };
    const out = await html(PlanList({ plan }));
    expect(out).toContain('Backups before the deploy (x-berth.backup)');
    expect(out).toContain(
      '<li data-service="db" data-backup="taken">db (mariadb): backed up: its container is replaced</li>',
    );
    expect(out).toContain(
      '<li data-service="cache" data-backup="fails" class="outcome-failed">cache: the backup FAILS (BACKUP_KIND_UNKNOWN): no backup kind for image &lt;redis&gt;<span class="hint"> (hint: set x-berth.backup.kind)</span></li>',
    );
    expect(out).toContain(
      '<li data-service="files" data-backup="skipped">files: not backed up: an earlier backup fails first</li>',
    );
    expect(await html(PlanList({ plan: { ...plan, backups: [] } }))).not.toContain('Backups before');
  });
});

describe('deployments', () => {
  it('shows each service’s result and why it failed', async () => {
    const out = await html(
      DeploymentList({
        items: [
          {
            id: 4,
            stack: 's',
            trigger: 'api',
            actor: 'ann',
            plan: {},
            status: 'rolled-back',
            startedAt: '2025-01-01T00:00:00.000Z',
            services: [
              {
                deploymentId: 4,
                service: 'db',
                outcome: 'failed',
                reason: 'health check failed',
                exitCode: 3,
                logTail: ['boom'],
                recordedAt: '2025-01-01T00:00:01.000Z',
              },
            ],
          },
        ],
      }),
    );
    expect(out).toContain('<li data-deployment="4" data-outcome="rolled-back">');
    expect(out).toContain('#4 rolled back');
    expect(out).toContain('<li data-service="db" data-outcome="failed"><span>db: failed</span>');
    expect(out).toContain(' — health check failed (exit code 3)');
    expect(out).toContain('<pre>boom</pre>');
  });
});

describe('outcome box', () => {
  it('says the outcome in words with an icon, and listens for the end only while running', async () => {
    const running = await html(OutcomeBox({ outcome: { value: 'running', text: 'running' }, refresh: '/x' }));
    expect(running).toContain('sse-swap="outcome"');
    expect(running).toContain('<a href="/x">Refresh</a>');
    const done = await html(
      OutcomeBox({ outcome: { value: 'rolled-back', text: 'failed — rolled back: db' } }),
    );
    expect(done).toBe(
      '<div id="outcome" data-outcome="rolled-back" role="status" class="outcome outcome-rolled-back"><span aria-hidden="true">✖</span> <span class="text">failed — rolled back: db</span></div>',
    );
  });
});

describe('the stacks page budget', () => {
  it('sends 50 stacks with the style sheet in under 60 KB (uncompressed)', async () => {
    const rows: StackRow[] = Array.from({ length: 50 }, (_, i) => ({
      name: `stack-number-${String(i).padStart(2, '0')}`,
      group: 'platform-team',
      owner: 'someone@example.com',
      description: 'A stack with a description of a typical length for the catalog',
      status: i % 7 === 0 ? 'unhealthy' : 'healthy',
      counts: { healthy: 4, unhealthy: i % 7 === 0 ? 1 : 0 },
      services: 5,
      last: { status: 'succeeded', at: '2025-01-01T00:00:00.000Z' },
    }));
    const page = await renderPage(StacksPage({ assets, user, rows }));
    expect(page.match(/<tr data-stack=/g)).toHaveLength(50);
    const bytes = Buffer.byteLength(page) + assets.css.body.byteLength;
    expect(bytes).toBeLessThan(60 * 1024);
  });
});

describe('container text', () => {
  it('says the engine status only when it adds to state and health', () => {
    expect(containerText({ state: 'running', health: 'healthy', status: 'running (healthy)' })).toBe(
      'running (healthy)',
    );
    expect(containerText({ state: 'running', health: undefined, status: 'Up 5 minutes' })).toBe(
      'running, Up 5 minutes',
    );
  });
});

describe('probes panel', () => {
  it('shows a declared probe that has not run as pending, not as up or unknown', async () => {
    const page = await html(
      ProbesTable({
        probes: [PENDING_PROBE],
      }),
    );
    expect(page).toContain('data-status="pending"');
    expect(page).toMatch(/<\/span> pending<\/span>/);
    expect(page).toContain('not run yet');
  });

  it('shows a probe of a stack that runs nothing as stopped or not running, with why and what to do', async () => {
    const { type: _type, ...declared } = PENDING_PROBE;
    const page = await html(
      ProbesTable({
        probes: [
          {
            ...declared,
            watched: false,
            status: 'stopped',
            notRunning: { cause: 'down', hint: '`berth up shop` starts it again' },
          },
          {
            ...declared,
            probe: 'ping',
            watched: false,
            status: 'not-running',
            notRunning: {
              cause: 'deployment',
              deploymentId: 5,
              outcome: 'interrupted',
              after: 'down',
              hint: 'fix that, then `berth up shop`',
            },
          },
        ],
      }),
    );
    expect(page).toContain('data-status="stopped"');
    expect(page).toMatch(/<\/span> stopped by berth down<\/span>/);
    expect(page).toContain('its stack was taken down (`berth down`); `berth up shop` starts it again');
    expect(page).toContain('data-status="not-running"');
    expect(page).toMatch(/<\/span> not running<\/span>/);
    expect(page).toContain(
      'nothing runs: deployment 5 was interrupted (the stack had been taken down before it); fix that, then `berth up shop`',
    );
    expect(page).not.toContain('not run yet');
  });
});
