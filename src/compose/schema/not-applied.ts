import { isRecord } from './common.js';
import { SERVICE_KEYS } from './service.js';

/** Service keys Berth's deploy engine applies. Every other valid key is kept in the model but ignored. */
export const APPLIED_SERVICE_KEYS: ReadonlySet<string> = new Set([
  'image',
  'build',
  'pull_policy',
  'command',
  'entrypoint',
  'environment',
  'env_file',
  'ports',
  'volumes',
  'depends_on',
  'healthcheck',
  'restart',
  'deploy',
  'user',
  'cap_add',
  'cap_drop',
  'read_only',
  'tmpfs',
  'ulimits',
  'labels',
  'extra_hosts',
  'networks',
  'stop_grace_period',
  'stop_signal',
  'container_name',
  'hostname',
  'working_dir',
  'profiles',
  'extends',
  'network_mode',
  'volumes_from',
  'links',
  'privileged',
  'security_opt',
  'init',
  'pids_limit',
  'mem_limit',
  'cpus',
  'shm_size',
  'sysctls',
  'dns',
  'dns_search',
  'mem_reservation',
  'memswap_limit',
  'cpu_shares',
  'scale',
  'expose',
  'logging',
  'secrets',
  'configs',
  'tty',
  'stdin_open',
  'platform',
  'domainname',
  'devices',
  'group_add',
  'ipc',
  'pid',
]);

const SERVICE_KEY_SET: ReadonlySet<string> = new Set(SERVICE_KEYS);

/*
 * Under `deploy`, Berth applies `replicas`, `resources` (limits, and cpu/memory reservations) and
 * `restart_policy`, which is what `docker compose` itself applies outside Swarm. The rest only
 * means something to a Swarm orchestrator (placement, rolling updates, the VIP/DNSRR endpoint,
 * service-level labels) or asks for devices (GPU reservations) Berth does not schedule.
 */
const SWARM_ONLY_DEPLOY_KEYS = ['placement', 'update_config', 'rollback_config', 'endpoint_mode', 'labels'];
const UNAPPLIED_RESERVATIONS = ['devices', 'generic_resources'];

function deployKeys(deploy: Record<string, unknown>): string[] {
  const out: string[] = [];
  for (const key of Object.keys(deploy)) {
    if (SWARM_ONLY_DEPLOY_KEYS.includes(key)) out.push(`deploy.${key}`);
    // `mode: replicated` is the default; `global` and the job modes have no meaning without Swarm.
    if (key === 'mode' && deploy.mode !== 'replicated') out.push('deploy.mode');
  }
  const resources = deploy.resources;
  const reservations = isRecord(resources) ? resources.reservations : undefined;
  if (isRecord(reservations)) {
    for (const key of Object.keys(reservations))
      if (UNAPPLIED_RESERVATIONS.includes(key)) out.push(`deploy.resources.reservations.${key}`);
  }
  return out;
}

/** Under `build`, Berth sends the context, Dockerfile, build args and target to the engine. */
const APPLIED_BUILD_KEYS: ReadonlySet<string> = new Set(['context', 'dockerfile', 'args', 'target']);

function buildKeys(build: Record<string, unknown>): string[] {
  return Object.keys(build)
    .filter((key) => !key.startsWith('x-') && !APPLIED_BUILD_KEYS.has(key))
    .map((key) => `build.${key}`);
}

/**
 * Keys of one service (as written, before normalization) that are valid compose but that Berth
 * does not apply, as dotted paths in the order written (`develop`, `deploy.placement`, ...).
 * Unknown keys and `x-*` extensions are not listed: the schema reports the former, and the latter
 * are meant for tools. The caller turns each into a SPEC_NOT_APPLIED warning.
 */
export function notAppliedKeys(rawService: Record<string, unknown>): string[] {
  const out: string[] = [];
  for (const key of Object.keys(rawService)) {
    if (!SERVICE_KEY_SET.has(key)) continue;
    if (!APPLIED_SERVICE_KEYS.has(key)) out.push(key);
    else if (key === 'deploy' && isRecord(rawService.deploy)) out.push(...deployKeys(rawService.deploy));
    else if (key === 'build' && isRecord(rawService.build)) out.push(...buildKeys(rawService.build));
  }
  return out;
}
