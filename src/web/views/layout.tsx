import type { Child } from 'hono/jsx';
import type { AssetTable } from '../assets.js';
import { CsrfField } from './components.js';

/** Who is signed in, as every page's header shows it. */
export interface PageUser {
  readonly name: string;
  /** Admin on every stack: the audit log and users pages. */
  readonly admin: boolean;
  readonly csrf: string;
}

export interface LayoutProps {
  readonly title: string;
  readonly assets: AssetTable;
  readonly user?: PageUser | undefined;
  /** Load htmx and its SSE extension (live pages only). */
  readonly live?: boolean;
  readonly children?: Child;
}

/** htmx without eval, inline scripts or injected styles: what the page's CSP allows. */
const HTMX_CONFIG = JSON.stringify({
  includeIndicatorStyles: false,
  allowEval: false,
  allowScriptTags: false,
  selfRequestsOnly: true,
});

function Nav({ user }: { user: PageUser }) {
  return (
    <header class="top">
      <nav aria-label="Main">
        <ul>
          <li>
            <a href="/">Stacks</a>
          </li>
          {user.admin ? (
            <li>
              <a href="/audit">Audit log</a>
            </li>
          ) : null}
          {user.admin ? (
            <li>
              <a href="/users">Users</a>
            </li>
          ) : null}
          <li>
            <a href="/account">Account</a>
          </li>
        </ul>
      </nav>
      <div class="who">
        <span>
          Signed in as <strong data-username={user.name}>{user.name}</strong>
        </span>
        <form method="post" action="/logout" class="inline">
          <CsrfField token={user.csrf} />
          <button type="submit">Log out</button>
        </form>
      </div>
    </header>
  );
}

/** Every page: no inline script or style, the style sheet and (live pages) htmx from /assets. */
export function Layout(props: LayoutProps) {
  return (
    <html lang="en">
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <title>{`${props.title} · Berth`}</title>
        <link rel="icon" href="data:," />
        <link rel="stylesheet" href={props.assets.css.url} />
        {props.live ? <meta name="htmx-config" content={HTMX_CONFIG} /> : null}
        {props.live ? <script src={props.assets.htmx.url} defer /> : null}
        {props.live ? <script src={props.assets.sse.url} defer /> : null}
        {props.live ? <script src={props.assets.resume.url} defer /> : null}
      </head>
      <body>
        <a class="skip" href="#main">
          Skip to content
        </a>
        {props.user ? <Nav user={props.user} /> : null}
        <main id="main">{props.children}</main>
      </body>
    </html>
  );
}

/** A rendered page: the doctype and the document. */
export async function renderPage(node: ReturnType<typeof Layout>): Promise<string> {
  return `<!doctype html>${(await node).toString()}`;
}
