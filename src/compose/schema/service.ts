import { z } from 'zod';
import { extensible, invalid, listOfStrings, oneOf, show, stringOrList, uniqueArray } from './common.js';
import { envMap, labelMap } from './maps.js';
import {
  boolish,
  bytesIntish,
  bytesish,
  countish,
  duration,
  intish,
  numish,
  rawNumberOrString,
} from './scalars.js';
import { build } from './service-build.js';
import { deploy } from './service-deploy.js';
import {
  blkioConfig,
  credentialSpec,
  develop,
  gpus,
  preStartHook,
  provider,
  serviceHook,
  serviceModels,
} from './service-extras.js';
import { dependsOn, healthcheck } from './service-health.js';
import { boundedIntOrString, devices, envFile, extendsRef, logging, ulimits } from './service-misc.js';
import { extraHosts, serviceNetworks } from './service-net.js';
import { ports } from './service-ports.js';
import { command, fileRefs } from './service-refs.js';
import { serviceVolumes } from './service-volumes.js';

/** A string checked against a pattern; upstream leaves these unanchored, Berth anchors them. */
function matching(pattern: RegExp, what: string, hint: string) {
  return z.string().superRefine((value, ctx) => {
    if (!pattern.test(value)) invalid(ctx, `invalid ${what} ${show(value)}`, hint);
  });
}

const RESTART = /^(no|always|unless-stopped|on-failure(:\d+)?)$/;
const PULL_POLICY =
  /^(always|never|build|if_not_present|missing|refresh|daily|weekly|every_([0-9]+[wdhms])+)$/;
const CONTAINER_NAME = /^[a-zA-Z0-9][a-zA-Z0-9_.-]+$/;
const EXPOSE = /^\d+(-\d+)?(\/(tcp|udp|sctp))?$/;

/** `expose`/`group_add` items may be numbers; the model keeps text. */
const textList = uniqueArray(z.union([z.string(), z.number()])).transform((list) => list.map(String));

const expose = textList.superRefine((list, ctx) => {
  list.forEach((port, index) => {
    if (!EXPOSE.test(port))
      invalid(
        ctx,
        `invalid exposed port ${show(port)}`,
        'write a port like 3000, a range like 3000-3005, or 53/udp',
        [index],
      );
  });
});

const strings = z.array(z.string());

/** Every key the upstream schema allows under a service, in its order. */
export const serviceShape = {
  develop: develop.optional(),
  deploy: deploy.optional(),
  annotations: labelMap.optional(),
  attach: boolish.optional(),
  build: build.optional(),
  blkio_config: blkioConfig.optional(),
  cap_add: listOfStrings.optional(),
  cap_drop: listOfStrings.optional(),
  cgroup: oneOf(['host', 'private']).optional(),
  cgroup_parent: z.string().optional(),
  command: command.optional(),
  configs: fileRefs.optional(),
  container_name: matching(
    CONTAINER_NAME,
    'container name',
    'use letters, digits, `_`, `.` and `-`, starting with a letter or digit',
  ).optional(),
  cpu_count: boundedIntOrString(0).optional(),
  cpu_percent: boundedIntOrString(0, 100).optional(),
  cpu_shares: rawNumberOrString.optional(),
  cpu_quota: rawNumberOrString.optional(),
  cpu_period: rawNumberOrString.optional(),
  cpu_rt_period: rawNumberOrString.optional(),
  cpu_rt_runtime: rawNumberOrString.optional(),
  cpus: numish({ min: 0 }).optional(),
  cpuset: z.string().optional(),
  credential_spec: credentialSpec.optional(),
  depends_on: dependsOn.optional(),
  device_cgroup_rules: listOfStrings.optional(),
  devices: devices.optional(),
  dns: stringOrList.optional(),
  dns_opt: listOfStrings.optional(),
  dns_search: stringOrList.optional(),
  domainname: z.string().optional(),
  entrypoint: command.optional(),
  env_file: envFile.optional(),
  label_file: z
    .union([z.string(), strings])
    .transform((v) => (typeof v === 'string' ? [v] : v))
    .optional(),
  environment: envMap.optional(),
  expose: expose.optional(),
  extends: extendsRef.optional(),
  provider: provider.optional(),
  external_links: listOfStrings.optional(),
  extra_hosts: extraHosts.optional(),
  gpus: gpus.optional(),
  group_add: textList.optional(),
  healthcheck: healthcheck.optional(),
  hostname: z.string().optional(),
  image: z.string().optional(),
  init: boolish.optional(),
  ipc: z.string().optional(),
  isolation: z.string().optional(),
  labels: labelMap.optional(),
  links: listOfStrings.optional(),
  logging: logging.optional(),
  mac_address: z.string().optional(),
  mem_limit: bytesish.optional(),
  mem_reservation: bytesIntish.optional(),
  mem_swappiness: intish({ min: -1, max: 100 }).optional(),
  memswap_limit: bytesish.optional(),
  network_mode: z.string().optional(),
  models: serviceModels.optional(),
  networks: serviceNetworks.optional(),
  oom_kill_disable: boolish.optional(),
  oom_score_adj: boundedIntOrString(-1000, 1000).optional(),
  pid: z.union([z.string(), z.null()]).optional(),
  pids_limit: countish().optional(),
  platform: z.string().optional(),
  ports: ports.optional(),
  pre_start: z.array(preStartHook).optional(),
  post_start: z.array(serviceHook).optional(),
  pre_stop: z.array(serviceHook).optional(),
  privileged: boolish.optional(),
  profiles: listOfStrings.optional(),
  pull_policy: matching(
    PULL_POLICY,
    'pull policy',
    'use always, never, missing, build, daily, weekly or every_<n><unit>',
  ).optional(),
  pull_refresh_after: z.string().optional(),
  read_only: boolish.optional(),
  restart: matching(
    RESTART,
    'restart policy',
    'use no, always, unless-stopped, on-failure or on-failure:<retries>',
  ).optional(),
  runtime: z.string().optional(),
  scale: intish({ min: 0 }).optional(),
  security_opt: listOfStrings.optional(),
  shm_size: bytesish.optional(),
  secrets: fileRefs.optional(),
  sysctls: labelMap.optional(),
  stdin_open: boolish.optional(),
  stop_grace_period: duration.optional(),
  stop_signal: z.string().optional(),
  storage_opt: z.record(z.string(), z.unknown()).optional(),
  tmpfs: stringOrList.optional(),
  tty: boolish.optional(),
  ulimits: ulimits.optional(),
  use_api_socket: z.boolean().optional(),
  user: z.string().optional(),
  uts: z.string().optional(),
  userns_mode: z.string().optional(),
  volumes: serviceVolumes.optional(),
  volumes_from: listOfStrings.optional(),
  working_dir: z.string().optional(),
};

/** One service, normalized; `x-*` keys are kept verbatim under `extensions`. */
export const serviceSchema = extensible(serviceShape);

export const SERVICE_KEYS: readonly string[] = Object.keys(serviceShape);
