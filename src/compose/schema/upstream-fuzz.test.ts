import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import Ajv2020Module from 'ajv/dist/2020.js';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { ComposeFileSchema } from './model.js';

/*
 * Differential check against the upstream compose-spec JSON schema (test data beside the checkout,
 * never read by the product): a document that uses every key is accepted by both, and no mutation
 * of it (each node replaced by values of every type, keys added beside it) is accepted by Berth
 * when upstream rejects it. Berth may reject more (formats upstream leaves as free strings).
 */

const SCHEMA_FILE = resolve(
  fileURLToPath(new URL('../../..', import.meta.url)),
  '../shared/corpus/schema/compose-spec.json',
);

// ajv is CommonJS: under NodeNext the default import is `module.exports`, whose `default` is the class.
const Ajv2020 = Ajv2020Module.default;

/** A document that uses every key upstream allows, in several syntaxes. */
const KITCHEN_SINK = `
name: kitchen-sink
version: "3.9"
include: [other.yaml, {path: [a.yaml, b.yaml], env_file: .env, project_directory: ..}]
services:
  web:
    develop: {watch: [{path: ./src, action: sync+exec, target: /app, ignore: node_modules, include: ["*.js"], exec: {command: reload}, initial_sync: true}]}
    deploy:
      mode: replicated
      endpoint_mode: vip
      replicas: "2"
      labels: [a=b]
      rollback_config: {parallelism: 1, delay: 5s, failure_action: pause, monitor: 10s, max_failure_ratio: "0.1", order: stop-first}
      update_config: {parallelism: "2", delay: 1m, order: start-first}
      resources:
        limits: {cpus: "0.5", memory: 512m, pids: 100}
        reservations: {cpus: 0.25, memory: 256m, generic_resources: [{discrete_resource_spec: {kind: gpu, value: 2}}], devices: [{capabilities: [gpu], count: all, driver: nvidia, device_ids: ["0"], options: {a: 1}}]}
      restart_policy: {condition: on-failure, delay: 5s, max_attempts: "3", window: 2m}
      placement: {constraints: [node.role==manager], preferences: [{spread: node.labels.zone}], max_replicas_per_node: 1}
    annotations: {com.example: x}
    attach: "false"
    build: {context: ., dockerfile: Dockerfile, dockerfile_inline: FROM x, entitlements: [network.host], args: [A=1, B], ssh: [default], labels: {a: b}, cache_from: [x], cache_to: [y], no_cache: true, no_cache_filter: stage, additional_contexts: {base: "docker-image://alpine"}, network: host, provenance: mode=max, sbom: true, pull: "true", target: prod, shm_size: 2g, extra_hosts: ["h:1.2.3.4"], isolation: default, privileged: false, secrets: [s1], tags: ["t:1"], ulimits: {nofile: 1024}, platforms: [linux/amd64]}
    blkio_config: {device_read_bps: [{path: /dev/sda, rate: 12mb}], device_read_iops: [{path: /dev/sda, rate: 120}], device_write_bps: [], device_write_iops: [], weight: 300, weight_device: [{path: /dev/sda, weight: 400}]}
    cap_add: [NET_ADMIN]
    cap_drop: [ALL]
    cgroup: private
    cgroup_parent: p
    command: echo "hello world"
    configs: [c1, {source: c2, target: /etc/c2, uid: "1000", gid: "1000", mode: "0440"}]
    container_name: web-1
    cpu_count: 2
    cpu_percent: "50"
    cpu_shares: 512
    cpu_quota: "50000"
    cpu_period: 100000
    cpu_rt_period: 1400us
    cpu_rt_runtime: 95000
    cpus: 1.5
    cpuset: 0-3
    credential_spec: {config: cs}
    depends_on: {db: {condition: service_healthy, restart: "true", required: false}}
    device_cgroup_rules: ["c 1:3 mr"]
    devices: ["/dev/ttyUSB0:/dev/ttyUSB0:rwm", {source: /dev/sda, target: /dev/xvda, permissions: r}]
    dns: 8.8.8.8
    dns_opt: [use-vc]
    dns_search: [example.com]
    domainname: example.com
    entrypoint: [/bin/sh, -c]
    env_file: [.env, {path: opt.env, required: "false", format: raw}]
    label_file: labels.txt
    environment: {A: 1, B: true, C: null, D: x}
    expose: ["3000", 4000, 53/udp]
    extends: {service: base, file: base.yaml}
    external_links: ["redis:r"]
    extra_hosts: {h1: 1.2.3.4, h2: ["::1", 10.0.0.1]}
    gpus: [{driver: nvidia, count: 1, capabilities: [gpu]}]
    group_add: [audio, 1000]
    healthcheck: {test: [CMD, curl, -f, "http://localhost"], interval: 1m30s, timeout: 10s, retries: "3", start_period: 40s, start_interval: 5s, disable: "false"}
    hostname: web
    image: nginx:1
    init: true
    ipc: shareable
    isolation: default
    labels: [a=b, c]
    links: ["db:database"]
    logging: {driver: json-file, options: {max-size: 10m, max-file: 3, tag: null}}
    mac_address: 02:42:ac:11:65:43
    mem_limit: 1g
    mem_reservation: 536870912
    mem_swappiness: "60"
    memswap_limit: -1
    network_mode: bridge
    models: {llm: {endpoint_var: URL, model_var: NAME}, other: null}
    networks: {front: {aliases: [w], ipv4_address: 172.16.0.2, ipv6_address: "::2", interface_name: eth1, link_local_ips: [169.254.0.1], mac_address: "02:00:00:00:00:01", driver_opts: {a: 1}, priority: 100, gw_priority: 1}, back: null}
    oom_kill_disable: "true"
    oom_score_adj: -500
    pid: null
    pids_limit: "-1"
    platform: linux/amd64
    ports: ["80", 8081, "8080:80", "127.0.0.1:8443:443/tcp", "[::1]:9000:9000", "9090-9091:8080-8081/udp", "127.0.0.1::5000", {target: "6000", published: 6000, host_ip: 0.0.0.0, protocol: udp, mode: host, name: p, app_protocol: http}]
    pre_start: [{image: busybox, command: ["true"], per_replica: "true"}]
    post_start: [{command: echo started, user: root, privileged: "true", working_dir: /, environment: [A=1]}]
    pre_stop: [{command: [echo, stop]}]
    privileged: "false"
    profiles: [debug]
    pull_policy: every_12h
    pull_refresh_after: 1h
    read_only: "yes"
    restart: on-failure:3
    runtime: runc
    scale: "1"
    security_opt: ["no-new-privileges:true"]
    shm_size: 64m
    secrets: [s1, {source: s2, target: s2.txt, mode: 292}]
    sysctls: {net.core.somaxconn: 1024}
    stdin_open: true
    stop_grace_period: 1m30s
    stop_signal: SIGINT
    storage_opt: {size: 1G}
    tmpfs: [/run, "/tmp:size=64m"]
    tty: "true"
    ulimits: {nproc: "65535", nofile: {soft: 20000, hard: "40000"}}
    use_api_socket: true
    user: "1000:1000"
    uts: host
    userns_mode: host
    volumes: ["./data:/data:ro,z", "named:/named:nocopy", /anon, {type: bind, source: ./b, target: /b, read_only: "true", bind: {propagation: rshared, create_host_path: "false", recursive: readonly, selinux: Z}, consistency: cached}, {type: volume, source: v, target: /v, volume: {nocopy: "true", subpath: sub, labels: [a=b]}}, {type: tmpfs, target: /t, tmpfs: {size: 64m, mode: "1777"}}, {type: image, source: alpine, target: /img, image: {subpath: etc}}]
    volumes_from: ["other:ro"]
    working_dir: /app
    x-berth: {expose: true}
  db: {image: postgres, provider: {type: model, options: {model: ai/x, flags: [a, 1, true]}}}
  other: {image: busybox, build: ., depends_on: [db], networks: [front], command: null, entrypoint: [], deploy: null, develop: null, gpus: all, env_file: .env, extends: base, models: [llm], extra_hosts: ["h=1.2.3.4"]}
models: {llm: {model: ai/smollm2, context_size: 1024, runtime_flags: [--x], name: n}}
networks:
  front: {driver: bridge, driver_opts: {mtu: 1500}, ipam: {driver: default, config: [{subnet: 172.16.0.0/24, ip_range: 172.16.0.0/25, gateway: 172.16.0.1, aux_addresses: {host1: 172.16.0.5}}], options: {foo: bar}}, internal: "false", enable_ipv4: true, enable_ipv6: "true", attachable: true, labels: {a: b}, name: front-net, x-note: 1}
  back: null
  legacy: {external: {name: legacy-net}}
volumes: {data: null, named: {driver: local, driver_opts: {type: none, o: bind, device: /srv}, labels: [a=b], name: n}, old: {external: {name: old-vol}}, v: {}}
secrets: {s1: {file: ./s1.txt}, s2: {environment: TOKEN}, s3: {external: true}, s4: {name: x, driver: d, driver_opts: {a: 1}, template_driver: golang, labels: {a: b}}}
configs: {c1: {file: ./c1}, c2: {content: hello}, c3: {external: {name: cfg}}, c4: {environment: CFG, template_driver: golang}}
x-common: {a: 1}
`;

