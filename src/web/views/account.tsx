import type { z } from 'zod';
import type { TokenCreated, TokenInfoSchema, Whoami } from '../../api/auth.js';
import { RoleSchema } from '../../api/auth.js';
import type { AssetTable } from '../assets.js';
import { CsrfField, ErrorBox, PostButton, Time } from './components.js';
import { Layout, type PageUser } from './layout.js';

type TokenInfo = z.output<typeof TokenInfoSchema>;

export interface AccountProps {
  readonly assets: AssetTable;
  readonly user: PageUser;
  readonly who: Whoami;
  readonly tokens: readonly TokenInfo[];
  /** Just created: its value, shown this once. */
  readonly created?: (TokenCreated & { readonly name: string }) | undefined;
  /** The page was to show a created token whose value has been shown already (or was forgotten). */
  readonly gone?: boolean;
  readonly error?: string | undefined;
}

const grantText = (g: Whoami['grants'][number]) => `${g.role} on ${g.stack ?? 'every stack'}`;

function TokenRow({ token, csrf }: { token: TokenInfo; csrf: string }) {
  const state = token.revokedAt ? 'revoked' : 'active';
  return (
    <tr data-token={token.id} data-state={state}>
      <td>{token.name}</td>
      <td>{`${token.role}${token.stacks ? ` on ${token.stacks.join(', ')}` : ''}`}</td>
      <td>
        <Time iso={token.expiresAt} />
      </td>
      <td>{token.lastUsedAt ? <Time iso={token.lastUsedAt} /> : 'never'}</td>
      <td>
        {token.revokedAt ? (
          'revoked'
        ) : (
          <PostButton
            action={`/account/tokens/${encodeURIComponent(token.id)}/revoke`}
            csrf={csrf}
            label="Revoke"
            danger
          />
        )}
      </td>
    </tr>
  );
}

function CreateForm({ csrf }: { csrf: string }) {
  return (
    <form method="post" action="/account/tokens" class="stacked">
      <CsrfField token={csrf} />
      <label for="token-name">Name</label>
      <input id="token-name" name="name" required maxlength={64} />
      <label for="token-role">Role</label>
      <select id="token-role" name="role">
        {RoleSchema.options.map((r) => (
          <option value={r}>{r}</option>
        ))}
      </select>
      <label for="token-stacks">Stacks (optional, separated by commas; empty: every stack)</label>
      <input id="token-stacks" name="stacks" />
      <label for="token-days">Expires in (days)</label>
      <input id="token-days" name="expiresInDays" type="number" min={1} max={365} value="90" required />
      <button type="submit">Create token</button>
    </form>
  );
}

export function AccountPage(props: AccountProps) {
  return (
    <Layout title="Account" assets={props.assets} user={props.user}>
      <h1>Account</h1>
      <p>
        {`Signed in as ${props.who.name}: `}
        {props.who.grants.map(grantText).join('; ') || 'no roles yet'}
      </p>
      {props.error ? <ErrorBox message={props.error} /> : null}
      {props.created ? (
        <div id="new-token" class="notice" role="status">
          <p>{`Token ${props.created.name} created. Copy it now: it is never shown again.`}</p>
          <p>
            <code class="secret">{props.created.token}</code>
          </p>
        </div>
      ) : null}
      {props.gone ? (
        <div id="token-gone" class="notice" role="status">
          <p>
            A new token's value is shown once, and it has been shown (or the server restarted since). If it
            was not copied, revoke that token below and create another.
          </p>
        </div>
      ) : null}
      <section aria-labelledby="tokens-title">
        <h2 id="tokens-title">API tokens</h2>
        {props.tokens.length === 0 ? (
          <p>No tokens.</p>
        ) : (
          <div class="scroll">
            <table>
              <thead>
                <tr>
                  <th scope="col">Name</th>
                  <th scope="col">Role</th>
                  <th scope="col">Expires</th>
                  <th scope="col">Last used</th>
                  <th scope="col">Action</th>
                </tr>
              </thead>
              <tbody>
                {props.tokens.map((t) => (
                  <TokenRow token={t} csrf={props.user.csrf} />
                ))}
              </tbody>
            </table>
          </div>
        )}
      </section>
      <section aria-labelledby="create-title">
        <h2 id="create-title">Create a token</h2>
        <CreateForm csrf={props.user.csrf} />
      </section>
    </Layout>
  );
}
