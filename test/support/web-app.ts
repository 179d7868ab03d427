import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Grant } from '../../src/access/rbac.js';
import { workspaceFindings } from '../../src/app/findings.js';
import { builtinXBerthRegistry } from '../../src/app/registry.js';
import { BackupService } from '../../src/backup/service.js';
import { workspaceLoads } from '../../src/compose/workspace-source.js';
import { EngineError } from '../../src/engine/model.js';
import { JobService } from '../../src/jobs/service.js';
import { JobSummaries } from '../../src/jobs/summary.js';
import { createMetrics } from '../../src/metrics/registry.js';
import { createApp } from '../../src/server/app.js';
import { authServiceAuthenticator } from '../../src/server/authenticator.js';
import { openMemoryStore, type Store } from '../../src/store/index.js';
import { createWebApp } from '../../src/web/app.js';
import { authFixture, GOOD_PASSWORD } from './auth.js';
import { CONTAINERS, TableStacks, tableControl } from './control.js';
import { makeWorkspace, testDeps } from './http-app.js';

/** alpha with a job on worker and backup policies on db (mariadb) and cache (no kind): the `tasks` option. */
const ALPHA_WITH_TASKS = `services:
  web:
    image: nginx:1.27
  worker:
    image: busybox:1.36
    x-berth:
      jobs:
        cleanup: { schedule: "@every 5m", command: ["true"], overlap: skip }
  db:
    image: mariadb:11.4
    x-berth:
      backup: { schedule: "0 3 * * *" }
  cache:
    image: local/cache:1
    x-berth:
      backup: {}
`;

/** The age recipient backups are encrypted to (no identity is configured: drills are refused). */
const RECIPIENT = 'age1ql3z7hjy54pw3hyww5ayyfg7zqgvc7w3j2elw8zmrj2kg5sfn9aqmcac8p';

/** The origin test requests claim: the web app checks a POST's Origin against its own host. */
export const WEB_ORIGIN = 'http://berth.test';

/**
 * The dashboard over the real API app: real auth (users, sessions, CSRF) in a SQLite file, the
 * control routes over TableStacks and an in-memory store, the workspace of makeWorkspace. No sockets:
 * requests go to `fetch`, which routes /api/ to the API as `berth serve` does.
 */
export async function webFixture(
  options: {
    stacks?: TableStacks;
    workspace?: { root: string; cleanup: () => void };
    /** false: no user yet (first-run setup). */
    users?: boolean;
    /** The API parses its answers with their schemas (default true; false as in production, for timing). */
    checkResponses?: boolean;
    /**
     * Mount the jobs and backups API over a real JobService and BackupService: alpha gets a job
     * (worker/cleanup) and a backup policy (db). The engine is down, so every run ends failed.
     */
    tasks?: boolean;
  } = {},
) {
  const stacks = options.stacks ?? new TableStacks(CONTAINERS);
  const auth = authFixture();
  const workspace = options.workspace ?? makeWorkspace();
  const store = openMemoryStore({ now: () => new Date() });
  const control = tableControl(store, stacks);
  const deps = testDeps({
    root: workspace.root,
    authenticator: authServiceAuthenticator(auth.auth),
    auditLog: auth.auditLog,
    authRoutes: { auth: auth.auth, auditLog: auth.auditLog, clock: auth.clock, secureCookies: false },
    control,
    deployments: store.deployments,
  });
  const findings = workspaceFindings({
    workspace: workspace.root,
    load: { env: {}, registry: builtinXBerthRegistry() },
    clock: { now: () => new Date() },
    version: 'test',
    listStacks: deps.listStacks,
  });
  if (options.tasks) writeFileSync(join(workspace.root, 'alpha', 'compose.yaml'), ALPHA_WITH_TASKS);
  const api = createApp({
    ...deps,
    ...(options.tasks ? taskDeps(workspace.root, store, control) : {}),
    findings: { findings },
    metrics: createMetrics(),
    checkResponses: options.checkResponses ?? true,
  });
  const web = createWebApp({ api: async (request, env) => api.fetch(request, env) });
  const fetch = (request: Request) =>
    new URL(request.url).pathname.startsWith('/api/') ? api.fetch(request) : web.fetch(request);
  const users = {
    admin: [{ role: 'admin' }],
    operator: [{ role: 'operator' }],
    viewer: [{ role: 'viewer' }],
    'alpha-operator': [{ role: 'operator', stack: 'alpha' }],
  } satisfies Record<string, Grant[]>;
  for (const [username, grants] of options.users === false ? [] : Object.entries(users)) {
    await auth.auth.createUser({ username, password: GOOD_PASSWORD, grants });
  }
  return {
    api,
    web,
    fetch,
    auth,
    store,
    control,
    stacks,
    browser: () => new TestBrowser(fetch),
    close: () => {
      store.close();
      auth.cleanup();
      workspace.cleanup();
    },
  };
}