/** Values of every JSON type and of the shapes compose uses, to put in place of any node. */
const REPLACEMENTS: unknown[] = [
  null,
  1,
  1.5,
  -1,
  0,
  true,
  false,
  'x',
  '',
  '10s',
  '1g',
  'true',
  'all',
  'always',
  70000,
  [],
  ['a'],
  ['a', 'a'],
  [1],
  [null],
  [{}],
  {},
  { a: 1 },
  { 'x-a': 1 },
  { '': 'a' },
  { type: 'bind' },
];

type Path = (string | number)[];

function allPaths(value: unknown, path: Path = [], out: Path[] = []): Path[] {
  if (path.length > 0) out.push(path);
  if (Array.isArray(value)) {
    for (const [i, v] of value.entries()) allPaths(v, [...path, i], out);
  } else if (value !== null && typeof value === 'object')
    for (const [k, v] of Object.entries(value)) allPaths(v, [...path, k], out);
  return out;
}

/** A copy of `doc` with the node at `path` replaced, or (`addKey`) a key added beside it. */
function mutate(doc: unknown, path: Path, replacement: unknown, addKey?: string): unknown {
  const copy: unknown = structuredClone(doc);
  let parent = copy as Record<string | number, unknown>;
  for (const key of path.slice(0, -1)) parent = parent[key] as Record<string | number, unknown>;
  const last = path[path.length - 1] ?? '';
  if (addKey === undefined) parent[last] = structuredClone(replacement);
  else if (!Array.isArray(parent)) parent[addKey] = structuredClone(replacement);
  return copy;
}

