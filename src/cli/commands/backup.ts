import type { Command } from 'commander';
import { describeFacts } from '../../api/backup-facts.js';
import type { BackupPolicyView, BackupView, PruneResult, RestoreResult } from '../../api/backups.js';
import { backupProgress } from '../backup-progress.js';
import { type CliIo, ExitCode } from '../io.js';
import { rawIo } from '../printable.js';
import { type ClientFactory, withClient } from './deploy.js';
import { formatTable, parseCount, printJson } from './remote.js';

const when = (iso: string | undefined) =>
  iso === undefined ? '-' : iso.replace('T', ' ').replace(/\.\d+Z$/, 'Z');
const size = (bytes: number | undefined) =>
  bytes === undefined
    ? '-'
    : bytes < 1024
      ? `${bytes} B`
      : bytes < 1_048_576
        ? `${(bytes / 1024).toFixed(1)} KiB`
        : `${(bytes / 1_048_576).toFixed(1)} MiB`;

/** What a backup holds, in a few words. */
function holds(b: BackupView): string {
  return b.manifest ? describeFacts(b.manifest.facts) : '-';
}

/** The state a backup is trusted by: good only once its drill passed. */
function state(b: BackupView): string {
  if (b.status !== 'completed') return b.status;
  if (b.drill.status === 'passed') return 'good (drill passed)';
  if (b.drill.status === 'failed') return 'DRILL FAILED';
  if (b.drill.status === 'running') return 'drilling';
  return 'not drilled';
}

export function formatPolicies(policies: readonly BackupPolicyView[]): string {
  if (policies.length === 0) return 'no backup policies (add x-berth.backup to a service)\n';
  return formatTable(
    ['SERVICE', 'KIND', 'SCHEDULE', 'DRILL', 'RETAIN', 'NEXT', 'LAST GOOD'],
    policies.map((p) => [
      p.service,
      p.kind ?? '(set kind)',
      p.schedule ?? 'manual',
      p.drill,
      Object.entries(p.retain)
        .map(([k, v]) => `${k} ${v}`)
        .join(', ') || '-',
      when(p.nextRunAt),
      p.lastGood ? `${p.lastGood.id}` : 'none',
    ]),
  );
}

export function formatBackups(backups: readonly BackupView[]): string {
  if (backups.length === 0) return 'no backups yet\n';
  const rows = formatTable(
    ['ID', 'SERVICE', 'KIND', 'TRIGGER', 'STATE', 'SIZE', 'HOLDS'],
    backups.map((b) => [b.id, b.service, b.kind, b.trigger, state(b), size(b.size), holds(b)]),
  );
  const reasons = backups
    .filter((b) => b.reason || b.drill.reason)
    .map((b) => `${b.id}: ${b.reason ?? `drill: ${b.drill.reason}`}`);
  return reasons.length > 0 ? `${rows}${reasons.join('\n')}\n` : rows;
}

export function formatBackup(b: BackupView): string {
  const m = b.manifest;
  const lines = [
    `backup ${b.id} of ${b.stack}/${b.service} (${b.kind}, ${b.trigger})`,
    `  state:    ${state(b)}${b.reason ? ` — ${b.reason}` : ''}`,
    `  taken:    ${when(b.startedAt)} → ${when(b.finishedAt)}`,
    `  store:    ${b.store}`,
  ];
  if (m) {
    lines.push(
      `  file:     ${m.artifact.file} (${size(m.artifact.size)}, ${m.artifact.compression}, age to ${m.artifact.recipients.length} recipient${m.artifact.recipients.length === 1 ? '' : 's'})`,
      `  sha256:   ${m.artifact.sha256}`,
      `  tool:     ${m.tool}${m.server ? ` against ${m.server}` : ''}`,
      `  image:    ${m.image}`,
      `  holds:    ${holds(b)}${m.artifact.plainSize ? ` (${size(m.artifact.plainSize)} plain)` : ''}`,
    );
    for (const [table, rows] of Object.entries(m.facts.tables ?? {}))
      lines.push(`            ${table}: ${rows}`);
    if (m.config)
      lines.push(
        `  config:   ${m.config.file} (${size(m.config.size)}, encrypted): ${m.config.files.join(', ')}`,
      );
  }
  lines.push(
    `  drill:    ${b.drill.status}${b.drill.at ? ` at ${when(b.drill.at)}` : ''}${b.drill.durationMs !== undefined ? ` in ${(b.drill.durationMs / 1000).toFixed(1)}s` : ''}${b.drill.reason ? ` — ${b.drill.reason}` : ''}`,
  );
  return `${lines.join('\n')}\n`;
}

