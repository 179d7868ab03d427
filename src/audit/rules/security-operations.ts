import type { Service } from '../../compose/schema/model.js';
import type { Rule } from '../types.js';
import { eachService, isOneShot, serviceHit } from './helpers.js';

/* Limits and traces that keep one misbehaving container from hurting the host or going unnoticed. */

/** A process limit in force: `pids_limit` or `deploy.resources.limits.pids` above 0 (0 and -1 mean unlimited). */
export function hasPidsLimit(service: Service): boolean {
  const limits = [service.pids_limit, service.deploy?.resources?.limits?.pids];
  return limits.some((n) => typeof n === 'number' && n > 0);
}

export const noPidsLimit: Rule = {
  id: 'no-pids-limit',
  title: 'No process limit',
  severity: 'low',
  category: 'security',
  rationale:
    'Without a process limit, a fork bomb or a leak of threads in one container exhausts the PIDs of the ' +
    'whole host and takes the other services down with it.',
  fix: 'set `pids_limit` (e.g. `pids_limit: 200`, more for services that run many workers)',
  check: (snapshot) =>
    eachService(snapshot, (stack, name, service) => {
      if (hasPidsLimit(service)) return undefined;
      const written = service.pids_limit !== undefined;
      return serviceHit(
        stack,
        name,
        written ? ['pids_limit'] : [],
        'pids-unlimited',
        written
          ? `service \`${name}\` has \`pids_limit: ${service.pids_limit}\`, which means no limit`
          : `service \`${name}\` has no process limit`,
        `set \`pids_limit: 200\` on \`${name}\` (raise it for services with many workers)`,
      );
    }),
};

export const loggingDisabled: Rule = {
  id: 'logging-disabled',
  title: 'Logging disabled',
  severity: 'medium',
  category: 'security',
  rationale:
    'With the `none` logging driver the service leaves no trace: neither its errors nor the evidence of an ' +
    'intrusion can be read afterwards.',
  fix: 'remove `logging.driver: none`; use `local` or `json-file` with rotation (`max-size`, `max-file`)',
  check: (snapshot) =>
    eachService(
      snapshot,
      (stack, name, service) =>
        service.logging?.driver?.trim().toLowerCase() === 'none' &&
        serviceHit(
          stack,
          name,
          ['logging', 'driver'],
          'logging.driver=none',
          `service \`${name}\` discards its logs (logging driver \`none\`)`,
          `set \`logging: {driver: local, options: {max-size: 10m, max-file: "3"}}\` on \`${name}\``,
        ),
    ),
};

export const noRestartPolicy: Rule = {
  id: 'no-restart-policy',
  title: 'No restart policy',
  severity: 'low',
  category: 'security',
  rationale:
    'Without a restart policy a service that crashes, or a host that reboots, leaves the service down until ' +
    'someone notices.',
  fix: 'add `restart: unless-stopped`',
  check: (snapshot) =>
    eachService(snapshot, (stack, name, service) => {
      // An explicit `restart: "no"` is a decision, not an omission; one-shot jobs are meant to exit.
      if (service.restart !== undefined || service.deploy?.restart_policy !== undefined) return undefined;
      if (isOneShot(stack, name)) return undefined;
      return serviceHit(
        stack,
        name,
        [],
        'restart=unset',
        `service \`${name}\` has no restart policy`,
        `add \`restart: unless-stopped\` to \`${name}\``,
      );
    }),
};
