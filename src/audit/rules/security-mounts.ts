import type { Service } from '../../compose/schema/model.js';
import type { Hit, Rule, StackFacts } from '../types.js';
import { eachService, serviceHit } from './helpers.js';

/*
 * Host paths bound into containers: the engine socket (root on the host for whoever reaches it) and
 * the host's system folders and devices.
 */

/** `//var/run/docker.sock/` → `/var/run/docker.sock`: compare paths, not spellings. */
export function normalizeHostPath(path: string): string {
  const collapsed = path.replace(/\/+/g, '/');
  return collapsed.length > 1 ? collapsed.replace(/\/$/, '') : collapsed;
}

/**
 * The Docker API socket, wherever it lives: `/var/run/docker.sock`, `/run/docker.sock`, or a
 * rootless engine's `/run/user/<uid>/docker.sock`.
 */
export function isDockerSocket(source: string): boolean {
  const path = normalizeHostPath(source);
  return (
    path === '/var/run/docker.sock' ||
    path === '/run/docker.sock' ||
    /^\/run\/user\/\d+\/docker\.sock$/.test(path)
  );
}

/** These and everything under them. */
const SENSITIVE_TREES = ['/etc', '/proc', '/sys', '/boot', '/dev', '/var/run', '/run', '/var/lib/docker'];
/** Only the folder itself: a bind below a home folder is usually the operator's own data. */
const SENSITIVE_FOLDERS = ['/root', '/home'];
/** Credentials kept in a home folder. */
const CREDENTIAL_DIRS = new Set(['.ssh', '.aws', '.docker', '.kube', '.gnupg']);
/** Read-only binds every other stack uses for the clock and CA certificates: public facts of the host. */
const HARMLESS_READ_ONLY = new Set(['/etc/localtime', '/etc/timezone', '/etc/ssl/certs']);

const under = (path: string, tree: string): boolean => path === tree || path.startsWith(`${tree}/`);

/**
 * Why a host path is sensitive (the tree or folder it touches), or undefined. An ancestor of a
 * sensitive tree (`/`, `/var`) exposes that tree too.
 */
export function sensitiveHostPath(source: string): string | undefined {
  const path = normalizeHostPath(source);
  const tree = SENSITIVE_TREES.find((t) => under(path, t));
  if (tree) return tree;
  const ancestorOf = SENSITIVE_TREES.find((t) => path === '/' || t.startsWith(`${path}/`));
  if (ancestorOf) return path;
  if (SENSITIVE_FOLDERS.includes(path)) return path;
  if (path.split('/').some((segment) => CREDENTIAL_DIRS.has(segment))) return path;
  return undefined;
}

interface Bind {
  readonly index: number;
  readonly source: string;
  readonly target: string;
  readonly readOnly: boolean;
}

function bindsOf(service: Service): Bind[] {
  const binds: Bind[] = [];
  (service.volumes ?? []).forEach((mount, index) => {
    if (mount.type === 'bind' && mount.source !== undefined)
      binds.push({
        index,
        source: normalizeHostPath(mount.source),
        target: mount.target,
        readOnly: mount.read_only,
      });
  });
  return binds;
}

export const dockerSocketMounted: Rule = {
  id: 'docker-socket-mounted',
  title: 'Docker socket mounted into a container',
  severity: 'critical',
  category: 'security',
  rationale:
    'Whoever reaches the Docker API socket can start a privileged container that mounts the host: it is root ' +
    'on the host, read-only mount or not. A compromise of this service is a compromise of the server.',
  fix: 'remove the socket mount, or put a filtering proxy (e.g. tecnativa/docker-socket-proxy) in front of it that allows only the API calls the service needs',
  check: (snapshot) =>
    eachService(snapshot, (stack, name, service) =>
      bindsOf(service)
        .filter((bind) => isDockerSocket(bind.source))
        .map((bind) =>
          serviceHit(
            stack,
            name,
            ['volumes', bind.index],
            `bind=${bind.source}:${bind.target}`,
            `service \`${name}\` mounts the Docker socket ${bind.source}${bind.readOnly ? ' (read-only does not limit the API)' : ''}`,
            `remove \`${bind.source}:${bind.target}\` from \`volumes\`, or mount a docker-socket-proxy that allows only the calls \`${name}\` needs`,
          ),
        ),
    ),
};

/** A bind inside the stack's own folder holds the stack's files, wherever the folder lives. */
function inStackFolder(stack: StackFacts, source: string): boolean {
  return under(source, normalizeHostPath(stack.dir));
}

function sensitiveBindHits(stack: StackFacts, name: string, service: Service): Hit[] {
  const hits: Hit[] = [];
  for (const bind of bindsOf(service)) {
    if (isDockerSocket(bind.source) || inStackFolder(stack, bind.source)) continue;
    if (bind.readOnly && HARMLESS_READ_ONLY.has(bind.source)) continue;
    const area = sensitiveHostPath(bind.source);
    if (area === undefined) continue;
    hits.push(
      serviceHit(
        stack,
        name,
        ['volumes', bind.index],
        `bind=${bind.source}:${bind.target}`,
        `service \`${name}\` mounts the host path ${bind.source}${area === bind.source ? '' : ` (under ${area})`}${bind.readOnly ? ' read-only' : ' read-write'}`,
        bind.readOnly
          ? `mount only the file the service needs instead of \`${bind.source}\`, or copy it into a config`
          : `mount only the file the service needs instead of \`${bind.source}\`, read-only: \`${bind.source}:${bind.target}:ro\``,
      ),
    );
  }
  return hits;
}

function deviceHits(stack: StackFacts, name: string, service: Service): Hit[] {
  return (service.devices ?? []).map((device, index) => {
    const target = device.target === undefined || device.target === device.source ? '' : `:${device.target}`;
    return serviceHit(
      stack,
      name,
      ['devices', index],
      `device=${device.source}${target}`,
      `service \`${name}\` is given the host device ${device.source}`,
      `remove \`${device.source}\` from \`devices\` unless the service cannot work without it (then suppress with a reason)`,
    );
  });
}

export const sensitiveHostPathRule: Rule = {
  id: 'sensitive-host-path',
  title: 'Sensitive host path or device in a container',
  severity: 'high',
  category: 'security',
  rationale:
    'Host system folders (/etc, /proc, /sys, /dev, /boot, /var/run, /var/lib/docker, home folders) and devices ' +
    'let a compromised container read credentials or change the host outside its sandbox.',
  fix: 'mount only the specific file or folder the service needs, read-only, and no host devices',
  check: (snapshot) =>
    eachService(snapshot, (stack, name, service) => [
      ...sensitiveBindHits(stack, name, service),
      ...deviceHits(stack, name, service),
    ]),
};