export function formatPrune(result: PruneResult): string {
  if (result.decisions.length === 0) return 'no backups to prune\n';
  const lines = result.decisions.map(
    (d) =>
      `${d.keep ? 'keep  ' : result.dryRun ? 'would remove' : 'removed'} ${d.id} (${d.service}): ${d.reasons.join('; ')}`,
  );
  return `${lines.join('\n')}\n`;
}

export function formatRestore(r: RestoreResult): string {
  const head =
    r.outcome === 'restored'
      ? `restored backup ${r.backup} into ${r.stack}/${r.service}`
      : r.outcome === 'dry-run'
        ? `dry run: backup ${r.backup} verified and ${r.stack}/${r.service} checked; a restore would take a safety backup first`
        : `RESTORE FAILED: ${r.reason}; the safety backup ${r.safetyBackup} was put back into ${r.stack}/${r.service}`;
  const lines = [head];
  if (r.safetyBackup && r.outcome === 'restored') lines.push(`  safety backup: ${r.safetyBackup}`);
  lines.push(
    `  ${r.outcome === 'dry-run' ? 'would stop' : 'stopped and started again'}: ${r.stopped.join(', ') || 'none'}`,
  );
  lines.push(`  checks: ${r.checks.join(', ')}`);
  return `${lines.join('\n')}\n`;
}

