import type { ContainerRow, DownResult, PlanView, UpResult } from '../../api/deploy.js';
import { failureText } from '../../api/failure-text.js';
import type { Sendable } from '../../api/wire.js';
import type { DeployEvent } from '../../deploy/events.js';
import { planBackupLines } from './render-backups.js';

/** `berth plan` as an operator reads it: one line per change, with its reasons. */
export function formatPlan(
  plan: Sendable<PlanView>,
  options: { readonly skipBackup?: boolean } = {},
): string {
  const lines: string[] = [`plan for ${plan.stack}:`];
  for (const p of plan.problems)
    lines.push(`  ! ${p.code}: ${p.where ? `${p.where}: ` : ''}${p.message}`, `      hint: ${p.hint}`);
  for (const r of plan.resources)
    lines.push(`  + ${r.kind === 'create-network' ? 'network' : 'volume'} ${r.name}`);
  for (const p of plan.pulls) {
    const on = p.platform ? ` for ${p.platform}` : '';
    const fallback = p.required ? '' : ' (if it fails, the image the engine has is deployed)';
    lines.push(`  * pull ${p.image}${on} (${p.services.join(', ')}): ${p.reasons.join('; ')}${fallback}`);
  }
  for (const b of plan.builds) {
    const on = b.request.platform ? ` for ${b.request.platform}` : '';
    const fresh = b.request.noCache ? ' (without the build cache)' : '';
    lines.push(`  * build ${b.service} (${b.request.tag})${on}: ${b.reasons.join('; ')}${fresh}`);
  }
  const unchanged: string[] = [];
  for (const s of plan.services) {
    if (s.steps.length === 0) {
      unchanged.push(s.service);
      continue;
    }
    for (const step of s.steps) {
      const mark = step.kind === 'create' ? '+' : step.kind === 'recreate' ? '~' : '>';
      const how = step.kind === 'recreate' ? `recreate, ${step.strategy}` : step.kind;
      lines.push(`  ${mark} ${s.service}[${step.replica}] (${how}, level ${s.level})`);
      for (const reason of step.reasons) lines.push(`      ${reason}`);
    }
  }
  for (const r of plan.removals) lines.push(`  - ${r.current.name}: ${r.reasons.join('; ')}`);
  if (unchanged.length > 0) lines.push(`  = unchanged: ${unchanged.join(', ')}`);
  const changes = lines.length - 1 - (unchanged.length > 0 ? 1 : 0);
  if (changes === 0) lines.push('  nothing to change');
  lines.push(...planBackupLines(plan.backups, options));
  return `${lines.join('\n')}\n`;
}

export function formatEvent(e: DeployEvent): string {
  return `${e.service ? `[${e.service}] ` : ''}${e.message}\n`;
}

export function formatUp(r: UpResult): string {
  const lines = [
    `${r.stack}: ${r.outcome}${r.deploymentId !== undefined ? ` (deployment ${r.deploymentId})` : ''}`,
  ];
  if (r.failure) {
    lines.push(
      `  failed service: ${r.failure.service}${r.failure.container ? ` (${r.failure.container})` : ''}`,
    );
    lines.push(`  reason: ${failureText(r.failure)}`);
    if (r.failure.exitCode !== undefined) lines.push(`  exit code: ${r.failure.exitCode}`);
    if (r.failure.healthOutput) lines.push(`  last health check: ${r.failure.healthOutput}`);
    if (r.failure.logTail.length > 0)
      lines.push('  last log lines:', ...r.failure.logTail.map((l) => `    ${l}`));
  }
  if (r.rollbackProblem) lines.push(`  ROLLBACK PROBLEM: ${r.rollbackProblem}`);
  if (r.backups && r.backups.length > 0) {
    lines.push(`  backed up before the deploy: ${r.backups.map((b) => `${b.service} ${b.id}`).join(', ')}`);
    if (r.outcome === 'rolled-back' || r.outcome === 'failed') {
      lines.push(
        '  data is not restored automatically: `berth backup restore STACK ID` if the new version changed it',
      );
    }
  }
  return `${lines.join('\n')}\n`;
}

export function formatRows(rows: readonly ContainerRow[]): string {
  if (rows.length === 0) return 'no containers\n';
  const header = ['STACK', 'SERVICE', 'NAME', 'STATUS', 'PORTS'];
  const body = rows.map((r) => [r.stack, r.service, r.name, r.status, r.ports.join(', ')]);
  const widths = header.map((h, i) => Math.max(h.length, ...body.map((row) => (row[i] ?? '').length)));
  const line = (cells: readonly string[]) =>
    cells
      .map((c, i) => c.padEnd(widths[i] ?? 0))
      .join('  ')
      .trimEnd();
  return `${[line(header), ...body.map(line)].join('\n')}\n`;
}

/** `berth down --dry-run`: what `down` would remove, as `down` itself works it out. */
export function formatRemoval(r: DownResult, volumes: boolean): string {
  const part = (what: string, names: readonly string[]) =>
    names.length === 0 ? [] : [`${what} ${names.join(', ')}`];
  const parts = [
    ...part('containers', r.containers),
    ...part('networks', r.networks),
    ...part('volumes', r.volumes),
  ];
  const kept = volumes ? '' : ' (volumes kept; --volumes removes them)';
  const held = (r.kept ?? []).map(
    (k) =>
      `would keep ${k.kind} ${k.name}: ${k.holders.join(', ')} (not this stack's) ${k.kind === 'network' ? 'attached' : 'using it'}\n`,
  );
  return `would remove: ${parts.join('; ') || 'nothing'}${kept}\n${held.join('')}`;
}
