import type { AssetTable } from '../assets.js';
import { ErrorBox } from './components.js';
import { Layout, type PageUser } from './layout.js';

export interface LoginProps {
  readonly assets: AssetTable;
  readonly username?: string;
  readonly error?: string | undefined;
  /** Where a successful login goes (a path of this server, already checked). */
  readonly next?: string | undefined;
  /** No admin exists yet: the page points at /setup. */
  readonly setupNeeded?: boolean;
}

/** The username and password fields of the login and setup forms. */
function Credentials(props: { username: string | undefined; password: 'current-password' | 'new-password' }) {
  return (
    <>
      <label for="username">Username</label>
      <input
        id="username"
        name="username"
        autocomplete="username"
        autocapitalize="none"
        required
        value={props.username ?? ''}
      />
      <label for="password">Password</label>
      <input id="password" name="password" type="password" autocomplete={props.password} required />
    </>
  );
}

export function LoginPage(props: LoginProps) {
  return (
    <Layout title="Log in" assets={props.assets}>
      <div class="narrow">
        <h1>Log in to Berth</h1>
        {props.error ? <ErrorBox message={props.error} /> : null}
        <form method="post" action="/login" class="stacked">
          {props.next && props.next !== '/' ? <input type="hidden" name="next" value={props.next} /> : null}
          <Credentials username={props.username} password="current-password" />
          <button type="submit">Log in</button>
        </form>
        {props.setupNeeded ? (
          <p class="hint">
            No admin exists yet: <a href="/setup">create the first admin</a> with the one-time setup token.
          </p>
        ) : null}
      </div>
    </Layout>
  );
}

export function SetupPage(props: LoginProps) {
  return (
    <Layout title="Set up" assets={props.assets}>
      <div class="narrow">
        <h1>Set up Berth</h1>
        <p>
          Give the one-time token from the file <code>setup-token</code> in Berth's state folder, and choose
          the first admin's name and password.
        </p>
        {props.error ? <ErrorBox message={props.error} /> : null}
        <form method="post" action="/setup" class="stacked">
          <label for="token">Setup token</label>
          <input id="token" name="token" autocomplete="off" required />
          <Credentials username={props.username} password="new-password" />
          <button type="submit">Create admin</button>
        </form>
        <p class="hint">
          <a href="/login">Back to log in</a>
        </p>
      </div>
    </Layout>
  );
}

export interface ErrorProps {
  readonly assets: AssetTable;
  readonly user?: PageUser | undefined;
  readonly status: number;
  readonly message: string;
  readonly hint?: string | undefined;
}

/** A refused or failed request, with what the API said. */
export function ErrorPage(props: ErrorProps) {
  const title =
    props.status === 403
      ? 'Not allowed'
      : props.status === 404
        ? 'Not found'
        : props.status === 409
          ? 'Busy'
          : props.status >= 500
            ? 'Something went wrong'
            : 'Refused';
  return (
    <Layout title={title} assets={props.assets} user={props.user}>
      <h1>{title}</h1>
      <ErrorBox message={props.message} hint={props.hint} />
      <p>
        <a href="/">Back to the stacks</a>
      </p>
    </Layout>
  );
}
