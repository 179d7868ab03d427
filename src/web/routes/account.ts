import type { Hono } from 'hono';
import { TokenCreatedSchema, TokenListSchema } from '../../api/auth.js';
import { OkSchema } from '../../api/http.js';
import { ApiFailure, apiPath } from '../api-client.js';
import { field, pageUser, type WebContext, type WebEnv, whoami } from '../context.js';
import { AccountPage, type AccountProps } from '../views/account.js';
import { renderPage } from '../views/layout.js';

async function accountPage(c: WebContext, more: Pick<AccountProps, 'created' | 'error'> = {}, status = 200) {
  const who = await whoami(c);
  const tokens = await c.get('api').json('GET', '/api/v1/tokens', TokenListSchema);
  const page = AccountPage({
    assets: c.get('assets'),
    user: pageUser(c, who),
    who,
    tokens: tokens.items,
    ...more,
  });
  return c.html(await renderPage(page), status as 200);
}

/** The token request of the create form. */
export function tokenRequest(form: Record<string, unknown>) {
  const stacks = field(form, 'stacks')
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '');
  const days = Number(field(form, 'expiresInDays') || '90');
  return {
    name: field(form, 'name').trim(),
    role: field(form, 'role'),
    ...(stacks.length > 0 ? { stacks } : {}),
    expiresInDays: Number.isInteger(days) ? days : 0,
  };
}

/** GET /account, POST /account/tokens (the value shown once), POST /account/tokens/:id/revoke. */
export function accountRoutes(app: Hono<WebEnv>): void {
  app.get('/account', (c) => accountPage(c));
  app.post('/account/tokens', async (c) => {
    const body = tokenRequest(await c.req.parseBody());
    try {
      const created = await c
        .get('api')
        .json('POST', '/api/v1/tokens', TokenCreatedSchema, { body, csrf: c.get('csrf') });
      return accountPage(c, { created: { ...created, name: body.name } });
    } catch (error: unknown) {
      if (!(error instanceof ApiFailure) || error.status === 401) throw error;
      return accountPage(c, { error: error.message }, error.status);
    }
  });
  app.post('/account/tokens/:id/revoke', async (c) => {
    await c
      .get('api')
      .json('DELETE', apiPath`/api/v1/tokens/${c.req.param('id')}`, OkSchema, { csrf: c.get('csrf') });
    return c.redirect('/account', 303);
  });
}