/** `berth backup run|list|show|drill|prune|restore`. */
export function registerBackup(
  program: Command,
  io: CliIo,
  setExit: (code: ExitCode) => void,
  factory: ClientFactory,
): void {
  const backup = program
    .command('backup')
    .description('backups (x-berth.backup): take one now, list them, drill one, prune by retention');
  /**
   * Runs a backup, drill or restore: its steps go to stderr (with a bar on a terminal; nothing with
   * --json), and Ctrl-C stops one made in-process (it is recorded as failed).
   */
  const watched = async <T>(
    json: boolean | undefined,
    work: (signal: AbortSignal, follow?: (message: string) => void) => Promise<T>,
  ): Promise<T> => {
    const controller = new AbortController();
    const stop = () => controller.abort(new Error('interrupted'));
    const shown = json
      ? undefined
      : backupProgress({
          // Raw: the bar redraws itself with control characters; backupProgress makes the rest printable.
          write: rawIo(io).stderr,
          tty: io.terminal !== undefined,
          ...(io.terminal ? { columns: io.terminal.columns } : {}),
        });
    process.once('SIGINT', stop);
    try {
      return await work(controller.signal, shown?.onMessage);
    } finally {
      process.off('SIGINT', stop);
      shown?.stop();
    }
  };

  backup
    .command('run')
    .description('back a service up now (then drill it, when its policy says after-each)')
    .argument('<stack>', 'stack name')
    .argument('<service>', 'the service whose policy to run')
    .option('--json', 'print the backup as JSON')
    .action(async (stack: string, service: string, options: { json?: boolean }, command: Command) => {
      const b = await watched(options.json, (signal, follow) =>
        withClient(factory, command, (c) => c.backupRun(stack, service, follow, signal)),
      );
      if (options.json) printJson(io, b);
      else io.stdout(formatBackup(b));
      // A backup is good once its drill passed; one that was not drilled is taken, not proven.
      setExit(b.status === 'completed' && b.drill.status !== 'failed' ? ExitCode.Ok : ExitCode.Invalid);
    });

  backup
    .command('list')
    .description('the backup policies of a stack and its backups, newest first')
    .argument('<stack>', 'stack name')
    .option('--service <name>', 'only this service')
    .option('--limit <n>', 'how many backups', parseCount(1), 50)
    .option('--json', 'print JSON')
    .action(
      async (
        stack: string,
        options: { service?: string; limit: number; json?: boolean },
        command: Command,
      ) => {
        const answer = await withClient(factory, command, (c) =>
          c.backupList(stack, {
            limit: options.limit,
            ...(options.service ? { service: options.service } : {}),
          }),
        );
        if (options.json) printJson(io, answer);
        else io.stdout(`${formatPolicies(answer.policies)}\n${formatBackups(answer.items)}`);
        setExit(ExitCode.Ok);
      },
    );

  backup
    .command('show')
    .description('one backup: its manifest and drill')
    .argument('<stack>', 'stack name')
    .argument('<id>', 'backup id (`berth backup list` shows them)')
    .option('--json', 'print JSON')
    .action(async (stack: string, id: string, options: { json?: boolean }, command: Command) => {
      const b = await withClient(factory, command, (c) => c.backupShow(stack, id));
      if (options.json) printJson(io, b);
      else io.stdout(formatBackup(b));
      setExit(ExitCode.Ok);
    });

  backup
    .command('drill')
    .description('restore a backup into scratch containers and compare it with its manifest')
    .argument('<stack>', 'stack name')
    .argument('<id>', 'backup id')
    .option('--json', 'print the backup as JSON')
    .action(async (stack: string, id: string, options: { json?: boolean }, command: Command) => {
      const b = await watched(options.json, (signal, follow) =>
        withClient(factory, command, (c) => c.backupDrill(stack, id, follow, signal)),
      );
      if (options.json) printJson(io, b);
      else io.stdout(formatBackup(b));
      setExit(b.drill.status === 'passed' ? ExitCode.Ok : ExitCode.Invalid);
    });

  backup
    .command('restore')
    .description(
      'restore a backup (admin): a safety backup first, dependents stopped, rolled back when anything fails',
    )
    .argument('<stack>', 'the stack the backup belongs to')
    .argument('<id>', 'backup id')
    .option('--service <name>', 'restore into this service (default: the backup’s own)')
    .option('--into-stack <stack>', 'restore into this stack (default: the backup’s own)')
    .option(
      '--dry-run',
      'verify the artifact, check the target (its container, tools and kind) and say what would happen, changing nothing',
    )
    .option('--json', 'print the result as JSON')
    .action(
      async (
        stack: string,
        id: string,
        options: { service?: string; intoStack?: string; dryRun?: boolean; json?: boolean },
        command: Command,
      ) => {
        const result = await watched(options.json, (signal, follow) =>
          withClient(factory, command, (c) =>
            c.backupRestore(
              stack,
              id,
              {
                dryRun: options.dryRun === true,
                ...(options.service ? { service: options.service } : {}),
                ...(options.intoStack ? { intoStack: options.intoStack } : {}),
              },
              follow,
              signal,
            ),
          ),
        );
        if (options.json) printJson(io, result);
        else io.stdout(formatRestore(result));
        setExit(result.outcome === 'rolled-back' ? ExitCode.Invalid : ExitCode.Ok);
      },
    );

  backup
    .command('prune')
    .description('remove the backups retention lets go (--dry-run: list them and why each stays)')
    .argument('<stack>', 'stack name')
    .option('--service <name>', 'only this service')
    .option('--dry-run', 'change nothing')
    .option('--json', 'print JSON')
    .action(
      async (
        stack: string,
        options: { service?: string; dryRun?: boolean; json?: boolean },
        command: Command,
      ) => {
        const result = await withClient(factory, command, (c) =>
          c.backupPrune(stack, {
            dryRun: options.dryRun === true,
            ...(options.service ? { service: options.service } : {}),
          }),
        );
        if (options.json) printJson(io, result);
        else io.stdout(formatPrune(result));
        setExit(ExitCode.Ok);
      },
    );
}
