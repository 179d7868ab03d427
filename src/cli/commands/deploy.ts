import type { Command } from 'commander';
import { plural } from '../../api/backup-facts.js';
import { DeployInterruptedError } from '../../deploy/errors.js';
import type { BerthClient } from '../client.js';
import { type CliIo, ExitCode } from '../io.js';
import { rawIo } from '../printable.js';
import { progress } from '../progress.js';
import { formatPlan, formatRemoval, formatUp } from './render.js';

export interface GlobalFlags {
  readonly workspace?: string;
  readonly verbose?: number;
  readonly logLevel?: string;
  /** In-process against the local engine, not through `berth serve`. */
  readonly local?: boolean;
}

/** Deploy events as lines, plus a live status line when stdout is a terminal. */
export function liveProgress(io: CliIo) {
  return progress({
    // Raw: the status line redraws itself with control characters; progress makes the rest printable.
    write: rawIo(io).stdout,
    tty: io.terminal !== undefined,
    ...(io.terminal ? { columns: io.terminal.columns } : {}),
  });
}

/** Makes the client a command runs with; may load it first (main's default loads it on demand). */
export type ClientFactory = (flags: GlobalFlags) => BerthClient | Promise<BerthClient>;

/** Runs an action with a client, and always closes it. */
export async function withClient<T>(
  factory: ClientFactory,
  command: Command,
  action: (client: BerthClient) => Promise<T>,
): Promise<T> {
  const client = await factory(command.optsWithGlobals() as GlobalFlags);
  try {
    return await action(client);
  } finally {
    await client.close();
  }
}

/**
 * SIGINT and SIGTERM abort `signal` once, saying so; a second signal finds no handler and ends the
 * process at once (Node's default). `release` removes the handlers. The abort's reason is the coded
 * DEPLOY_INTERRUPTED of `stack`: the deploy ends with it, and the CLI shows it and exits 128 + the
 * signal's number (never as an internal error: an operator's Ctrl-C is no bug).
 */
export function interruptible(io: CliIo, stack: string): { signal: AbortSignal; release(): void } {
  const controller = new AbortController();
  const stop = (name: NodeJS.Signals) => {
    release();
    io.stderr(`berth: ${name}: putting back what this deploy changed (once more to quit at once)\n`);
    controller.abort(new DeployInterruptedError(stack, name, 'berth --local'));
  };
  const release = () => {
    process.off('SIGINT', stop);
    process.off('SIGTERM', stop);
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  return { signal: controller.signal, release };
}

export function registerDeploy(
  program: Command,
  io: CliIo,
  setExit: (code: ExitCode) => void,
  factory: ClientFactory,
): void {
  program
    .command('plan')
    .description('show what `berth up` would change, with a reason per field difference (changes nothing)')
    .argument('<stack>', 'stack name in the workspace, or a stack folder / compose file')
    .option('--build', 'plan a rebuild of images with `build:`')
    .option('--json', 'print the plan as JSON')
    .action(async (stack: string, options: { json?: boolean; build?: boolean }, command: Command) => {
      const plan = await withClient(factory, command, (c) =>
        c.plan(stack, { ...(options.build ? { build: true } : {}) }),
      );
      io.stdout(options.json ? `${JSON.stringify(plan, null, 2)}\n` : formatPlan(plan));
      setExit(plan.problems.length > 0 ? ExitCode.Invalid : ExitCode.Ok);
    });

  program
    .command('up')
    .description('deploy a stack in dependency order, gate on health, roll the whole stack back on failure')
    .argument('<stack>', 'stack name in the workspace, or a stack folder / compose file')
    .option('--dry-run', 'print the plan and change nothing')
    .option('--build', 'rebuild images of services with `build:`')
    .option('--skip-backup', 'do not back up first the replaced services that have a backup policy')
    .option('--json', 'print the result as JSON')
    .action(
      async (
        stack: string,
        options: { dryRun?: boolean; build?: boolean; skipBackup?: boolean; json?: boolean },
        command: Command,
      ) => {
        await withClient(factory, command, async (client) => {
          if (options.dryRun) {
            const plan = await client.plan(stack, { ...(options.build ? { build: true } : {}) });
            io.stdout(
              options.json
                ? `${JSON.stringify(plan, null, 2)}\n`
                : formatPlan(plan, { ...(options.skipBackup ? { skipBackup: true } : {}) }),
            );
            return setExit(plan.problems.length > 0 ? ExitCode.Invalid : ExitCode.Ok);
          }
          const shown = options.json ? undefined : liveProgress(io);
          // In-process (--local), Ctrl-C or SIGTERM ends the deploy the way a stopping server does:
          // what it changed is put back and it is recorded as interrupted. Through a server, the
          // deploy is the server's: stopping the CLI only stops following it.
          const local = (command.optsWithGlobals() as GlobalFlags).local === true;
          const interrupt = local ? interruptible(io, stack) : undefined;
          const result = await client
            .up(stack, {
              ...(options.build ? { build: true } : {}),
              ...(options.skipBackup ? { skipBackup: true } : {}),
              ...(shown ? { onEvent: shown.onEvent } : {}),
              ...(interrupt ? { signal: interrupt.signal } : {}),
            })
            .finally(() => {
              interrupt?.release();
              shown?.stop();
            });
          io.stdout(options.json ? `${JSON.stringify(result, null, 2)}\n` : formatUp(result));
          setExit(
            result.outcome === 'succeeded' || result.outcome === 'unchanged' ? ExitCode.Ok : ExitCode.Invalid,
          );
        });
      },
    );

  program
    .command('down')
    .description(
      "stop and remove a stack's containers and networks (volumes only with --volumes; only Berth's)",
    )
    .argument('<stack>', 'stack name')
    .option('--volumes', "also remove the stack's named volumes (their data is lost)")
    .option('--dry-run', 'list what would be removed, change nothing')
    .option('--json', 'print what was (or would be) removed as JSON')
    .action(
      async (
        stack: string,
        options: { volumes?: boolean; dryRun?: boolean; json?: boolean },
        command: Command,
      ) => {
        const shown = options.json ? undefined : liveProgress(io);
        const r = await withClient(factory, command, (c) =>
          c.down(stack, {
            ...(options.volumes ? { volumes: true } : {}),
            ...(options.dryRun ? { dryRun: true } : {}),
            ...(shown ? { onEvent: shown.onEvent } : {}),
          }),
        ).finally(() => shown?.stop());
        if (options.json)
          io.stdout(`${JSON.stringify({ ...r, dryRun: options.dryRun === true }, null, 2)}\n`);
        else if (options.dryRun) io.stdout(formatRemoval(r, options.volumes === true));
        else if (r.containers.length + r.networks.length + r.volumes.length === 0)
          io.stdout(
            `${stack}: nothing to remove (no container, network or volume of Berth's carries this stack name)\n`,
          );
        else
          io.stdout(
            `${stack}: removed ${plural(r.containers.length, 'container')}, ${plural(r.networks.length, 'network')}, ${plural(r.volumes.length, 'volume')}${options.volumes ? '' : ' (volumes kept)'}\n`,
          );
        setExit(ExitCode.Ok);
      },
    );
}
