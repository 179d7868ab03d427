import type { Child } from 'hono/jsx';
import { CSRF_FIELD } from '../session.js';
import { STATUS_LABEL, type Status } from '../status.js';

/** A status in words with its icon (the icon is decoration: screen readers read the word). */
export function StatusText({ status }: { status: Status }) {
  const label = STATUS_LABEL[status];
  return (
    <span class={`status status-${status}`}>
      <span aria-hidden="true">{label.icon}</span> {label.text}
    </span>
  );
}

/** A table cell whose `data-status` says the status for machines, its text for people. */
export function StatusCell({ status }: { status: Status }) {
  return (
    <td data-status={status}>
      <StatusText status={status} />
    </td>
  );
}

/** The hidden CSRF field every changing form carries. */
export function CsrfField({ token }: { token: string }) {
  return <input type="hidden" name={CSRF_FIELD} value={token} />;
}

/** What went wrong, announced to screen readers. */
export function ErrorBox({ message, hint }: { message: string; hint?: string | undefined }) {
  return (
    <div role="alert" class="error">
      <p>{message}</p>
      {hint ? <p class="hint">{hint}</p> : null}
    </div>
  );
}

/** `2025-01-01 12:34 UTC`: short, the same for every reader; the full time in `datetime`. */
export function formatTime(iso: string): string {
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  return `${d.toISOString().slice(0, 16).replace('T', ' ')} UTC`;
}

export function Time({ iso }: { iso: string | undefined }) {
  if (iso === undefined) return <span>—</span>;
  return <time datetime={iso}>{formatTime(iso)}</time>;
}

/** A section with its heading, labelled by it. */
export function Section({ id, title, children }: { id: string; title: string; children?: Child }) {
  return (
    <section id={id} aria-labelledby={`${id}-title`}>
      <h2 id={`${id}-title`}>{title}</h2>
      {children}
    </section>
  );
}

/** A one-button POST form with the CSRF field. */
export function PostButton(props: {
  action: string;
  csrf: string;
  label: string;
  fields?: Readonly<Record<string, string>>;
  danger?: boolean;
  /** The accessible name when the label alone is ambiguous (it should start with the label). */
  name?: string;
}) {
  return (
    <form method="post" action={props.action} class="inline">
      <CsrfField token={props.csrf} />
      {Object.entries(props.fields ?? {}).map(([name, value]) => (
        <input type="hidden" name={name} value={value} />
      ))}
      <button type="submit" class={props.danger ? 'danger' : undefined} aria-label={props.name}>
        {props.label}
      </button>
    </form>
  );
}
