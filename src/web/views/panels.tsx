import type { z } from 'zod';
import type { StackBackupsSchema } from '../../api/backups.js';
import type { LogEntry } from '../../api/deploy.js';
import type { FindingView } from '../../api/findings.js';
import type { ProbeView } from '../../api/health.js';
import type { JobSummary } from '../../api/jobs.js';
import { notRunningText } from '../../api/not-running-text.js';
import { apiPath } from '../api-client.js';
import type { Status } from '../status.js';
import { PostButton, StatusCell, Time } from './components.js';

// The stack page's panels: logs (operators), jobs, backups and probes (when the stack has them).

type StackBackups = z.output<typeof StackBackupsSchema>;

/** Present for operators: the panels show the buttons that start jobs, backups and drills. */
export interface PanelActions {
  readonly stack: string;
  readonly csrf: string;
}

/** The newest log lines, oldest first, each with its service. */
export function LogTail({ lines }: { lines: readonly LogEntry[] }) {
  if (lines.length === 0) return <p>No log lines.</p>;
  return (
    <pre class="logs">
      {lines.map((l) => `${l.service} | ${l.stream === 'stderr' ? '! ' : ''}${l.line}`).join('\n')}
    </pre>
  );
}

export function JobsTable({
  jobs,
  actions,
}: {
  jobs: readonly JobSummary[];
  actions?: PanelActions | undefined;
}) {
  return (
    <div class="scroll">
      <table>
        <thead>
          <tr>
            <th scope="col">Job</th>
            <th scope="col">Schedule</th>
            <th scope="col">Last run</th>
            <th scope="col">Next run</th>
            {actions ? <th scope="col">Run</th> : null}
          </tr>
        </thead>
        <tbody>
          {jobs.map((j) => (
            <tr data-job={`${j.service}/${j.job}`}>
              <td>{`${j.service}/${j.job}`}</td>
              <td>{j.schedule}</td>
              <td data-outcome={j.running ? 'running' : (j.lastRun?.status ?? 'never')}>
                {j.running ? 'running now' : j.lastRun ? `${j.lastRun.status} ` : 'never'}
                {!j.running && j.lastRun ? <Time iso={j.lastRun.finishedAt ?? j.lastRun.startedAt} /> : null}
                {!j.running && j.lastRun?.reason ? (
                  <span class="reason">{` — ${j.lastRun.reason}`}</span>
                ) : null}
              </td>
              <td>
                <Time iso={j.nextRunAt} />
              </td>
              {actions ? (
                <td>
                  <PostButton
                    action={apiPath`/stacks/${actions.stack}/jobs/${j.service}/${j.job}/run`}
                    csrf={actions.csrf}
                    label="Run now"
                    name={`Run now: ${j.service}/${j.job}`}
                  />
                </td>
              ) : null}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

const BACKUPS_SHOWN = 10;

/** A backup that finished well can be drilled (unless a drill of it runs now). */
const drillable = (b: StackBackups['items'][number]): boolean =>
  b.status === 'completed' && b.drill.status !== 'running';

export function BackupsPanel({
  stack,
  backups,
  actions,
}: {
  stack: string;
  backups: StackBackups;
  actions?: PanelActions | undefined;
}) {
  return (
    <>
      {backups.policies.length > 0 ? (
        <ul>
          {backups.policies.map((p) => (
            <li data-service={p.service}>
              {`${p.service}: ${p.kind ?? 'kind not set'}, ${p.schedule ?? 'no schedule'}, drill ${p.drill}`}
              {p.lastGood ? (
                <>
                  {`; last good ${p.lastGood.id} `}
                  <Time iso={p.lastGood.at} />
                </>
              ) : (
                '; no drilled backup yet'
              )}
              {actions ? (
                <>
                  {' '}
                  <PostButton
                    action={apiPath`/stacks/${actions.stack}/backups/${p.service}/run`}
                    csrf={actions.csrf}
                    label="Back up now"
                    name={`Back up now: ${p.service}`}
                  />
                </>
              ) : null}
            </li>
          ))}
        </ul>
      ) : null}
      {backups.items.length > 0 ? (
        <div class="scroll">
          <table>
            <thead>
              <tr>
                <th scope="col">Backup</th>
                <th scope="col">Service</th>
                <th scope="col">Status</th>
                <th scope="col">Drill</th>
                <th scope="col">Taken</th>
                {actions ? <th scope="col">Prove</th> : null}
              </tr>
            </thead>
            <tbody>
              {backups.items.slice(0, BACKUPS_SHOWN).map((b) => (
                <tr data-backup={b.id}>
                  <td>{b.id}</td>
                  <td>{b.service}</td>
                  <td data-outcome={b.status}>{`${b.status}${b.reason ? ` — ${b.reason}` : ''}`}</td>
                  <td>{`${b.drill.status}${b.drill.reason ? ` — ${b.drill.reason}` : ''}`}</td>
                  <td>
                    <Time iso={b.finishedAt ?? b.startedAt} />
                  </td>
                  {actions ? (
                    <td>
                      {drillable(b) ? (
                        <PostButton
                          action={apiPath`/stacks/${actions.stack}/backups/${b.id}/drill`}
                          csrf={actions.csrf}
                          label="Drill"
                          name={`Drill ${b.id}`}
                        />
                      ) : null}
                    </td>
                  ) : null}
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      ) : (
        <p>No backups yet.</p>
      )}
      <p class="sub" data-restore>
        {'Restoring replaces live data, so it is not a button: '}
        <code>{`berth backup restore ${stack} ID`}</code>
        {' (admin, CLI or API).'}
      </p>
    </>
  );
}

const SEVERITY_ICON: Readonly<Record<FindingView['severity'], string>> = {
  critical: '‼',
  high: '!',
  medium: '▲',
  low: '•',
  info: 'i',
};

/** The audit's findings about the stack's files, most severe first (as the API orders them). */
export function FindingsList({ findings }: { findings: readonly FindingView[] }) {
  if (findings.length === 0) return <p>No findings: the stack's files pass every audit rule.</p>;
  return (
    <ul class="findings">
      {findings.map((f) => (
        <li data-rule={f.rule} data-severity={f.severity}>
          <span aria-hidden="true">{SEVERITY_ICON[f.severity]}</span> <strong>{f.severity}</strong>
          {` ${f.title}${f.service ? ` (${f.service})` : ''}: ${f.message}`}
          <span class="sub">{`${f.file}:${f.line} — fix: ${f.fix}`}</span>
        </li>
      ))}
    </ul>
  );
}

const PROBE_STATUS: Readonly<
  Record<Exclude<ProbeView['status'], 'pending' | 'stopped' | 'not-running'>, Status>
> = {
  up: 'healthy',
  down: 'unhealthy',
  unknown: 'unknown',
};

/** The states of a probe that does not run (why, in words), neither up nor down. */
const IDLE: Readonly<Record<'pending' | 'stopped' | 'not-running', { icon: string; text: string }>> = {
  pending: { icon: '…', text: 'pending' },
  stopped: { icon: '■', text: 'stopped by berth down' },
  'not-running': { icon: '■', text: 'not running' },
};

/** A probe's status; one that does not run (pending, stopped, not running) says which, not up or down. */
function ProbeStatusCell({ status }: { status: ProbeView['status'] }) {
  if (status !== 'pending' && status !== 'stopped' && status !== 'not-running')
    return <StatusCell status={PROBE_STATUS[status]} />;
  return (
    <td data-status={status}>
      <span class="status status-unknown">
        <span aria-hidden="true">{IDLE[status].icon}</span> {IDLE[status].text}
      </span>
    </td>
  );
}

/** The last result, or why there is none: its stack runs nothing (and what to do), or it has not run yet. */
function lastText(p: ProbeView): string {
  if (p.last) return `${p.last.detail}${p.flapping ? ' (flapping)' : ''}`;
  return p.notRunning ? notRunningText(p.notRunning) : 'not run yet';
}

const percent = (share: number | null): string => (share === null ? '—' : `${(share * 100).toFixed(2)} %`);

export function ProbesTable({ probes }: { probes: readonly ProbeView[] }) {
  return (
    <div class="scroll">
      <table>
        <thead>
          <tr>
            <th scope="col">Probe</th>
            <th scope="col">Status</th>
            <th scope="col">Last result</th>
            <th scope="col">Uptime 24 h</th>
          </tr>
        </thead>
        <tbody>
          {probes.map((p) => (
            <tr data-probe={`${p.service}/${p.probe}`}>
              <td>{`${p.service}/${p.probe}${p.type ? ` (${p.type})` : ''}`}</td>
              <ProbeStatusCell status={p.status} />
              <td>
                {lastText(p)}
                {p.last?.output !== undefined ? (
                  // The API sends what the checked program printed to the stack's operators only.
                  <details>
                    <summary>Output</summary>
                    <pre>{p.last.output}</pre>
                  </details>
                ) : null}
              </td>
              <td>{percent(p.uptime['24h'])}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
