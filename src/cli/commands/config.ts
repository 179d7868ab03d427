import type { Command } from 'commander';
import { type CliIo, ExitCode } from '../io.js';
import { collect } from './options.js';
import type { StackOptions } from './shared.js';

export function registerConfig(program: Command, io: CliIo, setExit: (code: ExitCode) => void): void {
  program
    .command('config')
    .description('print the normalized, interpolated stack model (like `docker compose config`)')
    .argument('[path]', 'compose file, stack folder or workspace', '.')
    .option(
      '--json',
      'print JSON: {"stacks":[{"name","dir","files","disabled","model"}]}; invalid files: {"valid":false,"files":[…]} as `validate --json` prints them (exit 1)',
    )
    .option('--profile <name>', 'enable a compose profile (repeatable)', collect)
    .option('--env-file <file>', 'use this env file instead of the stack .env (repeatable)', collect)
    .option(
      '--reveal',
      'show secret values (.env and env-file values, secret-looking variables) instead of ********',
    )
    .option('--warnings', 'also print warnings')
    .action(
      async (
        path: string,
        options: StackOptions & { json?: boolean; warnings?: boolean; reveal?: boolean },
      ) => {
        const [{ stringify }, { shownComposeView }, { failIfInvalid, loadForCommand, printDiagnostics }] =
          await Promise.all([import('yaml'), import('../../deploy/redact.js'), import('./shared.js')]);
        const load = await loadForCommand(io, path, options);
        const failed = failIfInvalid(io, load, { json: options.json === true });
        if (failed !== undefined) return setExit(failed);
        if (options.warnings) printDiagnostics(io, load.diagnostics);
        if (options.json) {
          const stacks = load.stacks.map((s) => ({
            name: s.name,
            dir: s.dir,
            files: s.files,
            disabled: s.disabled,
            model: shownComposeView(s, { reveal: options.reveal === true }),
          }));
          io.stdout(`${JSON.stringify({ stacks }, null, 2)}\n`);
        } else {
          // YAML 1.1 quoting keeps `yes`/`no`/`on` strings for older parsers (docker-compose 1.x, PyYAML).
          const docs = load.stacks.map((s) =>
            stringify(shownComposeView(s, { reveal: options.reveal === true }), {
              version: '1.1',
              lineWidth: 0,
              aliasDuplicateObjects: false,
            }),
          );
          io.stdout(docs.join('---\n'));
        }
        setExit(ExitCode.Ok);
      },
    );
}
