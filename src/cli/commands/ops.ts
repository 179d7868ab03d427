import { type Command, InvalidArgumentError } from 'commander';
import { type CliIo, ExitCode } from '../io.js';
import { rawIo } from '../printable.js';
import { type ClientFactory, liveProgress, withClient } from './deploy.js';
import { parseCount } from './remote.js';
import { formatRows } from './render.js';

const ISO_TIME = /^\d{4}-\d{2}-\d{2}(?:[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:?\d{2})?)?$/i;
const UNIT_MS: Readonly<Record<string, number>> = { s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };

/**
 * `--since`: a time ago (30s, 10m, 2h, 1d) or an ISO time, as epoch milliseconds; undefined when it
 * is neither.
 */
export function parseSince(value: string, now: number): number | undefined {
  const relative = /^(\d+)([smhd])$/.exec(value.trim());
  if (relative) return now - Number(relative[1]) * (UNIT_MS[relative[2] ?? ''] ?? 0);
  if (!ISO_TIME.test(value.trim())) return undefined;
  const at = Date.parse(value);
  return Number.isNaN(at) ? undefined : at;
}

/** The `--since` option's parser: a value that is not a time is a usage error (exit 2). */
function sinceOption(value: string): number {
  const at = parseSince(value, Date.now());
  if (at === undefined) {
    throw new InvalidArgumentError(
      'expected a time ago (30s, 10m, 2h, 1d) or an ISO time (2026-12-01T08:00:00Z)',
    );
  }
  return at;
}

export function registerOps(
  program: Command,
  io: CliIo,
  setExit: (code: ExitCode) => void,
  factory: ClientFactory,
): void {
  program
    .command('ps')
    .description("list Berth's containers (all stacks, or one)")
    .argument('[stack]', 'stack name')
    .option('--one-off', 'also one-off containers (jobs, restore drills)')
    .option('--json', 'print JSON rows')
    .action(
      async (stack: string | undefined, options: { json?: boolean; oneOff?: boolean }, command: Command) => {
        const rows = await withClient(factory, command, (c) =>
          c.ps(stack, options.oneOff ? { oneOff: true } : {}),
        );
        io.stdout(options.json ? `${JSON.stringify(rows, null, 2)}\n` : formatRows(rows));
        setExit(ExitCode.Ok);
      },
    );

  program
    .command('logs')
    .description('print the logs of a stack or one of its services')
    .argument('<stack>', 'stack name')
    .argument('[service]', 'service name')
    .option('-f, --follow', 'keep printing new lines')
    .option('--since <when>', 'only lines since a time ago (10m, 2h, 1d) or an ISO time', sinceOption)
    .option('--tail <n>', 'only the last n lines of each container', parseCount(0))
    .option('--one-off', 'also the logs of one-off containers (jobs, restore drills)')
    .option('--json', 'one JSON object per line: {container, service, stream, line}')
    .action(
      async (
        stack: string,
        service: string | undefined,
        options: { follow?: boolean; since?: number; tail?: number; json?: boolean; oneOff?: boolean },
        command: Command,
      ) => {
        const controller = new AbortController();
        const stop = () => controller.abort();
        process.once('SIGINT', stop);
        try {
          await withClient(factory, command, async (c) => {
            for await (const e of c.logs(stack, {
              ...(service ? { service } : {}),
              ...(options.follow ? { follow: true } : {}),
              ...(options.since !== undefined ? { since: options.since } : {}),
              ...(options.tail !== undefined ? { tail: options.tail } : {}),
              ...(options.oneOff ? { oneOff: true } : {}),
              signal: controller.signal,
            })) {
              if (options.json) io.stdout(`${JSON.stringify(e)}\n`);
              else (e.stream === 'stderr' ? io.stderr : io.stdout)(`${e.container} | ${e.line}\n`);
            }
          });
        } finally {
          process.off('SIGINT', stop);
        }
        setExit(ExitCode.Ok);
      },
    );

  program
    .command('restart')
    .description(
      'restart a service safely (dependents stopped first, then started again in order), or the whole stack',
    )
    .argument('<stack>', 'stack name')
    .argument('[service]', 'service name')
    .option('--json', 'print the result as JSON (no progress lines)')
    .action(
      async (stack: string, service: string | undefined, options: { json?: boolean }, command: Command) => {
        const shown = options.json ? undefined : liveProgress(io);
        const r = await withClient(factory, command, (c) =>
          c.restart(stack, { ...(service ? { service } : {}), ...(shown ? { onEvent: shown.onEvent } : {}) }),
        ).finally(() => shown?.stop());
        io.stdout(
          options.json ? `${JSON.stringify(r, null, 2)}\n` : `restarted: ${r.restarted.join(', ')}\n`,
        );
        setExit(ExitCode.Ok);
      },
    );

  program
    .command('exec')
    .description('run a command in a service container: berth exec STACK SERVICE -- ARGV...')
    .argument('<stack>', 'stack name')
    .argument('<service>', 'service name')
    .argument('<argv...>', 'the command and its arguments (after --)')
    .option('--json', 'print {exitCode, stdout, stderr, truncated} as JSON')
    .action(
      async (
        stack: string,
        service: string,
        argv: string[],
        options: { json?: boolean },
        command: Command,
      ) => {
        const r = await withClient(factory, command, (c) => c.exec(stack, service, argv));
        if (options.json) io.stdout(`${JSON.stringify(r, null, 2)}\n`);
        else {
          // Into a pipe or file the output is passed as it is, like `docker exec`; on a terminal it is
          // made printable like everything else.
          const out = io.terminal ? io : rawIo(io);
          out.stdout(r.stdout);
          out.stderr(r.stderr);
          // Berth's own status is 0 or 1: on a terminal, the command's own code is said (--json has it).
          if (r.exitCode !== 0 && io.terminal) io.stderr(`berth exec: ${argv[0]} exited ${r.exitCode}\n`);
        }
        setExit(r.exitCode === 0 ? ExitCode.Ok : ExitCode.Invalid);
      },
    );

  program
    .command('deployments')
    .description('the deployment history of a stack, newest first')
    .argument('<stack>', 'stack name')
    .option('--limit <n>', 'how many', parseCount(1), 20)
    .option('--before <id>', 'page: deployments older than this id', parseCount(1))
    .option('--json', 'print JSON')
    .action(
      async (
        stack: string,
        options: { limit: number; before?: number; json?: boolean },
        command: Command,
      ) => {
        const page = await withClient(factory, command, (c) =>
          c.deployments(stack, {
            limit: options.limit,
            ...(options.before ? { before: options.before } : {}),
          }),
        );
        if (options.json) io.stdout(`${JSON.stringify(page, null, 2)}\n`);
        else if (page.items.length === 0) io.stdout(`no deployments of ${stack}\n`);
        else {
          for (const d of page.items) {
            io.stdout(
              `#${d.id} ${d.startedAt} ${d.status}${d.trigger !== 'cli' ? ` (${d.trigger})` : ''}${d.summary ? ` — ${d.summary}` : ''}\n`,
            );
            for (const s of d.services.filter((x) => x.outcome !== 'unchanged'))
              io.stdout(`    ${s.service}: ${s.outcome}${s.reason ? ` (${s.reason})` : ''}\n`);
            for (const r of d.recovery ?? []) io.stdout(`    ${r.at} ${r.message}\n`);
          }
          if (page.nextBefore) io.stdout(`more: --before ${page.nextBefore}\n`);
        }
        setExit(ExitCode.Ok);
      },
    );
}
