import type { AlertHint } from '../../api/alert-hint.js';
import { formatDuration } from '../../compose/schema/units.js';
import type { StoreEventInput } from '../../store/index.js';
import type { ContainerAlarm } from '../crash-loop.js';
import type { ProbeEvent } from '../probe-state.js';
import type { ProbeId } from './catalog.js';

/**
 * The event-log entries of health: a probe's state changes and a container's alarms, each with
 * the alert hint that opens or resolves its condition. Only changes become events, never results.
 * Pure; `detail` arrives masked.
 */

const id = (k: ProbeId) => `${k.stack}/${k.service}/${k.probe}`;

export function probeEventInput(
  key: ProbeId,
  event: ProbeEvent,
  context: { readonly detail: string; readonly output?: string; readonly previousSince?: string },
): StoreEventInput {
  const where = `${key.stack}/${key.service} probe ${key.probe}`;
  const probeKey = `probe:${id(key)}`;
  const base = { kind: 'health' as const, stack: key.stack, service: key.service };
  // What the checked program printed stays out of the message (which alerts send) and goes in
  // `data.output`, which the event stream gives only to the stack's operators; the message says
  // where to read it.
  const printed =
    context.output !== undefined
      ? ` (its output: \`berth health show ${key.stack} ${key.service} ${key.probe}\`, for operators)`
      : '';
  const data = (alert: AlertHint, extra: Record<string, unknown> = {}) => ({
    probe: key.probe,
    detail: context.detail,
    ...(context.output !== undefined ? { output: context.output } : {}),
    ...extra,
    alert,
  });
  switch (event.type) {
    case 'down':
      return {
        ...base,
        type: 'probe-down',
        message: `${where} is DOWN: ${context.detail}${printed}`,
        data: data({ key: probeKey, status: 'open', severity: 'critical' }),
      };
    case 'up': {
      const downFor =
        context.previousSince !== undefined
          ? ` after ${formatDuration(Date.parse(event.at) - Date.parse(context.previousSince))} down`
          : '';
      return {
        ...base,
        type: 'probe-up',
        message: `${where} is UP again${downFor}`,
        data: data({ key: probeKey, status: 'resolved', severity: 'info' }),
      };
    }
    case 'flapping':
      return {
        ...base,
        type: 'probe-flapping',
        message: `${where} is flapping (changing between UP and DOWN); changes are held until it settles`,
        data: data({ key: `flapping:${id(key)}`, status: 'notice', severity: 'warning' }),
      };
    case 'settled':
      return {
        ...base,
        type: 'probe-settled',
        message: `${where} settled ${event.status === 'up' ? 'UP' : `DOWN: ${context.detail}${printed}`}`,
        data: data(
          event.status === 'up'
            ? { key: probeKey, status: 'resolved', severity: 'info' }
            : { key: probeKey, status: 'open', severity: 'critical' },
          { status: event.status },
        ),
      };
  }
}

/** A probe that was DOWN and is no longer watched: its alert is resolved, saying why. */
export function probeGoneInput(key: ProbeId): StoreEventInput {
  return {
    kind: 'health',
    type: 'probe-removed',
    stack: key.stack,
    service: key.service,
    message: `${key.stack}/${key.service} probe ${key.probe} was DOWN and is no longer watched (its service has no container, or the probe was removed)`,
    data: { probe: key.probe, alert: { key: `probe:${id(key)}`, status: 'resolved', severity: 'info' } },
  };
}

/**
 * A crash loop whose end Berth could not see (the container was removed, or Berth restarted and
 * finds it running): its open alert is resolved, saying which.
 */
export function crashLoopGoneInput(target: {
  readonly stack: string;
  readonly service?: string;
  readonly container: string;
}): StoreEventInput {
  return {
    kind: 'health',
    type: 'crash-loop-ended',
    stack: target.stack,
    ...(target.service !== undefined ? { service: target.service } : {}),
    message: `${target.container} was removed while crash-looping`,
    data: {
      container: target.container,
      alert: { key: `crash-loop:${target.stack}/${target.container}`, status: 'resolved', severity: 'info' },
    },
  };
}

export function containerAlarmInput(
  target: { readonly stack: string; readonly service?: string; readonly container: string },
  alarm: ContainerAlarm,
): StoreEventInput {
  const base = {
    kind: 'health' as const,
    stack: target.stack,
    ...(target.service !== undefined ? { service: target.service } : {}),
  };
  const loopKey = `crash-loop:${target.stack}/${target.container}`;
  switch (alarm.type) {
    case 'crash-loop':
      return {
        ...base,
        type: 'crash-loop',
        message: `${target.container} is crash-looping: ${alarm.restarts} restart${alarm.restarts === 1 ? '' : 's'} within ${formatDuration(alarm.windowMs)}${alarm.exitCode !== undefined ? `, last exit code ${alarm.exitCode}` : ''}`,
        data: {
          container: target.container,
          restarts: alarm.restarts,
          ...(alarm.exitCode !== undefined ? { exitCode: alarm.exitCode } : {}),
          alert: { key: loopKey, status: 'open', severity: 'critical' },
        },
      };
    case 'crash-loop-ended':
      return {
        ...base,
        type: 'crash-loop-ended',
        message: `${target.container} stopped crash-looping: it has run for the whole window`,
        data: { container: target.container, alert: { key: loopKey, status: 'resolved', severity: 'info' } },
      };
    case 'oom-killed':
      return {
        ...base,
        type: 'oom-killed',
        message: `${target.container} was killed for running out of memory (restarts so far: ${alarm.restarts})`,
        data: {
          container: target.container,
          restarts: alarm.restarts,
          alert: { key: `oom:${target.stack}/${target.container}`, status: 'notice', severity: 'error' },
        },
      };
  }
}