describe('mutations of a document that uses every key', () => {
  it('finds the upstream schema', () => {
    expect(existsSync(SCHEMA_FILE), `compose-spec schema not found: looked for ${SCHEMA_FILE}`).toBe(true);
  });
  if (!existsSync(SCHEMA_FILE)) return;
  const validate = new Ajv2020({ strict: false }).compile(JSON.parse(readFileSync(SCHEMA_FILE, 'utf8')));
  const upstream = (doc: unknown): boolean => validate(doc) === true;

  const sink: unknown = parse(KITCHEN_SINK);
  it('both accept a document that uses every key', () => {
    expect(upstream(sink)).toBe(true);
    expect(ComposeFileSchema.safeParse(sink).success).toBe(true);
  });

  it('never accepts a mutation of that document that upstream rejects', () => {
    // Deterministic: every node, each replaced by a value chosen by its index, plus added keys.
    const paths = allPaths(sink);
    const lenient: string[] = [];
    paths.forEach((path, i) => {
      for (let k = 0; k < 4; k += 1) {
        const replacement = REPLACEMENTS[(i * 7 + k * 11) % REPLACEMENTS.length];
        const addKey = k === 3 ? ['not_a_key', 'x-ok', ''][i % 3] : undefined;
        const doc = mutate(sink, path, replacement, addKey);
        if (!upstream(doc) && ComposeFileSchema.safeParse(doc).success)
          lenient.push(
            `${path.join('.')}${addKey === undefined ? '' : ` +${addKey}`} = ${JSON.stringify(replacement)}`,
          );
      }
    });
    expect(paths.length).toBeGreaterThan(400);
    expect(lenient).toEqual([]);
  });
});
