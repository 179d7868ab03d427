import type { Command } from 'commander';
import { Option } from 'commander';
import { formatGraph, GRAPH_FORMATS, type GraphFormat } from '../../compose/graph-format.js';
import { type CliIo, ExitCode } from '../io.js';
import { collect } from './options.js';
import type { StackOptions } from './shared.js';

export function registerGraph(program: Command, io: CliIo, setExit: (code: ExitCode) => void): void {
  program
    .command('graph')
    .description('print the dependency graph of each stack in start order (topological levels)')
    .argument('[path]', 'compose file, stack folder or workspace', '.')
    .addOption(new Option('--format <format>', 'output format').choices([...GRAPH_FORMATS]).default('text'))
    .option('--profile <name>', 'enable a compose profile (repeatable)', collect)
    .action(async (path: string, options: StackOptions & { format: GraphFormat }) => {
      const { failIfInvalid, loadForCommand } = await import('./shared.js');
      const load = await loadForCommand(io, path, options);
      const failed = failIfInvalid(io, load, { json: options.format === 'json' });
      if (failed !== undefined) return setExit(failed);
      if (options.format === 'json') {
        const graphs = Object.fromEntries(
          load.stacks.map((s) => [s.name, JSON.parse(formatGraph(s.graph, 'json'))]),
        );
        io.stdout(`${JSON.stringify(graphs, null, 2)}\n`);
        return setExit(ExitCode.Ok);
      }
      const many = load.stacks.length > 1;
      const comment = options.format === 'dot' ? '//' : options.format === 'mermaid' ? '%%' : '#';
      const parts = load.stacks.map(
        (s) => `${many ? `${comment} stack: ${s.name}\n` : ''}${formatGraph(s.graph, options.format)}\n`,
      );
      io.stdout(parts.join('\n'));
      setExit(ExitCode.Ok);
    });
}
