import type { DeploymentView } from '../../api/deploy.js';
import type { OperationSummary } from '../../api/operations.js';
import { Time } from './components.js';
import { deploymentWords } from './stacks.js';

type ServiceResult = DeploymentView['services'][number];

function ServiceLine({ result }: { result: ServiceResult }) {
  const exit = result.exitCode !== undefined ? ` (exit code ${result.exitCode})` : '';
  return (
    <li data-service={result.service} data-outcome={result.outcome}>
      <span>{`${result.service}: ${deploymentWords(result.outcome)}`}</span>
      {result.reason ? <span class="reason">{` — ${result.reason}${exit}`}</span> : null}
      {result.logTail && result.logTail.length > 0 ? (
        <details>
          <summary>Last log lines of {result.service}</summary>
          <pre>{result.logTail.join('\n')}</pre>
        </details>
      ) : null}
      {result.healthOutput ? (
        <details>
          <summary>Health check output of {result.service}</summary>
          <pre>{result.healthOutput}</pre>
        </details>
      ) : null}
    </li>
  );
}

/** The deployment history, newest first, with each service's result and why it failed. */
export function DeploymentList({ items }: { items: readonly DeploymentView[] }) {
  if (items.length === 0) return <p>No deployments yet.</p>;
  return (
    <ol class="deployments">
      {items.map((d) => (
        <li data-deployment={String(d.id)} data-outcome={d.status}>
          <p>
            <strong>{`#${d.id} ${deploymentWords(d.status)}`}</strong>
            {` — ${d.trigger}${d.actor ? ` by ${d.actor}` : ''}, `}
            <Time iso={d.finishedAt ?? d.startedAt} />
          </p>
          {d.summary ? <p class="summary">{d.summary}</p> : null}
          {d.services.length > 0 ? (
            <ul>
              {d.services.map((s) => (
                <ServiceLine result={s} />
              ))}
            </ul>
          ) : null}
        </li>
      ))}
    </ol>
  );
}

/** The stack's recent operations, newest first, each linking to its page (live lines, outcome). */
export function OperationList({ stack, items }: { stack: string; items: readonly OperationSummary[] }) {
  if (items.length === 0) return <p>No operations yet.</p>;
  return (
    <ol class="operations">
      {items.map((op) => (
        <li data-operation={op.id} data-outcome={op.ended ?? op.status}>
          <a href={`/stacks/${encodeURIComponent(stack)}/operations/${encodeURIComponent(op.id)}`}>
            {`${op.kind} ${op.ended ?? 'running'}`}
          </a>
          {` — by ${op.actor}, `}
          <Time iso={op.finishedAt ?? op.startedAt} />
        </li>
      ))}
    </ol>
  );
}
