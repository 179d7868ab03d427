import type { EventClient, EventFilters } from './clients.js';
import { toLabelFilters } from './labels.js';
import { toUnixSeconds } from './logs.js';
import { jsonLinesOf, openUnlessAborted } from './streams.js';
import type { Transport } from './transport.js';
import type { EngineEvent } from './types.js';

interface RawEvent {
  Type?: string;
  Action?: string;
  Actor?: { ID?: string; Attributes?: Record<string, string> | null };
  time?: number;
  timeNano?: number;
}

// Actor attributes mix labels with facts about the event; these keys are the
// facts (per object type), everything else is a label.
const NON_LABEL_ATTRIBUTES: Readonly<Record<string, readonly string[]>> = {
  container: ['name', 'image', 'exitCode', 'signal', 'execID', 'execDuration'],
  network: ['name', 'type', 'container'],
  volume: ['driver', 'container', 'destination', 'propagation', 'read/write'],
  image: ['name'],
};

export function toEventFilters(filters: EventFilters): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  if (filters.types && filters.types.length > 0) out.type = [...filters.types];
  if (filters.labels && Object.keys(filters.labels).length > 0) out.label = toLabelFilters(filters.labels);
  if (filters.actions && filters.actions.length > 0) out.event = [...filters.actions];
  if (filters.containers && filters.containers.length > 0) out.container = [...filters.containers];
  return out;
}

export function toEngineEvent(raw: RawEvent): EngineEvent {
  const type = raw.Type ?? '';
  const attributes = { ...(raw.Actor?.Attributes ?? {}) };
  const facts = NON_LABEL_ATTRIBUTES[type] ?? [];
  const labels: Record<string, string> = {};
  for (const [key, value] of Object.entries(attributes)) if (!facts.includes(key)) labels[key] = value;
  // e.g. "health_status: healthy", "exec_start: sh -c true"
  const fullAction = raw.Action ?? '';
  const colon = fullAction.indexOf(': ');
  const action = colon === -1 ? fullAction : fullAction.slice(0, colon);
  const actionDetail = colon === -1 ? undefined : fullAction.slice(colon + 2);
  const exitCode = attributes.exitCode === undefined ? undefined : Number(attributes.exitCode);
  const time = raw.timeNano !== undefined ? Math.floor(raw.timeNano / 1e6) : (raw.time ?? 0) * 1000;
  return {
    type,
    action,
    ...(actionDetail === undefined ? {} : { actionDetail }),
    id: raw.Actor?.ID ?? '',
    ...(attributes.name === undefined ? {} : { name: attributes.name }),
    labels,
    attributes,
    ...(exitCode === undefined || Number.isNaN(exitCode) ? {} : { exitCode }),
    time,
  };
}

async function* eventStream(
  transport: Transport,
  options: { filters?: EventFilters; since?: number },
  signal: AbortSignal,
): AsyncGenerator<EngineEvent> {
  const response = await openUnlessAborted(transport, {
    method: 'GET',
    path: '/events',
    query: {
      filters: JSON.stringify(toEventFilters(options.filters ?? {})),
      since: options.since === undefined ? undefined : toUnixSeconds(options.since),
    },
    signal,
    action: 'stream events',
  });
  if (response === undefined) return;
  const context = { endpoint: transport.endpoint, action: 'stream events' };
  for await (const raw of jsonLinesOf(response, context, signal)) yield toEngineEvent(raw as RawEvent);
}

export function eventClient(transport: Transport): EventClient {
  return {
    stream(options, signal) {
      return eventStream(transport, options, signal);
    },
  };
}
