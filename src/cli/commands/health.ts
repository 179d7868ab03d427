import type { Command } from 'commander';
import type { HealthList, ProbeDetail, ProbeView } from '../../api/health.js';
import { notRunningShort, notRunningText } from '../../api/not-running-text.js';
import { type CliIo, ExitCode } from '../io.js';
import { type ClientFactory, withClient } from './deploy.js';
import { formatTable, printJson } from './remote.js';

const when = (iso: string | undefined) =>
  iso === undefined ? '-' : iso.replace('T', ' ').replace(/\.\d+Z$/, 'Z');

/** `99.95%`, rounded down (99.96 never shows as 100%); `-` when the period has no result. */
export function percent(ratio: number | null): string {
  if (ratio === null) return '-';
  return `${(Math.floor(ratio * 10_000) / 100).toFixed(2)}%`;
}

const state = (p: ProbeView) =>
  `${p.status.toUpperCase()}${p.flapping ? ' (flapping)' : ''}${p.watched ? '' : ' (not watched)'}`;

const last = (p: ProbeView) => {
  if (!p.last && p.notRunning) return notRunningShort(p.notRunning);
  if (!p.last) return p.status === 'pending' ? 'not run yet' : '-';
  const took = p.last.latencyMs !== undefined ? ` ${Math.round(p.last.latencyMs)}ms` : '';
  return `${p.last.ok ? 'ok' : p.last.detail}${took}`;
};

/** `berth health`: one line per probe; crash-looping containers under it. */
export function formatHealth(list: HealthList): string {
  if (list.items.length === 0) {
    return 'no probes yet (every deployed container gets one; define more under a service’s x-berth.probes)\n';
  }
  const table = formatTable(
    ['STACK', 'SERVICE', 'PROBE', 'TYPE', 'STATE', 'SINCE', '24H', '7D', '30D', 'LAST RESULT'],
    list.items.map((p) => [
      p.stack,
      p.service,
      p.probe,
      p.type ?? '-',
      state(p),
      when(p.since),
      percent(p.uptime['24h']),
      percent(p.uptime['7d']),
      percent(p.uptime['30d']),
      last(p),
    ]),
  );
  // Once per stack that runs nothing: why, and what to do.
  const idle = new Map(
    list.items.flatMap((p) => (p.notRunning && !p.last ? [[p.stack, p.notRunning] as const] : [])),
  );
  const notes = [...idle].map(([stack, n]) => `${stack}: ${notRunningText(n)}\n`).join('');
  const loops = list.crashLooping.map((c) => `crash-looping: ${c}\n`).join('');
  return table + notes + loops;
}

export function formatProbe(detail: ProbeDetail): string {
  const p = detail.probe;
  const lines = [
    p.notRunning !== undefined
      ? `${p.stack}/${p.service} probe ${p.probe} (${p.type ?? 'not watched'}): ${state(p)}: ${notRunningText(p.notRunning)}`
      : p.status === 'pending'
        ? `${p.stack}/${p.service} probe ${p.probe} (${p.type ?? 'not watched'}): ${state(p)}: declared, not run yet${
            p.watched
              ? ' (its first run is due within its interval)'
              : ' (it runs once its service has a container)'
          }`
        : `${p.stack}/${p.service} probe ${p.probe} (${p.type ?? 'not watched'}): ${state(p)} since ${when(p.since)}`,
    `uptime: 24h ${percent(p.uptime['24h'])}, 7d ${percent(p.uptime['7d'])}, 30d ${percent(p.uptime['30d'])}${
      p.meanLatencyMs !== undefined ? `; mean response ${p.meanLatencyMs}ms (24h)` : ''
    }`,
    p.last === undefined ? `last result: ${last(p)}` : `last result: ${when(p.last.at)} ${last(p)}`,
    ...printed(p.last?.output, '  '),
  ];
  if (detail.failures.length > 0) {
    lines.push('recent failures:');
    for (const f of detail.failures) lines.push(`  ${when(f.at)} ${f.detail}`, ...printed(f.output, '    '));
  }
  return `${lines.join('\n')}\n`;
}

/** What the checked program printed (the server sends it to the stack's operators only), indented. */
function printed(output: string | undefined, indent: string): string[] {
  if (output === undefined) return [];
  return [`${indent}output:`, ...output.split('\n').map((line) => `${indent}  ${line}`)];
}

/** `berth health [STACK]` and `berth health show STACK SERVICE PROBE`. */
export function registerHealth(
  program: Command,
  io: CliIo,
  setExit: (code: ExitCode) => void,
  factory: ClientFactory,
): void {
  const health = program
    .command('health')
    .description(
      'probes and uptime: each probe’s state, since when, last result, uptime 24h/7d/30d (exit 1 when one is DOWN)',
    )
    .argument('[stack]', 'only this stack')
    .option('--json', 'print JSON')
    .action(async (stack: string | undefined, options: { json?: boolean }, command: Command) => {
      const list = await withClient(factory, command, (c) => c.healthList(stack));
      if (options.json) printJson(io, list);
      else io.stdout(formatHealth(list));
      const down = list.items.some((p) => p.status === 'down' && p.watched) || list.crashLooping.length > 0;
      setExit(down ? ExitCode.Invalid : ExitCode.Ok);
    });
  health
    .command('show')
    .description('one probe: state, uptime, its newest failures')
    .argument('<stack>', 'stack name')
    .argument('<service>', 'the service the probe belongs to')
    .argument('<probe>', 'probe name (`container` for the built-in one)')
    .option('--json', 'print JSON')
    .action(
      async (
        stack: string,
        service: string,
        probe: string,
        options: { json?: boolean },
        command: Command,
      ) => {
        const detail = await withClient(factory, command, (c) => c.probeDetail({ stack, service, probe }));
        if (options.json) printJson(io, detail);
        else io.stdout(formatProbe(detail));
        setExit(ExitCode.Ok);
      },
    );
}
