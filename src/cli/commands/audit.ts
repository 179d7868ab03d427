import { type Command, Option } from 'commander';
import type { DnsLookup, LiveFacts } from '../../audit/index.js';
import { SEVERITIES, type Severity } from '../../audit/types.js';
import type { Clock } from '../../clock.js';
import type { Engine } from '../../engine/model.js';
import type { CliIo, ExitCode } from '../io.js';
import { collect } from './options.js';

const FORMATS = ['md', 'json', 'sarif'] as const;
export type Format = (typeof FORMATS)[number];

export interface AuditFlags {
  readonly format: Format;
  readonly failOn: Severity;
  readonly baseline?: string;
  readonly writeBaseline?: string;
  readonly live?: boolean;
  readonly dns?: boolean;
  readonly fix?: boolean;
  readonly dryRun?: boolean;
  readonly output?: string;
  readonly profile?: string[];
}

/**
 * What the command reaches outside the files: the engine (for --live) and the time of the report
 * (default: audit-run.ts's defaultAuditDeps, loaded with the command).
 */
export interface AuditDeps {
  readonly connect: (host: string | undefined) => Promise<Pick<Engine, 'containers' | 'images'>>;
  readonly clock: Pick<Clock, 'now'>;
  /** The latest restore drill per service, from Berth's state (for --live); default: none known. */
  readonly backups?: (
    env: Readonly<Record<string, string | undefined>>,
    cwd: string,
  ) => Pick<LiveFacts, 'backups' | 'backupsUnread'>;
  /** DNS lookups for the mail rules (for --dns and --live); default: none, and the mail rules are skipped. */
  readonly lookupDns?: DnsLookup;
}

export function registerAudit(
  program: Command,
  io: CliIo,
  setExit: (code: ExitCode) => void,
  deps?: AuditDeps,
): void {
  program
    .command('audit')
    .description(
      'check stacks against the operating standards and a security baseline; exit 0 nothing at or above --fail-on, 1 findings, 2 cannot audit',
    )
    .argument('[path]', 'catalog, estate folder, stack folder or compose file (default: the workspace)')
    .addOption(new Option('--format <format>', 'report format').choices(FORMATS).default('md'))
    .addOption(
      new Option('--fail-on <severity>', 'least severe finding that fails the audit')
        .choices(SEVERITIES)
        .default('high'),
    )
    .option('--baseline <file>', 'hide findings whose fingerprint is in this baseline file')
    .option('--write-baseline <file>', 'write the fingerprints of the current findings to this file')
    .option(
      '--live',
      'compare with what runs on the engine (DOCKER_HOST or the default socket); includes --dns',
    )
    .option('--dns', 'check the SPF, DKIM and DMARC of x-berth.mail domains in DNS (needs no engine)')
    .option('--fix', 'apply the safe fixes (pin images to what runs, chmod 600 .env, no-new-privileges)')
    .option('--dry-run', 'with --fix: print the diff and change nothing')
    .option('-o, --output <file>', 'write the report to a file instead of stdout')
    .option('--profile <name>', 'enable a compose profile (repeatable)', collect)
    .action(async (path: string | undefined, flags: AuditFlags, command: Command) => {
      const globals = command.parent?.opts<{ workspace?: string }>() ?? {};
      const version = command.parent?.version() ?? '0.0.0';
      const { runAudit } = await import('./audit-run.js');
      setExit(await runAudit(io, deps, version, path, globals, flags));
    });
}