/** The jobs and backups deps of the API app, over an engine that is not there. */
function taskDeps(root: string, store: Store, control: ReturnType<typeof tableControl>) {
  const workspace = workspaceLoads(root, { env: {}, registry: builtinXBerthRegistry() });
  const common = {
    engine: async (): Promise<never> => {
      throw new EngineError('ENGINE_UNAVAILABLE', 'no engine in web tests', { hint: 'start one' });
    },
    store: () => store,
    clock: { now: () => new Date(), sleep: async () => {} },
    events: () => control.hub,
    stacks: async () => (await workspace()).stacks,
  };
  const jobs = new JobService(common);
  const backups = new BackupService({
    ...common,
    settings: () => ({
      stores: { local: { type: 'dir', path: join(root, '.backups') } },
      recipients: [RECIPIENT],
    }),
  });
  return {
    jobs: {
      jobs,
      summaries: new JobSummaries({ store: () => store, clock: { now: () => new Date() }, jobs }),
      runner: control.runner,
    },
    backups: { backups, runner: control.runner, jobState: () => store.jobState },
  };
}

export interface Page {
  readonly status: number;
  readonly headers: Headers;
  readonly text: string;
  /** Where a redirect points. */
  readonly location: string | null;
}

/** A client that keeps cookies like a browser and sends forms from its own origin. */
export class TestBrowser {
  readonly cookies = new Map<string, string>();

  constructor(private readonly fetch: (request: Request) => Response | Promise<Response>) {}

  async request(path: string, init: RequestInit = {}): Promise<Page> {
    const headers = new Headers(init.headers);
    if (this.cookies.size > 0) {
      headers.set('Cookie', [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; '));
    }
    const res = await this.fetch(new Request(new URL(path, WEB_ORIGIN), { ...init, headers }));
    for (const cookie of res.headers.getSetCookie()) {
      const [pair = '', ...attributes] = cookie.split(';');
      const eq = pair.indexOf('=');
      const name = pair.slice(0, eq).trim();
      const expired = attributes.some((a) => /max-age=0/i.test(a.trim())) || pair.slice(eq + 1) === '';
      if (expired) this.cookies.delete(name);
      else this.cookies.set(name, pair.slice(eq + 1));
    }
    return {
      status: res.status,
      headers: res.headers,
      text: await res.text(),
      location: res.headers.get('location'),
    };
  }

  get(path: string, headers: Record<string, string> = {}): Promise<Page> {
    return this.request(path, { headers });
  }

  /** A form POST (urlencoded), from this origin unless `headers` says otherwise. */
  post(path: string, form: Record<string, string>, headers: Record<string, string> = {}): Promise<Page> {
    return this.request(path, {
      method: 'POST',
      body: new URLSearchParams(form).toString(),
      headers: {
        'Content-Type': 'application/x-www-form-urlencoded',
        Origin: WEB_ORIGIN,
        'Sec-Fetch-Site': 'same-origin',
        ...headers,
      },
    });
  }

  /** Where a redirect answer sends the browser (GET); any other answer as it is. */
  async follow(page: Page): Promise<Page> {
    return page.location === null ? page : this.get(page.location);
  }

  /** A form POST and the page it redirects to: what the browser shows after sending the form. */
  async submit(path: string, form: Record<string, string>): Promise<Page> {
    return this.follow(await this.post(path, form));
  }

  /** The CSRF token the login stored, as the pages put it in their forms. */
  csrf(): string {
    return this.cookies.get('berth_csrf') ?? '';
  }

  async login(username: string, password = GOOD_PASSWORD): Promise<Page> {
    return this.post('/login', { username, password });
  }
}
