import type { Service } from '../../compose/schema/model.js';
import { everySensitiveValue } from '../../compose/sensitive.js';
import { valueMasker } from '../../secrets/mask.js';
import type { Coverage } from '../coverage.js';
import { isStateful } from '../rules/standards-data.js';
import type { Finding, StackFacts } from '../types.js';
import type { AuditReport } from './context.js';
import { reportPath } from './context.js';
import { code, table } from './markdown-util.js';

type Cell = string;

/** Every finding the rules produced, whatever became of it: the status table shows the facts. */
function allFindings(report: AuditReport): readonly Finding[] {
  const r = report.result;
  return [...r.findings, ...r.suppressed, ...r.baselined];
}

interface StatusContext {
  readonly ran: ReadonlySet<string>;
  readonly found: (rule: string, stack: string, service: string) => boolean;
}

/** `yes`/`no` from a rule: "no" when it found something, `?` when it did not run. */
function byRule(ctx: StatusContext, rule: string, stack: string, service: string, ok = 'yes'): Cell {
  if (!ctx.ran.has(rule)) return '?';
  return ctx.found(rule, stack, service) ? '**no**' : ok;
}

function pinned(ctx: StatusContext, stack: string, name: string, service: Service): Cell {
  if (!service.image) return 'built';
  if (service.image.includes('@')) return 'digest';
  return byRule(ctx, 'image-not-pinned', stack, name);
}

function healthcheck(ctx: StatusContext, stack: string, name: string, service: Service): Cell {
  if (service.healthcheck && !service.healthcheck.disable) {
    return ctx.found('healthcheck-timing', stack, name) ? 'yes (timing)' : 'yes';
  }
  if (ctx.found('healthcheck-missing', stack, name)) return '**no**';
  return ctx.ran.has('healthcheck-missing') ? 'n/a' : '?';
}

function backup(ctx: StatusContext, stack: string, name: string, service: Service): Cell {
  if (ctx.found('volume-no-backup', stack, name)) return '**no**';
  const stateful = (service.volumes ?? []).some(
    (v) => v.type === 'volume' && v.source && isStateful(service, v.target),
  );
  if (!stateful) return '—';
  return ctx.ran.has('volume-no-backup') ? 'yes' : '?';
}

function running(report: AuditReport, stack: string, service: string): Cell {
  const mine = (report.snapshot.live?.containers ?? []).filter(
    (c) => c.stack === stack && c.service === service,
  );
  const up = mine.filter((c) => c.state === 'running').length;
  return up === 0 ? '**no**' : mine.length === up ? 'yes' : `${up}/${mine.length}`;
}

function stackNotes(report: AuditReport, facts: StackFacts): string {
  const root = report.snapshot.root;
  const notes = [
    `compose: ${facts.loaded.files.map((f) => code(reportPath(root, f))).join(', ')}`,
    `README: ${facts.hasReadme ? 'yes' : '**no**'}`,
    ...(report.snapshot.catalogFile ? [`in catalog: ${facts.inCatalog ? 'yes' : '**no**'}`] : []),
    ...facts.envFiles.map((e) => `${code(reportPath(root, e.path))} mode ${(e.mode & 0o777).toString(8)}`),
  ];
  return notes.join(' · ');
}

/** "Technical status": one table per stack, a service per row. */
export function technicalStatus(report: AuditReport): string[] {
  const findings = allFindings(report);
  const keys = new Set(findings.map((f) => `${f.rule}|${f.stack}|${f.service ?? ''}`));
  const skipped = new Set(report.result.skipped.map((s) => s.rule));
  const ctx: StatusContext = {
    ran: new Set(report.rules.map((r) => r.id).filter((id) => !skipped.has(id))),
    found: (rule, stack, service) => keys.has(`${rule}|${stack}|${service}`),
  };
  const live = report.snapshot.live !== undefined;
  const head = [
    'Service',
    'Image',
    'Pinned',
    'Healthcheck',
    'Limits',
    'Backup',
    ...(live ? ['Running'] : []),
  ];
  const out: string[] = [];
  for (const facts of report.snapshot.stacks) {
    const services = Object.entries(facts.loaded.model.services ?? {}).sort(([a], [b]) => a.localeCompare(b));
    // An image reference may hold a `.env` value (`app:${TAG_SECRET}`): masked like every text Berth shows.
    const mask = valueMasker(everySensitiveValue(facts.loaded.sensitive));
    const rows = services.map(([name, service]) => [
      name,
      service.image ? code(mask(service.image)) : '(build)',
      pinned(ctx, facts.name, name, service),
      healthcheck(ctx, facts.name, name, service),
      byRule(ctx, 'no-resource-limits', facts.name, name),
      backup(ctx, facts.name, name, service),
      ...(live ? [running(report, facts.name, name)] : []),
    ]);
    out.push(`### ${facts.name}`, '', stackNotes(report, facts), '', ...table(head, rows), '');
  }
  if (out.length === 0) out.push('No stack could be audited.', '');
  out.push(
    '_Pinned_: a version tag or digest. _Backup_: yes = its stateful volumes are backed up, — = no stateful ' +
      'volume. `?` = the rule did not run.',
    '',
  );
  return out;
}

const ratio = (n: number, of: number): string =>
  of === 0 ? '—' : `${n}/${of} (${Math.round((n / of) * 100)}%)`;

/** "Coverage": how much of the estate meets each standard, per stack and in total. */
export function coverageSection(coverage: Coverage): string[] {
  const row = (name: string, c: Coverage | Coverage['perStack'][number]) => [
    name,
    String(c.services),
    ratio(c.pinned, c.services),
    ratio(c.healthchecked, c.services),
    ratio(c.backedUp, c.services),
    ratio(c.limited, c.services),
  ];
  return [
    ...table(
      ['Stack', 'Services', 'Pinned images', 'Healthchecks', 'Backups', 'Resource limits'],
      [...coverage.perStack.map((s) => row(s.stack, s)), row('**All stacks**', coverage)],
    ),
    '',
    'A service a standard does not apply to counts as meeting it (a built image, a one-shot job, a stateless service).',
    '',
  ];
}
