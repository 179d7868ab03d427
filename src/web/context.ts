import type { Context } from 'hono';
import { type Whoami, WhoamiSchema } from '../api/auth.js';
import { holds } from './access.js';
import type { ApiSession } from './api-client.js';
import type { AssetTable } from './assets.js';
import type { NoticeBoard } from './notices.js';
import type { PageUser } from './views/layout.js';

export interface WebLogger {
  error(details: Record<string, unknown>, message: string): void;
}

export type WebEnv = {
  Variables: {
    /** The API, as this request's browser session. */
    api: ApiSession;
    /** The CSRF token from the browser's cookie ('' without one). */
    csrf: string;
    /** The API's session cookie ('' without one): whose notices are whose. */
    session: string;
    /** What POSTs leave for the page they redirect to (./notices.ts). */
    notices: NoticeBoard;
    /** The caller, once a page asked for it. */
    who: Whoami | undefined;
    assets: AssetTable;
  };
};

export type WebContext = Context<WebEnv>;

/** The caller (an ApiFailure 401 when not logged in: the app redirects to /login). */
export async function whoami(c: WebContext): Promise<Whoami> {
  const known = c.get('who');
  if (known) return known;
  const who = await c.get('api').json('GET', '/api/v1/whoami', WhoamiSchema);
  c.set('who', who);
  return who;
}

/** The header's view of the caller. */
export function pageUser(c: WebContext, who: Whoami): PageUser {
  return { name: who.name, admin: holds(who, 'admin'), csrf: c.get('csrf') };
}

/** A form's text field ('' when absent or a file). */
export function field(form: Record<string, unknown>, name: string): string {
  const value = form[name];
  return typeof value === 'string' ? value : '';
}
