import type { Hono } from 'hono';
import { StackBackupsSchema } from '../../api/backups.js';
import { ContainerListSchema, DeploymentPageSchema, DownResultSchema, PlanSchema } from '../../api/deploy.js';
import { StackFindingsSchema } from '../../api/findings.js';
import { HealthListSchema } from '../../api/health.js';
import { JobListSchema } from '../../api/jobs.js';
import { OperationListSchema, OperationSchema } from '../../api/operations.js';
import { LAST_DEPLOYMENT, StackDetailSchema, StackPageSchema } from '../../api/stacks.js';
import { holds } from '../access.js';
import { ApiFailure, type ApiSession, apiPath } from '../api-client.js';
import { pageUser, type WebEnv, whoami } from '../context.js';
import { loaded, logTail, stackName } from '../load.js';
import { type StackSummaryView, stackRows } from '../overview.js';
import { ConfirmPage, type ConfirmWhat, type StackAction } from '../views/confirm.js';
import { renderPage } from '../views/layout.js';
import { StackPage } from '../views/stack.js';
import { StacksPage } from '../views/stacks.js';

const LOG_TAIL = 30;
const DEPLOYMENTS_SHOWN = 10;
const OPERATIONS_SHOWN = 10;

/** Every stack the caller may see, with its latest deployment, page after page (one call per 200). */
async function allStacks(api: ApiSession): Promise<StackSummaryView[]> {
  const out: StackSummaryView[] = [];
  let cursor: string | null = null;
  do {
    const query: string = `limit=200&include=${LAST_DEPLOYMENT}${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`;
    const page = await api.json('GET', `/api/v1/stacks?${query}`, StackPageSchema);
    out.push(...page.items);
    cursor = page.nextCursor;
  } while (cursor !== null);
  return out;
}

function actionOf(raw: string): StackAction {
  if (raw === 'up' || raw === 'restart' || raw === 'down') return raw;
  throw new ApiFailure(404, 'NOT_FOUND', `no action ${raw}`);
}

/** GET / (the stacks), GET /stacks/:stack, its confirmations, and the POSTs that start operations. */
export function stackRoutes(app: Hono<WebEnv>): void {
  app.get('/', async (c) => {
    const api = c.get('api');
    // Three calls at once: the page takes as long as the slowest (the engine's container list).
    const [who, listed, containers] = await Promise.all([
      whoami(c),
      allStacks(api).then(
        (stacks) => ({ stacks, unreadable: undefined }),
        (error: unknown) => {
          // The workspace file does not load: the page says why (and where) instead of "no stacks".
          if (error instanceof ApiFailure && error.status === 422) return { stacks: [], unreadable: error };
          throw error;
        },
      ),
      loaded(api.json('GET', '/api/v1/containers', ContainerListSchema)),
    ]);
    const rows = stackRows(listed.stacks, containers.ok ? containers.value.items : undefined);
    const error = containers.ok ? undefined : `Containers could not be read: ${containers.error}`;
    const workspace = listed.unreadable
      ? { message: listed.unreadable.message, hint: listed.unreadable.hint }
      : undefined;
    return c.html(
      await renderPage(
        StacksPage({ assets: c.get('assets'), user: pageUser(c, who), rows, error, workspace }),
      ),
    );
  });

  app.get('/stacks/:stack', async (c) => {
    const api = c.get('api');
    const name = stackName(c.req.param('stack'));
    const who = await whoami(c);
    const operator = holds(who, 'operator', name);
    const base = apiPath`/api/v1/stacks/${name}`;
    const [detail, containers, plan, deployments, logs, jobs, backups, health, findings, operations] =
      await Promise.all([
        api.json('GET', base, StackDetailSchema),
        loaded(api.json('GET', `/api/v1/containers?stack=${encodeURIComponent(name)}`, ContainerListSchema)),
        loaded(api.json('GET', `${base}/plan`, PlanSchema)),
        api.json('GET', `${base}/deployments?limit=${DEPLOYMENTS_SHOWN}`, DeploymentPageSchema),
        operator ? loaded(logTail(api, name, LOG_TAIL)) : Promise.resolve(undefined),
        api.optional(`${base}/jobs`, JobListSchema),
        api.optional(`${base}/backups`, StackBackupsSchema),
        api.optional(`/api/v1/health?stack=${encodeURIComponent(name)}`, HealthListSchema),
        api.optional(`${base}/findings`, StackFindingsSchema),
        api.optional(`${base}/operations?limit=${OPERATIONS_SHOWN}`, OperationListSchema),
      ]);
    const data = {
      ...detail,
      containers: containers.ok ? containers.value.items : undefined,
      containersError: containers.ok ? undefined : containers.error,
      plan,
      deployments: deployments.items,
      logs,
      findings: findings?.items,
      operations: operations?.items,
      jobs: jobs?.items,
      backups,
      probes: health?.items.filter((p) => p.stack === name),
      operator,
    };
    return c.html(await renderPage(StackPage({ assets: c.get('assets'), user: pageUser(c, who), data })));
  });

  app.get('/stacks/:stack/confirm/:action', async (c) => {
    const api = c.get('api');
    const name = stackName(c.req.param('stack'));
    const action = actionOf(c.req.param('action'));
    const who = await whoami(c);
    const base = apiPath`/api/v1/stacks/${name}`;
    // The stack as the caller may see it first (a name the API does not know is a 404, a stack they
    // may not view a 403), then the role the action needs: no one gets a form the API would refuse.
    const detail = await api.json('GET', base, StackDetailSchema);
    if (!holds(who, 'operator', name)) {
      throw new ApiFailure(
        403,
        'FORBIDDEN',
        `${action} of ${name} needs the operator role on it`,
        'ask an admin of this stack for the operator role',
      );
    }
    const what: ConfirmWhat =
      action === 'up'
        ? { action, plan: await loaded(api.json('GET', `${base}/plan`, PlanSchema)) }
        : action === 'down'
          ? { action, removal: await loaded(api.json('GET', `${base}/down-plan`, DownResultSchema)) }
          : { action, services: detail.services };
    return c.html(
      await renderPage(ConfirmPage({ assets: c.get('assets'), user: pageUser(c, who), stack: name, what })),
    );
  });

  app.post('/stacks/:stack/:action', async (c) => {
    const name = stackName(c.req.param('stack'));
    const action = actionOf(c.req.param('action'));
    const op = await c.get('api').json('POST', apiPath`/api/v1/stacks/${name}/${action}`, OperationSchema, {
      body: {},
      csrf: c.get('csrf'),
    });
    return c.redirect(apiPath`/stacks/${name}/operations/${op.id}`, 303);
  });
}
