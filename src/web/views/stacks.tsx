import type { AssetTable } from '../assets.js';
import { countsText, type StackRow } from '../overview.js';
import { ErrorBox, StatusCell, Time } from './components.js';
import { Layout, type PageUser } from './layout.js';

/** How a deployment ended, in words (`rolled-back` → `rolled back`). */
export const deploymentWords = (status: string): string => status.replace(/-/g, ' ');

function Row({ row }: { row: StackRow }) {
  return (
    <tr data-stack={row.name}>
      <td>
        <a href={`/stacks/${encodeURIComponent(row.name)}`}>{row.name}</a>
        {row.description ? <span class="sub">{row.description}</span> : null}
      </td>
      <StatusCell status={row.status} />
      <td data-label="Services">{countsText(row.counts)}</td>
      <td data-label="Last deployment">
        {row.last ? (
          <span data-outcome={row.last.status}>
            {deploymentWords(row.last.status)} <Time iso={row.last.at} />
          </span>
        ) : (
          'never'
        )}
      </td>
      <td data-label="Group">{row.group ?? '—'}</td>
      <td data-label="Owner">{row.owner ?? '—'}</td>
    </tr>
  );
}

export function StacksPage(props: {
  assets: AssetTable;
  user: PageUser;
  rows: readonly StackRow[];
  /** Why the statuses are unknown (the engine did not answer). */
  error?: string | undefined;
  /** Why no stack can be listed: the workspace file does not load (the API's message and hint). */
  workspace?: { message: string; hint?: string | undefined } | undefined;
}) {
  const [first = '', ...where] = props.workspace?.message.split('\n') ?? [];
  return (
    <Layout title="Stacks" assets={props.assets} user={props.user}>
      <h1>Stacks</h1>
      {props.workspace ? (
        <div role="alert" class="error" data-workspace="unreadable">
          <p>{first}</p>
          {where.length > 0 ? <pre>{where.join('\n')}</pre> : null}
          {props.workspace.hint ? <p class="hint">{props.workspace.hint}</p> : null}
        </div>
      ) : null}
      {props.error ? <ErrorBox message={props.error} /> : null}
      {props.workspace ? null : props.rows.length === 0 ? (
        <p>No stacks you may see. An admin can grant you a role on a stack.</p>
      ) : (
        <div class="scroll">
          <table class="stacks">
            <thead>
              <tr>
                <th scope="col">Stack</th>
                <th scope="col">Status</th>
                <th scope="col">Services</th>
                <th scope="col">Last deployment</th>
                <th scope="col">Group</th>
                <th scope="col">Owner</th>
              </tr>
            </thead>
            <tbody>
              {props.rows.map((row) => (
                <Row row={row} />
              ))}
            </tbody>
          </table>
        </div>
      )}
    </Layout>
  );
}
