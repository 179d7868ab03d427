// What `berth audit` does; loaded when it runs (audit.ts defines the command and its options).
import { writeFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { backupFacts } from '../../app/backup-facts.js';
import { engineConnection } from '../../app/engine-connection.js';
import { builtinXBerthRegistry } from '../../app/registry.js';
import {
  type AuditReport,
  type AuditRun,
  applyFixes,
  auditPath,
  BaselineError,
  collectLive,
  dnsLookup,
  formatFixDiff,
  formatJson,
  formatMarkdown,
  formatSarif,
  type LiveFacts,
  planFixes,
  readBaseline,
  SEVERITIES,
  unreadableStacks,
  writeBaseline,
} from '../../audit/index.js';
import { systemClock } from '../../clock.js';
import { cliConfig } from '../../config/cli.js';
import { isEngineError } from '../../engine/model.js';
import { type CliIo, ExitCode } from '../io.js';
import { cannotWrite } from '../write-error.js';
import type { AuditDeps, AuditFlags, Format } from './audit.js';
import { CommandError } from './remote.js';
import { printDiagnostics } from './shared.js';

export function defaultAuditDeps(): AuditDeps {
  const clock = systemClock();
  return {
    connect: (host) => engineConnection({ clock, ...(host ? { host } : {}) })(),
    clock,
    backups: (env, cwd) => backupFacts(cliConfig(env, cwd).stateDir, clock),
    lookupDns: dnsLookup(),
  };
}

/** The exit code for "could not audit as asked": the path, the engine or a baseline. */
const CANNOT_AUDIT = ExitCode.Usage;

const FORMATTERS: Record<Format, (report: AuditReport) => string> = {
  md: formatMarkdown,
  json: formatJson,
  sarif: formatSarif,
};

function fail(io: CliIo, error: unknown): ExitCode {
  const coded = error as { code?: unknown; hint?: unknown };
  if (error instanceof Error && typeof coded.code === 'string' && typeof coded.hint === 'string') {
    io.stderr(`error ${coded.code}: ${error.message}\n  hint: ${coded.hint}\n`);
    return CANNOT_AUDIT;
  }
  throw error;
}

export class AuditCommand {
  constructor(
    private readonly io: CliIo,
    private readonly deps: AuditDeps,
    private readonly version: string,
  ) {}

  async run(path: string, flags: AuditFlags): Promise<ExitCode> {
    let live: LiveFacts | undefined;
    let baseline: Set<string> | undefined;
    try {
      if (flags.live) {
        const engine = await collectLive(await this.deps.connect(this.io.env.DOCKER_HOST));
        live = { ...engine, ...(this.deps.backups?.(this.io.env, this.io.cwd) ?? { backups: [] }) };
      }
      if (flags.baseline) baseline = await readBaseline(resolve(this.io.cwd, flags.baseline));
    } catch (error: unknown) {
      if (error instanceof BaselineError || isEngineError(error)) return fail(this.io, error);
      throw error;
    }
    const audit = await this.audit(path, flags, live, baseline);
    if (!audit) return CANNOT_AUDIT;
    if (flags.fix || flags.dryRun) return this.fix(path, flags, audit, live, baseline);

    if (flags.writeBaseline) {
      const file = resolve(this.io.cwd, flags.writeBaseline);
      const kept = [...audit.result.findings, ...audit.result.baselined].map((f) => f.fingerprint);
      await writeBaseline(file, kept).catch((error: unknown) => {
        throw cannotWrite(error, file, 'the baseline', '--write-baseline');
      });
      this.io.stderr(`wrote ${kept.length} fingerprints to ${flags.writeBaseline}\n`);
    }
    await this.emit(audit.report, flags);
    if (this.notAudited(audit, path)) return ExitCode.Invalid;
    // Findings just written to the baseline are accepted: writing one is not a failure.
    return flags.writeBaseline ? ExitCode.Ok : audit.result.summary.exitCode;
  }

  /** Says on stderr which stacks were not audited; true when there are some (the audit then fails). */
  private notAudited(audit: AuditRun, path: string): boolean {
    const count = unreadableStacks(audit.unreadable);
    if (count === 0) return false;
    this.io.stderr(
      `error: ${count} ${count === 1 ? 'stack' : 'stacks'} in ${path} could not be read and ${count === 1 ? 'was' : 'were'} not audited (listed at the end of the report)\n  hint: run \`berth validate ${path}\` and fix the errors; the audit fails until every stack loads\n`,
    );
    return true;
  }

  private async audit(
    path: string,
    flags: AuditFlags,
    live: LiveFacts | undefined,
    baseline: Set<string> | undefined,
  ): Promise<AuditRun | undefined> {
    const run = await auditPath({
      path,
      load: {
        env: this.io.env,
        registry: builtinXBerthRegistry(),
        ...(flags.profile ? { profiles: flags.profile } : {}),
      },
      ...(live ? { live } : {}),
      ...((flags.live || flags.dns) && this.deps.lookupDns ? { lookupDns: this.deps.lookupDns } : {}),
      ...(baseline ? { baseline } : {}),
      failOn: flags.failOn,
      date: this.deps.clock.now(),
      version: this.version,
    });
    if (run.snapshot.stacks.length > 0) return run;
    printDiagnostics(this.io, run.unreadable);
    this.io.stderr(`error: nothing to audit at ${path}: no compose stack could be read\n`);
    return undefined;
  }

  private async emit(report: AuditReport, flags: AuditFlags): Promise<void> {
    const text = FORMATTERS[flags.format](report);
    if (!flags.output) {
      this.io.stdout(text);
      return;
    }
    const file = resolve(this.io.cwd, flags.output);
    await writeFile(file, text, 'utf8').catch((error: unknown) => {
      throw cannotWrite(error, file, 'the report', '--output');
    });
    const { score, counts } = report.result.summary;
    const shown = SEVERITIES.filter((s) => counts[s] > 0).map((s) => `${counts[s]} ${s}`);
    this.io.stderr(
      `wrote ${flags.output}: health score ${score}/100, findings: ${shown.join(', ') || 'none'}\n`,
    );
  }

  private async fix(
    path: string,
    flags: AuditFlags,
    audit: AuditRun,
    live: LiveFacts | undefined,
    baseline: Set<string> | undefined,
  ): Promise<ExitCode> {
    const root = audit.snapshot.root;
    const plan = await planFixes(audit.snapshot, audit.result.findings);
    const diff = formatFixDiff(plan, root);
    this.io.stdout(diff === '' ? 'nothing to fix automatically\n' : diff);
    for (const note of plan.notes) this.io.stdout(`not fixed: ${note}\n`);
    if (plan.manual > 0) {
      this.io.stdout(
        `${plan.manual} findings need a manual change: run \`berth audit\` for the report and the exact fixes\n`,
      );
    }
    if (flags.dryRun) {
      this.io.stdout('dry run: nothing was changed\n');
      this.notAudited(audit, path);
      return audit.result.summary.exitCode;
    }
    for (const line of await applyFixes(plan, root)) this.io.stdout(`fixed ${line}\n`);
    // The exit code says what is left after the fixes.
    const after = plan.changes.length > 0 ? await this.audit(path, flags, live, baseline) : audit;
    if (!after) return CANNOT_AUDIT;
    if (flags.output) await this.emit(after.report, flags);
    const failing = after.result.findings.filter(
      (f) => SEVERITIES.indexOf(f.severity) <= SEVERITIES.indexOf(flags.failOn),
    );
    this.io.stdout(
      `${after.result.findings.length} findings remain, ${failing.length} at or above ${flags.failOn}\n`,
    );
    this.notAudited(after, path);
    return after.result.summary.exitCode;
  }
}

/** `berth audit [path]`: the workspace of the global flags when no path is given. */
export async function runAudit(
  io: CliIo,
  deps: AuditDeps | undefined,
  version: string,
  path: string | undefined,
  globals: { workspace?: string },
  flags: AuditFlags,
): Promise<ExitCode> {
  const target = path ? resolve(io.cwd, path) : cliConfig(io.env, io.cwd, globals).workspace;
  try {
    return await new AuditCommand(io, deps ?? defaultAuditDeps(), version).run(target, flags);
  } catch (error: unknown) {
    // A report or baseline that could not be written: not a finding, so not exit 1.
    if (error instanceof CommandError) return fail(io, error);
    throw error;
  }
}
