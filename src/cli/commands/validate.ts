import { resolve } from 'node:path';
import type { Command } from 'commander';
import { plural } from '../../api/backup-facts.js';
import type { ValidationReport } from '../../compose/validate.js';
import { type CliIo, ExitCode } from '../io.js';
import { collect } from './options.js';

function formatText(report: ValidationReport, showWarnings: boolean): string {
  const lines: string[] = [];
  let errors = 0;
  let warnings = 0;
  for (const file of report.files) {
    errors += file.errors.length;
    warnings += file.warnings.length;
    const shown = [
      ...file.errors.map((d) => ({ ...d, severity: 'error' })),
      ...(showWarnings ? file.warnings.map((d) => ({ ...d, severity: 'warning' })) : []),
    ];
    shown.sort((a, b) => a.line - b.line || a.column - b.column);
    for (const d of shown) {
      const at = d.line > 0 ? `${file.path}:${d.line}:${d.column}` : file.path;
      lines.push(`${at}: ${d.severity} ${d.code}: ${d.message}`);
      if (d.hint) lines.push(`    hint: ${d.hint}`);
    }
  }
  const invalid = report.files.filter((f) => !f.valid).length;
  lines.push(
    `${invalid === 0 ? 'valid' : 'invalid'}: ${plural(report.files.length, 'file')} checked, ${plural(errors, 'error')}, ${plural(warnings, 'warning')}`,
  );
  return `${lines.join('\n')}\n`;
}

export function registerValidate(program: Command, io: CliIo, setExit: (code: ExitCode) => void): void {
  program
    .command('validate')
    .description(
      'check compose files, stack folders or a workspace (berth.yaml); exit 0 valid, 1 invalid, 2 usage error',
    )
    .argument('[paths...]', 'files or folders to check', ['.'])
    .option('--json', 'print the report as JSON: {"files":[{"path","valid","errors","warnings"}]}')
    .option('-q, --quiet', 'do not print warnings (text output)')
    .option('--profile <name>', 'enable a compose profile (repeatable)', collect)
    .action(async (paths: string[], options: { json?: boolean; quiet?: boolean; profile?: string[] }) => {
      // Loaded when the command runs. The compose model and the x-berth sections are loaded by the
      // thread that reads the files: this one for a few paths, for many only the worker threads.
      const { isValid, validatePaths } = await import('../../compose/validate.js');
      const report = await validatePaths(
        paths.map((p) => resolve(io.cwd, p)),
        {
          env: io.env,
          cwd: io.cwd,
          ...(options.profile ? { profiles: options.profile } : {}),
          registrySource: {
            url: new URL('../../app/registry.js', import.meta.url).href,
            export: 'builtinXBerthRegistry',
          },
        },
      );
      io.stdout(
        options.json ? `${JSON.stringify(report, null, 2)}\n` : formatText(report, options.quiet !== true),
      );
      setExit(isValid(report) ? ExitCode.Ok : ExitCode.Invalid);
    });
}
