import type { Hit, LiveFacts, Rule } from '../types.js';
import { eachService, isOneShot, serviceHit, stackHit } from './helpers.js';

type Container = LiveFacts['containers'][number];

const isRunning = (c: Container) => c.state.toLowerCase() === 'running';

/** Whether Berth runs the stack (a container of it carries Berth's ownership), not `docker compose`. */
const runByBerth = (live: LiveFacts, stack: string) =>
  live.containers.some((c) => c.stack === stack && c.berth);

function describe(containers: readonly Container[]): string {
  if (containers.length === 0) return 'no container exists';
  return containers
    .map((c) => `${c.name} is ${c.state}${c.restartCount > 0 ? ` after ${c.restartCount} restarts` : ''}`)
    .join(', ');
}

export const declaredNotRunning: Rule = {
  id: 'declared-not-running',
  title: 'Service declared but not running',
  severity: 'medium',
  category: 'standards',
  live: true,
  rationale:
    'A service in the compose file with no running container is either broken (crashed, never started) ' +
    'or dead configuration that misleads whoever reads the stack.',
  fix: 'Start the service and find out why it stopped, or remove it (or put it behind a profile).',
  check(snapshot) {
    const live = snapshot.live;
    if (!live) return [];
    return eachService(snapshot, (stack, name, service) => {
      // Jobs others wait to complete exit by design, and scale 0 asks for no container.
      if (isOneShot(stack, name) || service.scale === 0 || service.deploy?.replicas === 0) return undefined;
      const mine = live.containers.filter((c) => c.stack === stack.name && c.service === name);
      if (mine.some(isRunning)) return undefined;
      // A stack Berth runs is started by Berth: a container `docker compose` made would carry no
      // ownership labels, and the next `berth up` would refuse its name.
      const start = runByBerth(live, stack.name)
        ? `berth up ${stack.name} (then berth logs ${stack.name} ${name})`
        : `cd ${stack.dir} && docker compose -p ${stack.name} up -d ${name} (then check its logs)`;
      return serviceHit(
        stack,
        name,
        [],
        'not-running',
        `\`${name}\` is declared in ${stack.name} but not running: ${describe(mine)}`,
        `${start}, or remove the service`,
      );
    });
  },
};

export const runningNotDeclared: Rule = {
  id: 'running-not-declared',
  title: 'Container running for an undeclared service',
  severity: 'medium',
  category: 'standards',
  live: true,
  rationale:
    'A container labelled for a stack whose files no longer declare its service is left over from an ' +
    'older version: it still runs, uses resources and may still be exposed, but nobody maintains it.',
  fix: 'Remove the orphan (`docker compose up -d --remove-orphans`) or declare the service again.',
  check(snapshot) {
    const live = snapshot.live;
    if (!live) return [];
    const hits: Hit[] = [];
    for (const stack of snapshot.stacks) {
      const declared = new Set(Object.keys(stack.loaded.model.services ?? {}));
      const byService = new Map<string, Container[]>();
      for (const c of live.containers) {
        if (c.stack !== stack.name || !isRunning(c) || declared.has(c.service)) continue;
        byService.set(c.service, [...(byService.get(c.service) ?? []), c]);
      }
      for (const [service, containers] of byService) {
        const names = containers.map((c) => c.name).join(', ');
        const disabled = stack.loaded.disabled.includes(service);
        const why = disabled
          ? 'is declared only under a profile that is not enabled'
          : 'is not declared in the compose files';
        const fix = disabled
          ? `docker rm -f ${names}, or enable the service's profile for ${stack.name}`
          : runByBerth(live, stack.name)
            ? `berth up ${stack.name} (it removes containers of services no longer declared), or declare \`${service}\` again`
            : `cd ${stack.dir} && docker compose -p ${stack.name} up -d --remove-orphans (or docker rm -f ${names})`;
        hits.push({
          ...stackHit(
            stack,
            'not-declared',
            `${names} ${containers.length > 1 ? 'run' : 'runs'} as \`${service}\` of ${stack.name}, which ${why}`,
            fix,
          ),
          service,
        });
      }
    }
    return hits;
  },
};
