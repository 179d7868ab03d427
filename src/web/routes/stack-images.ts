import type { Hono } from 'hono';
import { ImagePruneResultSchema } from '../../api/images.js';
import { StackDetailSchema } from '../../api/stacks.js';
import { holds } from '../access.js';
import { ApiFailure, apiPath } from '../api-client.js';
import { pageUser, type WebEnv, whoami } from '../context.js';
import { loaded, stackName } from '../load.js';
import { ImagesPage } from '../views/images.js';
import { renderPage } from '../views/layout.js';

/**
 * GET /stacks/:stack/images (the dry run, and the button) and POST /stacks/:stack/images (the prune).
 * The POST leaves its result as a notice and redirects to `?done=`: a reload shows it again and
 * prunes nothing.
 */
export function stackImageRoutes(app: Hono<WebEnv>): void {
  app.get('/stacks/:stack/images', async (c) => {
    const api = c.get('api');
    const name = stackName(c.req.param('stack'));
    const done = c.req.query('done');
    if (done !== undefined) {
      const notice = c.get('session') ? c.get('notices').take(c.get('session'), done) : undefined;
      const user = pageUser(c, await whoami(c));
      const result = notice?.kind === 'images' ? { ok: true as const, value: notice.result } : undefined;
      return c.html(
        await renderPage(ImagesPage({ assets: c.get('assets'), user, stack: name, result, done: true })),
      );
    }
    // The stack as the caller may see it (404, 403), then the role a prune needs: no form the API refuses.
    await api.json('GET', apiPath`/api/v1/stacks/${name}`, StackDetailSchema);
    const who = await whoami(c);
    const user = pageUser(c, who);
    if (!holds(who, 'operator', name)) {
      throw new ApiFailure(
        403,
        'FORBIDDEN',
        `pruning the images of ${name} needs the operator role on it`,
        'ask an admin of this stack for the operator role',
      );
    }
    const result = await loaded(
      api.json('POST', apiPath`/api/v1/stacks/${name}/images/prune`, ImagePruneResultSchema, {
        body: { dryRun: true },
        csrf: c.get('csrf'),
      }),
    );
    return c.html(
      await renderPage(ImagesPage({ assets: c.get('assets'), user, stack: name, result, done: false })),
    );
  });

  app.post('/stacks/:stack/images', async (c) => {
    const name = stackName(c.req.param('stack'));
    const result = await c
      .get('api')
      .json('POST', apiPath`/api/v1/stacks/${name}/images/prune`, ImagePruneResultSchema, {
        body: { dryRun: false },
        csrf: c.get('csrf'),
      });
    const id = c.get('notices').put(c.get('session'), { kind: 'images', result });
    return c.redirect(`${apiPath`/stacks/${name}/images`}?done=${id}`, 303);
  });
}
