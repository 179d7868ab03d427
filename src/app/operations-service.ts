import type { OperationRecord } from '../api/operations.js';
import type { EventPublisher } from '../events/hub.js';
import type { Logger } from '../log/index.js';
import { interruptedAlertEvent } from '../operations/interrupted-alert.js';
import { progressEventInput } from '../operations/progress-event.js';
import type { OperationRunner } from '../operations/runner.js';
import type { Stacks } from './lazy-stacks.js';
import type { BackgroundService } from './lifecycle.js';

/** What putting back what interrupted operations left needs (operationsService's parts, but the runner). */
export interface LeftoverParts {
  readonly stacks: () => Pick<Stacks, 'recover'>;
  /** Starts again what an interrupted restore stopped; says what it did (undefined: nothing recorded). */
  readonly restores?: (op: OperationRecord) => Promise<string | undefined>;
  /**
   * Where each step of putting back an interrupted deploy is told (the stack's deploy events), and
   * each interrupted operation's alert once its recovery ended (interrupted-alert.ts).
   */
  readonly events?: () => EventPublisher;
  readonly log: Logger;
}

/**
 * Puts back what the operations `runner.recover()` recorded as interrupted left: an interrupted
 * deploy's containers (as the stack's next `up` would), an interrupted restore's stopped services;
 * then alerts each one, saying what its recovery did (`when`: when it was found, for the alert).
 * Resolves once every recovery ended; a recovery that fails is logged and alerted, never thrown.
 */
export function recoverLeftovers(
  recovered: readonly OperationRecord[],
  parts: LeftoverParts,
  when = 'At start',
): Promise<void> {
  const { stacks, restores, events, log } = parts;
  const alert = (op: OperationRecord, recovery: string | undefined) => {
    try {
      events?.().publish(interruptedAlertEvent(op, recovery, when));
    } catch (error: unknown) {
      log.warn({ err: error, operation: op.id }, 'the alert of an interrupted operation could not be stored');
    }
  };
  const why = (error: unknown) => (error instanceof Error ? error.message : String(error));
  const done: Array<Promise<void>> = [];
  for (const stack of new Set(recovered.filter((o) => o.kind === 'up').map((o) => o.stack))) {
    const ups = recovered.filter((o) => o.kind === 'up' && o.stack === stack);
    const putBack: string[] = [];
    // Each step is told as the stack's deploy events (its deployment keeps them too), not as the
    // interrupted operation's: its stream ended with the `finished` event that recorded it so.
    done.push(
      stacks()
        .recover(stack, (e) => {
          putBack.push(e.message);
          log.warn({ stack, service: e.service }, e.message);
          events?.().publish(progressEventInput('deploy', stack, e));
        })
        .then(() => {
          const did = putBack.length > 0 ? `put back what it left: ${putBack.join('; ')}` : undefined;
          for (const op of ups) alert(op, did);
        })
        .catch((error: unknown) => {
          log.warn(
            { err: error, stack },
            'could not put back what an interrupted deploy left; the next berth up of the stack will try again',
          );
          for (const op of ups)
            alert(
              op,
              `could not put back what it left (${why(error)}); the next \`berth up ${stack}\` tries again`,
            );
        }),
    );
  }
  for (const op of recovered.filter((o) => o.kind === 'restore')) {
    done.push(
      (restores?.(op) ?? Promise.resolve(undefined))
        .then((message) => {
          if (message) log.warn({ stack: op.stack, operation: op.id }, message);
          alert(op, message);
        })
        .catch((error: unknown) => {
          log.warn(
            { err: error, stack: op.stack, operation: op.id },
            `could not start again what the interrupted restore ${op.id} stopped: \`berth up ${op.stack}\` starts it; its error names the safety backup to restore`,
          );
          alert(
            op,
            `could not start again what it stopped (${why(error)}): \`berth up ${op.stack}\` starts it`,
          );
        }),
    );
  }
  for (const op of recovered.filter((o) => o.kind !== 'up' && o.kind !== 'restore')) alert(op, undefined);
  return Promise.all(done).then(() => undefined);
}

/**
 * The operation runner as a background service. At start it records what a previous process left
 * running as interrupted (a process now gone: a live `berth --local` command's operation is left
 * be), and puts back what they left (recoverLeftovers), in the background. At drain, running
 * operations get the grace.
 */
export function operationsService(
  parts: LeftoverParts & { readonly runner: () => OperationRunner },
): BackgroundService {
  const { runner, log } = parts;
  return {
    name: 'operations',
    start: () => {
      const recovered = runner().recover();
      if (recovered.length > 0) {
        log.warn(
          { operations: recovered.map((o) => o.id) },
          'operations of a previous run recorded as interrupted',
        );
      }
      void recoverLeftovers(recovered, parts);
    },
    drain: async (graceMs) => {
      const interrupted = await runner().shutdown(graceMs);
      if (interrupted.length > 0) {
        log.warn({ operations: interrupted.map((o) => o.id) }, 'operations interrupted by shutdown');
      }
    },
  };
}
