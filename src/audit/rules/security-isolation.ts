import type { Service } from '../../compose/schema/model.js';
import type { Hit, Rule } from '../types.js';
import { eachService, serviceHit } from './helpers.js';

/* How far a container is set apart from the host: namespaces, network, user and root filesystem. */

type NamespaceKey = 'network_mode' | 'pid' | 'ipc' | 'userns_mode';

const NAMESPACES: readonly { key: NamespaceKey; what: string; fix: string }[] = [
  {
    key: 'network_mode',
    what: "the host's network stack (every host port and interface, no network isolation)",
    fix: 'remove `network_mode: host` and publish only the ports the service needs',
  },
  {
    key: 'pid',
    what: "the host's process table (it sees and may signal every host process)",
    fix: 'remove `pid: host`',
  },
  {
    key: 'ipc',
    what: "the host's IPC namespace (shared memory of host processes)",
    fix: 'remove `ipc: host` (use `ipc: shareable` and `service:` to share with one service)',
  },
  {
    key: 'userns_mode',
    what: "the host's user namespace (root in the container is root on the host even with remapping on)",
    fix: 'remove `userns_mode: host`',
  },
];

function namespaceValue(service: Service, key: NamespaceKey): string | undefined {
  const value = service[key];
  return typeof value === 'string' ? value.trim().toLowerCase() : undefined;
}

export const hostNamespace: Rule = {
  id: 'host-namespace',
  title: 'Host namespace shared with a container',
  severity: 'high',
  category: 'security',
  rationale:
    "Sharing the host's network, process, IPC or user namespace removes the isolation that keeps a " +
    'compromised container from seeing and reaching the rest of the host.',
  fix: 'remove the `host` setting (`network_mode`, `pid`, `ipc`, `userns_mode`)',
  check: (snapshot) =>
    eachService(snapshot, (stack, name, service) => {
      const hits: Hit[] = [];
      for (const ns of NAMESPACES) {
        if (namespaceValue(service, ns.key) !== 'host') continue;
        hits.push(
          serviceHit(
            stack,
            name,
            [ns.key],
            `${ns.key}=host`,
            `service \`${name}\` shares ${ns.what}`,
            `${ns.fix} in \`${name}\``,
          ),
        );
      }
      return hits;
    }),
};

export const defaultBridge: Rule = {
  id: 'default-bridge',
  title: 'Service on the default bridge network',
  severity: 'low',
  category: 'security',
  rationale:
    'The default `bridge` network is shared by every container started that way on the host, has no DNS ' +
    "between services and no separation between stacks; compose's per-stack networks do.",
  fix: 'remove `network_mode: bridge` and let the service join the stack network (or a named network)',
  check: (snapshot) =>
    eachService(
      snapshot,
      (stack, name, service) =>
        namespaceValue(service, 'network_mode') === 'bridge' &&
        serviceHit(
          stack,
          name,
          ['network_mode'],
          'network_mode=bridge',
          `service \`${name}\` uses the default bridge network`,
          `remove \`network_mode: bridge\` from \`${name}\``,
        ),
    ),
};

/** `root`, `0`, `0:0`, `root:root`, `0:1000`: the user part names uid 0. */
export function isRootUser(user: string): boolean {
  const name = (user.trim().split(':')[0] ?? '').trim().toLowerCase();
  return name === 'root' || /^0+$/.test(name);
}

export const runsAsRoot: Rule = {
  id: 'runs-as-root',
  title: 'Runs as root',
  severity: 'info',
  category: 'security',
  rationale:
    'A process running as root in the container owns every file the container can see; a non-root user ' +
    'turns many escapes and writable mounts into dead ends.',
  fix: 'set `user:` to an unprivileged uid:gid (e.g. `user: "1000:1000"`) the image supports',
  check: (snapshot) =>
    eachService(snapshot, (stack, name, service) => {
      if (service.user === undefined || service.user.trim() === '')
        return serviceHit(
          stack,
          name,
          [],
          'user=unset',
          `service \`${name}\` sets no \`user\`: it runs as the image's default user, root for most images`,
          `set \`user: "1000:1000"\` (a uid:gid the image supports) on \`${name}\`, unless its image already runs unprivileged`,
        );
      if (!isRootUser(service.user)) return undefined;
      return serviceHit(
        stack,
        name,
        ['user'],
        'user=root',
        `service \`${name}\` runs as root (\`user: ${service.user}\`)`,
        `set \`user:\` of \`${name}\` to an unprivileged uid:gid, e.g. \`user: "1000:1000"\``,
      );
    }),
};

export const writableRootFs: Rule = {
  id: 'writable-root-fs',
  title: 'Writable root filesystem',
  severity: 'info',
  category: 'security',
  rationale:
    'A read-only root filesystem stops an intruder from changing binaries or dropping tools, and makes every ' +
    'place the service writes explicit (volumes, tmpfs).',
  fix: 'add `read_only: true` and `tmpfs:` for the paths the service writes (e.g. /tmp, /run)',
  check: (snapshot) =>
    eachService(
      snapshot,
      (stack, name, service) =>
        service.read_only !== true &&
        serviceHit(
          stack,
          name,
          service.read_only === undefined ? [] : ['read_only'],
          'read_only=false',
          `service \`${name}\` has a writable root filesystem`,
          `add \`read_only: true\` to \`${name}\`, with \`tmpfs: [/tmp]\` for the paths it writes`,
        ),
    ),
};
