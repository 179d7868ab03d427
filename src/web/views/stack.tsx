import type { z } from 'zod';
import type { StackBackupsSchema } from '../../api/backups.js';
import type { ContainerRow, DeploymentView, LogEntry, PlanView } from '../../api/deploy.js';
import type { FindingView } from '../../api/findings.js';
import type { ProbeView } from '../../api/health.js';
import type { JobSummary } from '../../api/jobs.js';
import type { OperationSummary } from '../../api/operations.js';
import type { AssetTable } from '../assets.js';
import { serviceStatus } from '../status.js';
import { ErrorBox, Section, StatusCell } from './components.js';
import { DeploymentList, OperationList } from './deployments.js';
import { Layout, type PageUser } from './layout.js';
import { BackupsPanel, FindingsList, JobsTable, LogTail, ProbesTable } from './panels.js';
import { PlanList } from './plan.js';

/** A part of the page the API could not give: what it said instead. */
export type Loaded<T> =
  | { readonly ok: true; readonly value: T }
  | { readonly ok: false; readonly error: string };

export interface StackPageData {
  readonly name: string;
  readonly description: string | null;
  readonly group: string | null;
  readonly owner: string | null;
  readonly environment: string | null;
  readonly services: readonly string[];
  /** Undefined when the engine did not answer (then `containersError` says why). */
  readonly containers: readonly ContainerRow[] | undefined;
  readonly containersError?: string | undefined;
  readonly plan: Loaded<PlanView>;
  readonly deployments: readonly DeploymentView[];
  /** The newest operations (deploys, restarts, job runs, backups…), each with its page. */
  readonly operations?: readonly OperationSummary[] | undefined;
  /** Present for operators only. */
  readonly logs?: Loaded<readonly LogEntry[]> | undefined;
  /** Absent when this server does not audit (the API has no findings route). */
  readonly findings?: readonly FindingView[] | undefined;
  readonly jobs?: readonly JobSummary[] | undefined;
  readonly backups?: z.output<typeof StackBackupsSchema> | undefined;
  readonly probes?: readonly ProbeView[] | undefined;
  /** May deploy, restart and take it down, run its jobs, back up and drill. */
  readonly operator: boolean;
}

const ACTIONS = [
  ['up', 'Deploy'],
  ['restart', 'Restart'],
  ['down', 'Down'],
] as const;

/** Deploy, Restart, Down, Prune images: each leads to a confirmation page that shows what it would do. */
function Actions({ stack }: { stack: string }) {
  const base = `/stacks/${encodeURIComponent(stack)}`;
  return (
    <div class="actions">
      {ACTIONS.map(([action, label]) => (
        <form method="get" action={`${base}/confirm/${action}`} class="inline">
          <button type="submit" class={action === 'down' ? 'danger' : undefined}>
            {label}
          </button>
        </form>
      ))}
      <form method="get" action={`${base}/images`} class="inline">
        <button type="submit">Prune images</button>
      </form>
    </div>
  );
}

function ServicesTable(props: {
  services: readonly string[];
  containers: readonly ContainerRow[] | undefined;
}) {
  const containers = props.containers ?? [];
  const names = [...new Set([...props.services, ...containers.map((c) => c.service)])];
  return (
    <div class="scroll">
      <table>
        <thead>
          <tr>
            <th scope="col">Service</th>
            <th scope="col">Status</th>
            <th scope="col">Containers</th>
            <th scope="col">Ports</th>
            <th scope="col">Image</th>
          </tr>
        </thead>
        <tbody>
          {names.map((service) => {
            const rows = containers.filter((c) => c.service === service);
            return (
              <tr data-service={service}>
                <td>{service}</td>
                <StatusCell status={props.containers ? serviceStatus(rows) : 'unknown'} />
                <td>
                  {rows.length === 0
                    ? props.containers
                      ? 'none'
                      : 'unknown'
                    : rows.map((r) => <span class="line">{`${r.name}: ${containerText(r)}`}</span>)}
                </td>
                <td>{rows.flatMap((r) => r.ports).join(', ') || '—'}</td>
                <td>{[...new Set(rows.map((r) => r.image))].join(', ') || '—'}</td>
              </tr>
            );
          })}
        </tbody>
      </table>
    </div>
  );
}

/** State and health, then the engine's status only when it says more (it often repeats them). */
export function containerText(r: Pick<ContainerRow, 'state' | 'health' | 'status'>): string {
  const head = `${r.state}${r.health ? ` (${r.health})` : ''}`;
  return r.status && r.status !== head ? `${head}, ${r.status}` : head;
}

function Catalog({ data }: { data: StackPageData }) {
  const facts = [
    ['Group', data.group],
    ['Owner', data.owner],
    ['Environment', data.environment],
  ].filter((f): f is [string, string] => f[1] !== null);
  if (facts.length === 0) return null;
  return (
    <dl class="facts">
      {facts.map(([k, v]) => (
        <>
          <dt>{k}</dt>
          <dd>{v}</dd>
        </>
      ))}
    </dl>
  );
}

export function StackPage(props: { assets: AssetTable; user: PageUser; data: StackPageData }) {
  const d = props.data;
  const actions = d.operator ? { stack: d.name, csrf: props.user.csrf } : undefined;
  return (
    <Layout title={d.name} assets={props.assets} user={props.user}>
      <p class="crumbs">
        <a href="/">Stacks</a> /
      </p>
      <h1>{d.name}</h1>
      {d.description ? <p>{d.description}</p> : null}
      <Catalog data={d} />
      {d.operator ? <Actions stack={d.name} /> : null}
      <Section id="services" title="Services">
        {d.containersError ? (
          <ErrorBox message={`Containers could not be read: ${d.containersError}`} />
        ) : null}
        <ServicesTable services={d.services} containers={d.containers} />
      </Section>
      <Section id="plan" title="Plan">
        {d.plan.ok ? <PlanList plan={d.plan.value} /> : <ErrorBox message={d.plan.error} />}
      </Section>
      {d.operations ? (
        <Section id="operations" title="Operations">
          <OperationList stack={d.name} items={d.operations} />
        </Section>
      ) : null}
      <Section id="deployments" title="Deployments">
        <DeploymentList items={d.deployments} />
      </Section>
      {d.logs ? (
        <Section id="logs" title="Logs">
          {d.logs.ok ? <LogTail lines={d.logs.value} /> : <ErrorBox message={d.logs.error} />}
        </Section>
      ) : null}
      {d.findings ? (
        <Section id="findings" title="Findings">
          <FindingsList findings={d.findings} />
        </Section>
      ) : null}
      {d.jobs && d.jobs.length > 0 ? (
        <Section id="jobs" title="Jobs">
          <JobsTable jobs={d.jobs} actions={actions} />
        </Section>
      ) : null}
      {d.backups && (d.backups.policies.length > 0 || d.backups.items.length > 0) ? (
        <Section id="backups" title="Backups">
          <BackupsPanel stack={d.name} backups={d.backups} actions={actions} />
        </Section>
      ) : null}
      {d.probes && d.probes.length > 0 ? (
        <Section id="probes" title="Probes">
          <ProbesTable probes={d.probes} />
        </Section>
      ) : null}
    </Layout>
  );
}
