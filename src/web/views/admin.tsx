import type { AuditEntryView } from '../../api/audit-log.js';
import { RoleSchema, type UserView } from '../../api/auth.js';
import type { AssetTable } from '../assets.js';
import { CsrfField, ErrorBox, PostButton, Time } from './components.js';
import { Layout, type PageUser } from './layout.js';

// The admins' pages: the audit log and the users.

export interface AuditFilter {
  readonly actor?: string | undefined;
  readonly action?: string | undefined;
  readonly target?: string | undefined;
}

function FilterForm({ filter }: { filter: AuditFilter }) {
  const fields = [
    ['actor', 'Actor'],
    ['action', 'Action'],
    ['target', 'Target'],
  ] as const;
  return (
    <form method="get" action="/audit" class="filters">
      {fields.map(([name, label]) => (
        <span>
          <label for={`audit-${name}`}>{label}</label>
          <input id={`audit-${name}`} name={name} value={filter[name] ?? ''} />
        </span>
      ))}
      <button type="submit">Filter</button>
    </form>
  );
}

/** `?actor=…&before=…`: the next page with the same filters. */
export function olderLink(filter: AuditFilter, before: number): string {
  const query = new URLSearchParams();
  for (const [k, v] of Object.entries(filter)) if (v) query.set(k, v);
  query.set('before', String(before));
  return `/audit?${query.toString()}`;
}

export function AuditPage(props: {
  assets: AssetTable;
  user: PageUser;
  entries: readonly AuditEntryView[];
  filter: AuditFilter;
  nextBefore?: number | undefined;
}) {
  return (
    <Layout title="Audit log" assets={props.assets} user={props.user}>
      <h1>Audit log</h1>
      <FilterForm filter={props.filter} />
      {props.entries.length === 0 ? (
        <p>No entries.</p>
      ) : (
        <div class="scroll">
          <table>
            <thead>
              <tr>
                <th scope="col">When</th>
                <th scope="col">Actor</th>
                <th scope="col">Action</th>
                <th scope="col">Target</th>
                <th scope="col">Outcome</th>
              </tr>
            </thead>
            <tbody>
              {props.entries.map((e) => (
                <tr data-entry={String(e.id)}>
                  <td>
                    <Time iso={e.at} />
                  </td>
                  <td>{e.actor}</td>
                  <td>{e.action}</td>
                  <td>{e.target ?? '—'}</td>
                  <td data-outcome={e.outcome}>{e.outcome}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {props.nextBefore !== undefined ? (
        <p>
          <a href={olderLink(props.filter, props.nextBefore)}>Older entries</a>
        </p>
      ) : null}
    </Layout>
  );
}

const grantsText = (user: UserView) =>
  user.grants.map((g) => `${g.role} on ${g.stack ?? 'every stack'}`).join('; ') || 'no roles';

function CreateUser({ csrf }: { csrf: string }) {
  return (
    <form method="post" action="/users" class="stacked">
      <CsrfField token={csrf} />
      <label for="user-name">Username</label>
      <input id="user-name" name="username" required autocapitalize="none" />
      <label for="user-password">Password</label>
      <input id="user-password" name="password" type="password" autocomplete="new-password" required />
      <label for="user-role">Role</label>
      <select id="user-role" name="role">
        {RoleSchema.options.map((r) => (
          <option value={r}>{r}</option>
        ))}
      </select>
      <label for="user-stack">On stack (empty: every stack)</label>
      <input id="user-stack" name="stack" />
      <button type="submit">Create user</button>
    </form>
  );
}

export function UsersPage(props: {
  assets: AssetTable;
  user: PageUser;
  users: readonly UserView[];
  error?: string | undefined;
}) {
  return (
    <Layout title="Users" assets={props.assets} user={props.user}>
      <h1>Users</h1>
      {props.error ? <ErrorBox message={props.error} /> : null}
      <div class="scroll">
        <table>
          <thead>
            <tr>
              <th scope="col">User</th>
              <th scope="col">Roles</th>
              <th scope="col">Created</th>
              <th scope="col">Action</th>
            </tr>
          </thead>
          <tbody>
            {props.users.map((u) => (
              <tr data-user={u.username}>
                <td>{u.username}</td>
                <td>{grantsText(u)}</td>
                <td>
                  <Time iso={u.createdAt} />
                </td>
                <td>
                  {u.username === props.user.name ? (
                    'you'
                  ) : (
                    // Deleting a user cannot be undone: a second, explicit click does it.
                    <details class="confirm">
                      <summary>Delete {u.username}…</summary>
                      <PostButton
                        action={`/users/${encodeURIComponent(u.username)}/delete`}
                        csrf={props.user.csrf}
                        label={`Yes, delete ${u.username}`}
                        danger
                      />
                    </details>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      <section aria-labelledby="create-user-title">
        <h2 id="create-user-title">Create a user</h2>
        <CreateUser csrf={props.user.csrf} />
      </section>
    </Layout>
  );
}
