import type { Hono } from 'hono';
import { TokenCreatedSchema, TokenListSchema } from '../../api/auth.js';
import { OkSchema } from '../../api/http.js';
import { ApiFailure, apiPath } from '../api-client.js';
import { field, pageUser, type WebContext, type WebEnv, whoami } from '../context.js';
import { type FieldLabels, formMessage } from '../form-errors.js';
import { AccountPage, type AccountProps } from '../views/account.js';
import { renderPage } from '../views/layout.js';

async function accountPage(
  c: WebContext,
  more: Pick<AccountProps, 'created' | 'error' | 'gone'> = {},
  status = 200,
) {
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

/** The labels of the new-token form's fields, by the API body's paths. */
const TOKEN_FORM: FieldLabels = {
  name: 'Name',
  role: 'Role',
  stacks: 'Stacks',
  expiresInDays: 'Expires in (days)',
};

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

/**
 * GET /account, POST /account/tokens, POST /account/tokens/:id/revoke. A created token's value is
 * left as a notice and shown by the GET the POST redirects to (`?created=`), once: a reload of that
 * page shows it no more, and does not make a second token.
 */
export function accountRoutes(app: Hono<WebEnv>): void {
  app.get('/account', (c) => {
    const id = c.req.query('created');
    if (id === undefined) return accountPage(c);
    const notice = c.get('session') ? c.get('notices').take(c.get('session'), id) : undefined;
    return accountPage(c, notice?.kind === 'token' ? { created: notice.created } : { gone: true });
  });
  app.post('/account/tokens', async (c) => {
    const body = tokenRequest(await c.req.parseBody());
    try {
      const created = await c
        .get('api')
        .json('POST', '/api/v1/tokens', TokenCreatedSchema, { body, csrf: c.get('csrf') });
      const id = c
        .get('notices')
        .put(c.get('session'), { kind: 'token', created: { ...created, name: body.name } });
      return c.redirect(`/account?created=${id}`, 303);
    } catch (error: unknown) {
      if (!(error instanceof ApiFailure) || error.status === 401) throw error;
      return accountPage(c, { error: formMessage(error, TOKEN_FORM) }, error.status);
    }
  });
  app.post('/account/tokens/:id/revoke', async (c) => {
    await c
      .get('api')
      .json('DELETE', apiPath`/api/v1/tokens/${c.req.param('id')}`, OkSchema, { csrf: c.get('csrf') });
    return c.redirect('/account', 303);
  });
}
