import type { Hono } from 'hono';
import { AuditLogPageSchema } from '../../api/audit-log.js';
import { UserListSchema, UserSchema } from '../../api/auth.js';
import { OkSchema } from '../../api/http.js';
import { ApiFailure, apiPath } from '../api-client.js';
import { field, pageUser, type WebContext, type WebEnv, whoami } from '../context.js';
import { type FieldLabels, formMessage } from '../form-errors.js';
import { type AuditFilter, AuditPage, UsersPage } from '../views/admin.js';
import { renderPage } from '../views/layout.js';

const AUDIT_PAGE = 100;

/** The labels of the new-user form's fields, by the API body's paths. */
const USER_FORM: FieldLabels = {
  username: 'Username',
  password: 'Password',
  'grants[0].role': 'Role',
  'grants[0].stack': 'Stack',
  grants: 'Role',
};

async function usersPage(c: WebContext, error?: string, status = 200) {
  const who = await whoami(c);
  const users = await c.get('api').json('GET', '/api/v1/users', UserListSchema);
  const page = UsersPage({ assets: c.get('assets'), user: pageUser(c, who), users: users.items, error });
  return c.html(await renderPage(page), status as 200);
}

/** GET /audit and /users (the API refuses anyone but admins), POST /users and /users/:name/delete. */
export function adminRoutes(app: Hono<WebEnv>): void {
  app.get('/audit', async (c) => {
    const who = await whoami(c);
    const filter: AuditFilter = {
      actor: c.req.query('actor') || undefined,
      action: c.req.query('action') || undefined,
      target: c.req.query('target') || undefined,
    };
    const query = new URLSearchParams({ limit: String(AUDIT_PAGE) });
    for (const [k, v] of Object.entries(filter)) if (v) query.set(k, v);
    const before = c.req.query('before');
    if (before !== undefined && before !== '') {
      if (!/^\d{1,15}$/.test(before)) {
        throw new ApiFailure(
          400,
          'BAD_QUERY',
          `before=${JSON.stringify(before.slice(0, 40))} is not an audit entry number`,
          'use the "Older" link at the foot of the audit page, or leave before= out for the newest entries',
        );
      }
      query.set('before', before);
    }
    const page = await c.get('api').json('GET', `/api/v1/audit-log?${query}`, AuditLogPageSchema);
    return c.html(
      await renderPage(
        AuditPage({
          assets: c.get('assets'),
          user: pageUser(c, who),
          entries: page.items,
          filter,
          nextBefore: page.nextBefore,
        }),
      ),
    );
  });

  app.get('/users', (c) => usersPage(c));
  app.post('/users', async (c) => {
    const form = await c.req.parseBody();
    const stack = field(form, 'stack').trim();
    const body = {
      username: field(form, 'username').trim(),
      password: field(form, 'password'),
      grants: [{ role: field(form, 'role'), ...(stack ? { stack } : {}) }],
    };
    try {
      await c.get('api').json('POST', '/api/v1/users', UserSchema, { body, csrf: c.get('csrf') });
    } catch (error: unknown) {
      if (!(error instanceof ApiFailure) || error.status === 401) throw error;
      return usersPage(c, formMessage(error, USER_FORM), error.status);
    }
    return c.redirect('/users', 303);
  });
  app.post('/users/:username/delete', async (c) => {
    const path = apiPath`/api/v1/users/${c.req.param('username')}`;
    await c.get('api').json('DELETE', path, OkSchema, { csrf: c.get('csrf') });
    return c.redirect('/users', 303);
  });
}
