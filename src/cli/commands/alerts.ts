import type { Command } from 'commander';
import type { AlertChannelView, AlertList, AlertTestResult } from '../../api/alerts.js';
import { type CliIo, ExitCode } from '../io.js';
import { formatTable, parseCount, printJson, remoteApi } from './remote.js';

/** The contract's schemas, loaded when a command runs (not for `berth --help`). */
const contract = () => import('../../api/alerts.js');

const when = (iso: string | undefined) =>
  iso === undefined ? '-' : iso.replace('T', ' ').replace(/\.\d+Z$/, 'Z');

/** `berth alert list`: recent alerts, then the deliveries of their messages with their status. */
export function formatAlertList(list: AlertList): string {
  if (list.alerts.length === 0 && list.deliveries.length === 0) return 'no alerts yet\n';
  const alerts = formatTable(
    ['OPENED', 'STATE', 'SEVERITY', 'WHERE', 'MESSAGE', 'CHANNELS'],
    list.alerts.map((a) => [
      when(a.openedAt),
      a.state === 'resolved' ? `resolved ${when(a.resolvedAt)}` : a.state,
      a.severity,
      a.stack === undefined ? '-' : a.service === undefined ? a.stack : `${a.stack}/${a.service}`,
      a.message,
      // An alert no rule routed: nobody was told, and the list says so.
      a.channels.length > 0 ? a.channels.join(',') : 'none',
    ]),
  );
  const deliveries = formatTable(
    ['ID', 'CREATED', 'CHANNEL', 'KIND', 'STATUS', 'ATTEMPTS', 'TITLE'],
    list.deliveries.map((d) => [
      String(d.id),
      when(d.createdAt),
      d.channel,
      d.kind,
      d.status === 'pending' && d.nextAt !== undefined ? `pending (next ${when(d.nextAt)})` : d.status,
      String(d.attempts),
      d.title,
    ]),
  );
  const errors = list.deliveries
    .filter((d) => d.lastError !== undefined && d.status !== 'delivered')
    .map((d) => `  #${d.id} ${d.channel}: ${d.lastError}\n`)
    .join('');
  return `ALERTS\n${alerts}\nDELIVERIES\n${deliveries}${errors ? `\nLAST ERRORS\n${errors}` : ''}`;
}

export function formatChannels(channels: readonly AlertChannelView[]): string {
  if (channels.length === 0)
    return 'no alert channels (configure them under `alerts:` in the config of berth serve)\n';
  return formatTable(
    ['NAME', 'TYPE', 'TARGET', 'TIMEOUT'],
    channels.map((c) => [c.name, c.type, c.target, `${c.timeoutMs / 1000}s`]),
  );
}

export function formatTestResult(r: AlertTestResult): string {
  return r.ok
    ? `sent a test message to ${r.channel} in ${r.ms} ms (delivery ${r.delivery})\n`
    : `the test message to ${r.channel} failed after ${r.ms} ms: ${r.error ?? 'unknown error'} (delivery ${r.delivery})\n`;
}

/** `berth alert list|channels|test`: through `berth serve`, whose config holds the channels. */
export function registerAlerts(program: Command, io: CliIo, setExit: (code: ExitCode) => void): void {
  const alert = program
    .command('alert')
    .description('alerts of berth serve: recent alerts and their deliveries, the channels, a test message');

  alert
    .command('list')
    .description(
      'recent alerts and the deliveries of their messages (pending, delivered, dead), newest first',
    )
    .option('--limit <n>', 'how many of each, 1 to 500', parseCount(1), 20)
    .option('--json', 'print JSON: { alerts, deliveries }')
    .action(async (o: { limit: number; json?: boolean }) => {
      const { AlertListSchema } = await contract();
      const list = await (await remoteApi(io)).json('GET', '/api/v1/alerts', AlertListSchema, {
        query: { limit: o.limit },
      });
      if (o.json) printJson(io, list);
      else io.stdout(formatAlertList(list));
      setExit(ExitCode.Ok);
    });

  alert
    .command('channels')
    .description('the channels configured on the server (no credentials)')
    .option('--json', 'print JSON')
    .action(async (o: { json?: boolean }) => {
      const { AlertChannelListSchema } = await contract();
      const api = await remoteApi(io);
      const { items } = await api.json('GET', '/api/v1/alerts/channels', AlertChannelListSchema);
      if (o.json) printJson(io, items);
      else io.stdout(formatChannels(items));
      setExit(ExitCode.Ok);
    });

  alert
    .command('test')
    .description('send a test message to a channel now (needs admin); exits 1 when it fails')
    .argument('<channel>', 'channel name, as in `berth alert channels`')
    .option('--json', 'print the result as JSON')
    .action(async (channel: string, o: { json?: boolean }) => {
      const { AlertTestResultSchema } = await contract();
      const result = await (await remoteApi(io)).json(
        'POST',
        `/api/v1/alerts/channels/${encodeURIComponent(channel)}/test`,
        AlertTestResultSchema,
        { body: {} },
      );
      if (o.json) printJson(io, result);
      else io.stdout(formatTestResult(result));
      setExit(result.ok ? ExitCode.Ok : ExitCode.Invalid);
    });
}
