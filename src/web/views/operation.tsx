import type { Outcome } from '../../api/operation-outcome.js';
import type { OperationKind, OperationView } from '../../api/operations.js';
import type { AssetTable } from '../assets.js';
import { Time } from './components.js';
import { Layout, type PageUser } from './layout.js';

/** One line of the event list (also sent alone over SSE). */
export function EventItem({ id, text }: { id: number; text: string }) {
  return <li data-event={String(id)}>{text}</li>;
}

/** How it ended, or that it runs; replaced by the final one over SSE. */
export function OutcomeBox({ outcome, refresh }: { outcome: Outcome; refresh?: string | undefined }) {
  const running = outcome.value === 'running';
  return (
    <div
      id="outcome"
      data-outcome={outcome.value}
      role="status"
      class={`outcome outcome-${outcome.value}`}
      {...(running ? { 'sse-swap': 'outcome', 'hx-swap': 'outerHTML' } : {})}
    >
      <span aria-hidden="true">{running ? '…' : outcome.value === 'succeeded' ? '✔' : '✖'}</span>{' '}
      <span class="text">{running ? 'Running' : outcome.text}</span>
      {running && refresh ? (
        <>
          {' '}
          <a href={refresh}>Refresh</a>
        </>
      ) : null}
    </div>
  );
}

/** The page's heading per kind: every kind has one (a new kind fails the type check until it is named). */
const TITLES = {
  up: (stack) => `Deploy of ${stack}`,
  restart: (stack) => `Restart of ${stack}`,
  down: (stack) => `Down of ${stack}`,
  job: (stack) => `Job run on ${stack}`,
  backup: (stack) => `Backup of ${stack}`,
  drill: (stack) => `Restore drill of a ${stack} backup`,
  restore: (stack) => `Restore into ${stack}`,
} as const satisfies Record<OperationKind, (stack: string) => string>;

/** `Deploy of shop`, `Job run on shop`, `Restore drill of a shop backup`… */
export function operationTitle(op: Pick<OperationView, 'kind' | 'stack'>): string {
  return TITLES[op.kind](op.stack);
}

export interface OperationPageProps {
  readonly assets: AssetTable;
  readonly user: PageUser;
  readonly op: OperationView;
  readonly events: ReadonlyArray<{ readonly id: number; readonly text: string }>;
  readonly outcome: Outcome;
  /** The page's own SSE route (with `after`), while the operation runs. */
  readonly live?: string | undefined;
  readonly self: string;
}

export function OperationPage(props: OperationPageProps) {
  const { op } = props;
  const stackUrl = `/stacks/${encodeURIComponent(op.stack)}`;
  const liveAttrs = props.live ? { 'hx-ext': 'sse', 'sse-connect': props.live, 'sse-close': 'end' } : {};
  return (
    <Layout title={operationTitle(op)} assets={props.assets} user={props.user} live={!!props.live}>
      <p class="crumbs">
        <a href="/">Stacks</a> / <a href={stackUrl}>{op.stack}</a> /
      </p>
      <h1>{operationTitle(op)}</h1>
      <p>
        {`Operation ${op.id}, started by ${op.actor} `}
        <Time iso={op.startedAt} />
      </p>
      <div class="operation" {...liveAttrs}>
        <OutcomeBox outcome={props.outcome} refresh={props.self} />
        <h2>Events</h2>
        <ol id="events" class="events" sse-swap="line" hx-swap="beforeend" aria-live="polite">
          {props.events.map((e) => (
            <EventItem id={e.id} text={e.text} />
          ))}
        </ol>
      </div>
    </Layout>
  );
}
