import type { Command } from 'commander';
import { type CliIo, ExitCode } from '../io.js';
import { formatTable, parseCount, printJson, remoteApi } from './remote.js';

interface AuditLogOptions {
  readonly limit?: number;
  readonly before?: number;
  readonly actor?: string;
  readonly action?: string;
  readonly target?: string;
  readonly json?: boolean;
}

/** `berth audit-log`: who did what on the server, newest first (needs admin on every stack). */
export function registerAuditLog(program: Command, io: CliIo, setExit: (code: ExitCode) => void): void {
  program
    .command('audit-log')
    .description("the server's audit log, newest first: who did what, to what, and how it ended (admins)")
    .option('--limit <n>', 'entries per page, 1 to 1000 (default 100)', parseCount(1))
    .option('--before <id>', 'only entries older than this id (the "more:" line gives it)', parseCount(1))
    .option('--actor <name>', 'only this actor (a username)')
    .option('--action <action>', 'only this action (e.g. createUser, deleteUser, login)')
    .option('--target <target>', 'only this target (e.g. a username or a stack)')
    .option('--json', 'print the page as JSON: { items, nextBefore? }')
    .action(async (o: AuditLogOptions) => {
      const { AuditLogPageSchema } = await import('../../api/audit-log.js');
      const page = await (await remoteApi(io)).json('GET', '/api/v1/audit-log', AuditLogPageSchema, {
        query: { limit: o.limit, before: o.before, actor: o.actor, action: o.action, target: o.target },
      });
      if (o.json) printJson(io, page);
      else if (page.items.length === 0) io.stdout('no audit-log entries\n');
      else {
        const rows = page.items.map((e) => [
          e.at,
          e.actor,
          e.action,
          e.target ?? '-',
          e.outcome,
          e.requestId,
        ]);
        io.stdout(formatTable(['TIME', 'ACTOR', 'ACTION', 'TARGET', 'OUTCOME', 'REQUEST ID'], rows));
        if (page.nextBefore !== undefined) io.stdout(`more: --before ${page.nextBefore}\n`);
      }
      setExit(ExitCode.Ok);
    });
}
