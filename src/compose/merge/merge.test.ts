import { describe, expect, it } from 'vitest';
import { isMap, isScalar, isSeq, parse, parseDocument } from 'yaml';
import { type MergeDirectives, mergeCompose, mergeService, NO_DIRECTIVES, type Path } from './merge.js';

// ---------------------------------------------------------------------------------------------------------
// helpers

function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const child of Object.values(value)) deepFreeze(child);
  }
  return value;
}

type Doc = Record<string, unknown>;

function yaml(text: string): Doc {
  return deepFreeze(parse(text) as Doc);
}

/**
 * Parses an override with `!reset` / `!override` tags the way the loader does: the tag paths, and the value
 * with or without the `!reset` nodes (the merge must give the same result either way).
 */
function tagged(text: string, stripResets = true): { doc: Doc; directives: MergeDirectives } {
  const document = parseDocument(text);
  const reset: Path[] = [];
  const override: Path[] = [];
  const walk = (node: unknown, path: (string | number)[]): void => {
    const tag = (node as { tag?: string } | null)?.tag;
    if (tag === '!reset') reset.push(path);
    if (tag === '!override') override.push(path);
    if (isMap(node)) {
      for (const pair of node.items) {
        if (isScalar(pair.key)) walk(pair.value, [...path, String(pair.key.value)]);
      }
    } else if (isSeq(node)) {
      node.items.forEach((item, i) => {
        walk(item, [...path, i]);
      });
    }
  };
  walk(document.contents, []);
  const doc = document.toJS() as Doc;
  if (stripResets) {
    for (const path of [...reset].reverse()) {
      let parent: unknown = doc;
      for (const segment of path.slice(0, -1)) parent = (parent as Record<string | number, unknown>)[segment];
      const last = path[path.length - 1];
      if (Array.isArray(parent)) parent.splice(Number(last), 1);
      else if (last !== undefined) delete (parent as Record<string, unknown>)[String(last)];
    }
  }
  return { doc: deepFreeze(doc), directives: deepFreeze({ reset, override }) };
}

function merge(base: string, override: string): Doc {
  return mergeCompose(yaml(base), yaml(override));
}

/** Merges one attribute of service `s` given as YAML values (flow or block). */
function mergeAttr(key: string, base: string, override: string): unknown {
  const doc = (value: string) => yaml(`services:\n  s:\n    ${key}: ${value}\n`);
  const out = mergeCompose(doc(base), doc(override));
  return (out.services as Record<string, Record<string, unknown>>).s?.[key];
}

type Case = readonly [name: string, base: string, override: string, expected: unknown];

function table(key: string, cases: readonly Case[]): void {
  describe(key, () => {
    it.each(cases)('%s', (_name, base, override, expected) => {
      expect(mergeAttr(key, base, override)).toEqual(expected);
    });
  });
}

function service(doc: Doc, name: string): Record<string, unknown> {
  const services = doc.services as Record<string, Record<string, unknown>>;
  const svc = services[name];
  if (svc === undefined) throw new Error(`no service ${name}`);
  return svc;
}

// ---------------------------------------------------------------------------------------------------------
// scalars and replaced values

table('image', [
  ['override wins', 'nginx:1', 'nginx:2', 'nginx:2'],
  ['null override keeps the base (use !reset to remove)', 'nginx:1', 'null', 'nginx:1'],
  ['mapping in override replaces a scalar base (odd shape)', 'nginx:1', '{a: 1}', { a: 1 }],
]);
table('network_mode', [['scalar replaced', 'host', '"service:db"', 'service:db']]);
table('restart', [['scalar replaced', 'always', 'no', 'no']]);
table('command', [
  ['list replaced, not appended', '[echo, foo]', '[echo, bar]', ['echo', 'bar']],
  ['string replaces list', '[echo, foo]', '"echo bar"', 'echo bar'],
  ['list replaces string', '"echo foo"', '[echo, bar]', ['echo', 'bar']],
  ['empty list replaces', '[echo, foo]', '[]', []],
  ['explicit null replaces (null means the image default)', '[echo, foo]', 'null', null],
]);
table('entrypoint', [
  ['list replaced, not appended', '[/a, -x]', '[/b]', ['/b']],
  ['string replaces list', '[/a]', '/b', '/b'],
]);
table('healthcheck', [
  [
    'test replaced while other keys merge',
    '{test: [CMD, a], interval: 10s, retries: 3}',
    '{test: [CMD, b], interval: 5s}',
    { test: ['CMD', 'b'], interval: '5s', retries: 3 },
  ],
  ['disable added', '{test: [CMD, a]}', '{disable: true}', { test: ['CMD', 'a'], disable: true }],
  ['string test replaces list test', '{test: [CMD, a]}', '{test: "curl x"}', { test: 'curl x' }],
]);
table('profiles', [
  // compose-go indexes profiles as unique values: they append and de-duplicate, they are not replaced.
  ['profiles append and de-duplicate (not replaced)', '[a, b]', '[b, c]', ['a', 'b', 'c']],
]);

// ---------------------------------------------------------------------------------------------------------
// unique resources

table('ports', [
  ['identical short entries dedupe', '["8080:80"]', '["8080:80"]', ['8080:80']],
  ['different entries append, base first', '["8080:80"]', '["9090:90"]', ['8080:80', '9090:90']],
  [
    'long entry with the same key replaces the short one in place',
    '["1:1", "8080:80", "2:2"]',
    '[{target: 80, published: "8080", mode: host}]',
    ['1:1', { target: 80, published: '8080', mode: 'host' }, '2:2'],
  ],
  [
    'published as number equals published as string',
    '[{target: 80, published: 8080}]',
    '["8080:80"]',
    ['8080:80'],
  ],
  [
    'different host_ip are different ports',
    '["127.0.0.1:8080:80"]',
    '["8080:80"]',
    ['127.0.0.1:8080:80', '8080:80'],
  ],
  ['missing host_ip is 0.0.0.0', '["0.0.0.0:8080:80"]', '["8080:80"]', ['8080:80']],
  ['different protocol are different ports', '["53:53/udp"]', '["53:53"]', ['53:53/udp', '53:53']],
  ['tcp is the default protocol', '["53:53/tcp"]', '["53:53"]', ['53:53']],
  [
    'protocol is case-insensitive',
    '["53:53/UDP"]',
    '[{target: 53, published: 53, protocol: udp}]',
    [{ target: 53, published: 53, protocol: 'udp' }],
  ],
  [
    'mode is not part of the key (compose-go): the override entry replaces',
    '[{target: 80, published: 8080, mode: ingress}]',
    '[{target: 80, published: 8080, mode: host}]',
    [{ target: 80, published: 8080, mode: 'host' }],
  ],
  ['container-only number equals container-only string', '[80]', '["80"]', ['80']],
  ['container-only is not the same as published', '["80"]', '["80:80"]', ['80', '80:80']],
  [
    'bracketed IPv6 host equals long host_ip',
    '["[::1]:8080:80"]',
    '[{host_ip: "::1", target: 80, published: 8080}]',
    [{ host_ip: '::1', target: 80, published: 8080 }],
  ],
  ['bare IPv6 host equals bracketed', '["::1:8080:80"]', '["[::1]:8080:80"]', ['[::1]:8080:80']],
  [
    'ranges are kept as written',
    '["8000-8001:80-81"]',
    '["9000-9001:80-81"]',
    ['8000-8001:80-81', '9000-9001:80-81'],
  ],
  ['null override keeps base', '["8080:80"]', 'null', ['8080:80']],
  ['base duplicates collapse too (compose-go unicity)', '["8080:80", "8080:80"]', '[]', ['8080:80']],
]);

table('volumes', [
  ['same target: override replaces', '["./a:/data"]', '["./b:/data"]', ['./b:/data']],
  ['different targets append', '["./a:/data"]', '["./b:/logs"]', ['./a:/data', './b:/logs']],
  [
    'long and short with the same target',
    '["./a:/data:ro"]',
    '[{type: volume, source: db, target: /data}]',
    [{ type: 'volume', source: 'db', target: '/data' }],
  ],
  ['short replaces long', '[{type: bind, source: ./a, target: /data}]', '["vol:/data"]', ['vol:/data']],
  ['anonymous volume keyed by its target', '["/data"]', '["./x:/data:ro"]', ['./x:/data:ro']],
  ['Windows drive letter is part of the source', '["C:\\\\x:/data"]', '["./y:/data"]', ['./y:/data']],
  ['Windows drive letter in the target', '["./a:C:\\\\data"]', '["./b:C:\\\\data:ro"]', ['./b:C:\\data:ro']],
  ['trailing slash is the same target', '["./a:/data/"]', '["./b:/data"]', ['./b:/data']],
  [
    'entries without target do not throw and dedupe only when identical',
    '[{type: tmpfs}]',
    '[{type: tmpfs}, {type: bind}]',
    [{ type: 'tmpfs' }, { type: 'bind' }],
  ],
  [
    'tmpfs long form by target',
    '[{type: tmpfs, target: /run}]',
    '[{type: tmpfs, target: /run, tmpfs: {size: 1}}]',
    [{ type: 'tmpfs', target: '/run', tmpfs: { size: 1 } }],
  ],
]);

table('secrets', [
  [
    'short then long with same source',
    '[db_pass]',
    '[{source: db_pass, uid: "103"}]',
    [{ source: 'db_pass', uid: '103' }],
  ],
  [
    'explicit default target equals short',
    '[db_pass]',
    '[{source: db_pass, target: /run/secrets/db_pass}]',
    [{ source: 'db_pass', target: '/run/secrets/db_pass' }],
  ],
  ['relative target is under /run/secrets', '[{source: a, target: b}]', '[b]', ['b']],
  [
    'absolute target differs from the default',
    '[a]',
    '[{source: a, target: /etc/a}]',
    ['a', { source: 'a', target: '/etc/a' }],
  ],
  ['different secrets append', '[a]', '[b]', ['a', 'b']],
]);

table('configs', [
  [
    'short equals long with /<source> target',
    '[nginx]',
    '[{source: nginx, target: /nginx}]',
    [{ source: 'nginx', target: '/nginx' }],
  ],
  [
    'different target appends',
    '[nginx]',
    '[{source: nginx, target: /etc/nginx.conf}]',
    ['nginx', { source: 'nginx', target: '/etc/nginx.conf' }],
  ],
  [
    'same target, different source: override replaces',
    '[{source: a, target: /c}]',
    '[{source: b, target: /c}]',
    [{ source: 'b', target: '/c' }],
  ],
]);

table('devices', [
  ['same container path replaces', '["/dev/a:/dev/b"]', '["/dev/c:/dev/b:rwm"]', ['/dev/c:/dev/b:rwm']],
  [
    'single path is also the container path',
    '["/dev/x"]',
    '[{source: /dev/x, target: /dev/x, permissions: r}]',
    [{ source: '/dev/x', target: '/dev/x', permissions: 'r' }],
  ],
  [
    'CDI names are distinct devices',
    '["nvidia.com/gpu=0"]',
    '["nvidia.com/gpu=1"]',
    ['nvidia.com/gpu=0', 'nvidia.com/gpu=1'],
  ],
]);

// ---------------------------------------------------------------------------------------------------------
// append-and-de-duplicate sequences

describe('append-unique sequences', () => {
  const keys = [
    'cap_add',
    'cap_drop',
    'dns',
    'dns_search',
    'dns_opt',
    'security_opt',
    'group_add',
    'external_links',
    'links',
    'volumes_from',
    'device_cgroup_rules',
    'profiles',
  ];
  it.each(keys)('%s appends, dedupes, keeps base order', (key) => {
    expect(mergeAttr(key, '[a, b, a]', '[c, b, d]')).toEqual(['a', 'b', 'c', 'd']);
  });
  it.each(['dns', 'dns_search', 'env_file', 'label_file', 'tmpfs'])(
    '%s accepts a lone string on either side',
    (key) => {
      expect(mergeAttr(key, 'x', '[x, y]')).toEqual(['x', 'y']);
      expect(mergeAttr(key, '[x]', 'y')).toEqual(['x', 'y']);
      expect(mergeAttr(key, 'x', 'x')).toEqual(['x']);
    },
  );
  it('group_add treats 1000 and "1000" as the same group', () => {
    expect(mergeAttr('group_add', '[1000]', '["1000", audio]')).toEqual(['1000', 'audio']);
  });
  it('a lone string is not a list for cap_add: the override replaces', () => {
    expect(mergeAttr('cap_add', '[A]', 'B')).toBe('B');
  });
});

table('env_file', [
  [
    'same path in both forms: override entry replaces',
    '[.env]',
    '[{path: .env, required: false}]',
    [{ path: '.env', required: false }],
  ],
  ['./ prefix is the same file', '[./.env]', '[.env, other.env]', ['.env', 'other.env']],
]);
table('label_file', [['by path', '[a.labels]', '[a.labels, b.labels]', ['a.labels', 'b.labels']]]);
table('tmpfs', [
  [
    'same mount path: override options replace',
    '["/run:size=64m", /tmp]',
    '["/run:size=128m"]',
    ['/run:size=128m', '/tmp'],
  ],
]);
table('expose', [
  ['number and string are the same port', '[80]', '["80", 443]', ['80', 443]],
  ['tcp is the default protocol', '["80/tcp"]', '[80]', [80]],
  ['udp is different', '["80/udp"]', '[80]', ['80/udp', 80]],
]);

// ---------------------------------------------------------------------------------------------------------
// mappings that may be written as lists

table('environment', [
  ['two mappings merge by key, override wins', '{A: 1, B: 2}', '{B: 3, C: 4}', { A: 1, B: 3, C: 4 }],
  [
    'two lists stay a list, unique by key, replaced in place',
    '[A=1, B=2]',
    '[B=3, C=4]',
    ['A=1', 'B=3', 'C=4'],
  ],
  ['list base, mapping override → mapping', '[A=1, B=2, C]', '{B: x}', { A: '1', B: 'x', C: null }],
  ['mapping base, list override → mapping', '{A: 1}', '[A=2, B]', { A: '2', B: null }],
  ['value keeps everything after the first =', '[A=x=y]', '{B: 1}', { A: 'x=y', B: 1 }],
  ['KEY alone replaces KEY=VALUE in lists', '[A=1]', '[A]', ['A']],
  ['explicit null in override wins (unset / from host)', '{A: 1}', '{A: null}', { A: null }],
  ['empty value', '{A: 1}', '[A=]', { A: '' }],
  ['null override keeps base', '[A=1]', 'null', ['A=1']],
  ['non-scalar list entries: override replaces', '[A=1]', '[{B: 2}]', [{ B: 2 }]],
  ['a string is not a valid form: override replaces', '{A: 1}', 'A=2', 'A=2'],
]);
describe('other key/value attributes', () => {
  it.each(['labels', 'annotations', 'sysctls'])('%s merges by key across forms', (key) => {
    expect(mergeAttr(key, '[a.b=1, c=2]', '{c: 3, d: 4}')).toEqual({ 'a.b': '1', c: 3, d: 4 });
    expect(mergeAttr(key, '[a.b=1, c=2]', '[c=3]')).toEqual(['a.b=1', 'c=3']);
  });
  it.each(['args', 'labels', 'additional_contexts', 'ssh'])('build.%s merges by key across forms', (key) => {
    const out = merge(
      `services: {s: {build: {context: ., ${key}: [A=1, B=2]}}}`,
      `services: {s: {build: {${key}: {B: 3}}}}`,
    );
    expect(service(out, 's').build).toEqual({ context: '.', [key]: { A: '1', B: 3 } });
  });
  it('deploy.labels merges by key', () => {
    const out = merge(
      'services: {s: {deploy: {labels: [a=1]}}}',
      'services: {s: {deploy: {labels: {b: 2}}}}',
    );
    expect(service(out, 's').deploy).toEqual({ labels: { a: '1', b: 2 } });
  });
  it('top-level network, volume, secret and config labels merge by key', () => {
    const out = merge(
      'networks: {n: {labels: [a=1]}}\nvolumes: {v: {labels: [a=1]}}\nsecrets: {s: {file: x, labels: [a=1]}}\nconfigs: {c: {labels: {a: 1}}}',
      'networks: {n: {labels: {b: 2}}}\nvolumes: {v: {labels: [a=2]}}\nsecrets: {s: {labels: {a: 3}}}\nconfigs: {c: {labels: [b=2]}}',
    );
    expect(out).toEqual({
      networks: { n: { labels: { a: '1', b: 2 } } },
      volumes: { v: { labels: ['a=2'] } },
      secrets: { s: { file: 'x', labels: { a: 3 } } },
      configs: { c: { labels: { a: 1, b: '2' } } },
    });
  });
});

table('extra_hosts', [
  [
    'two lists: merged by hostname, override wins',
    '["a=1.1.1.1", "b=2.2.2.2"]',
    '["b=3.3.3.3"]',
    ['a=1.1.1.1', 'b=3.3.3.3'],
  ],
  [
    'host:ip and host=ip name the same host',
    '["a:1.1.1.1"]',
    '["a=9.9.9.9", "c=3.3.3.3"]',
    ['a=9.9.9.9', 'c=3.3.3.3'],
  ],
  ['IPv6 addresses keep their colons', '["a:::1"]', '["b=::2"]', ['a:::1', 'b=::2']],
  [
    'all addresses of an overridden host are replaced at its first position',
    '["a=1", "b=2", "a=3"]',
    '["a=4", "a=5"]',
    ['a=4', 'a=5', 'b=2'],
  ],
  ['two mappings merge by key', '{a: 1.1.1.1, b: 2.2.2.2}', '{b: 3.3.3.3}', { a: '1.1.1.1', b: '3.3.3.3' }],
  [
    'mixed forms give a mapping',
    '["a=1.1.1.1", "b:::1"]',
    '{c: 3.3.3.3}',
    { a: '1.1.1.1', b: '::1', c: '3.3.3.3' },
  ],
  [
    'mixed, several addresses for one host become a list',
    '{x: 1}',
    '["a=1.1.1.1", "a=::1"]',
    {
      x: 1,
      a: ['1.1.1.1', '::1'],
    },
  ],
  ['mapping base, list override: override wins by host', '{a: 1.1.1.1}', '["a:2.2.2.2"]', { a: '2.2.2.2' }],
]);
it('build.extra_hosts merges like extra_hosts', () => {
  const out = merge(
    'services: {s: {build: {extra_hosts: ["a=1"]}}}',
    'services: {s: {build: {extra_hosts: {b: 2}}}}',
  );
  expect(service(out, 's').build).toEqual({ extra_hosts: { a: '1', b: 2 } });
});

table('depends_on', [
  ['two lists append unique', '[db, cache]', '[cache, queue]', ['db', 'cache', 'queue']],
  [
    'list base, mapping override',
    '[db, cache]',
    '{db: {condition: service_healthy}}',
    {
      db: { condition: 'service_healthy' },
      cache: { condition: 'service_started' },
    },
  ],
  [
    // A short-form name in the override is `condition: service_started`, which then wins (as in compose-go).
    'mapping base, list override: the short form means service_started and overrides the condition',
    '{db: {condition: service_healthy, restart: true}}',
    '[db, cache]',
    { db: { condition: 'service_started', restart: true }, cache: { condition: 'service_started' } },
  ],
  [
    'two mappings merge entries recursively',
    '{db: {condition: service_healthy}}',
    '{db: {restart: true}}',
    {
      db: { condition: 'service_healthy', restart: true },
    },
  ],
  ['null override keeps base', '[db]', 'null', ['db']],
]);

table('networks', [
  ['two lists append unique', '[front, back]', '[front, admin]', ['front', 'back', 'admin']],
  [
    'list base, mapping override',
    '[front, back]',
    '{front: {aliases: [web]}}',
    { front: { aliases: ['web'] }, back: null },
  ],
  [
    'mapping base, list override keeps the entry (null does not erase)',
    '{front: {aliases: [web]}}',
    '[front, x]',
    {
      front: { aliases: ['web'] },
      x: null,
    },
  ],
  [
    'aliases and link_local_ips append unique',
    '{n: {aliases: [a, b], link_local_ips: [1.1.1.1], ipv4_address: 10.0.0.2}}',
    '{n: {aliases: [b, c], link_local_ips: [1.1.1.1, 2.2.2.2], ipv4_address: 10.0.0.3}}',
    { n: { aliases: ['a', 'b', 'c'], link_local_ips: ['1.1.1.1', '2.2.2.2'], ipv4_address: '10.0.0.3' } },
  ],
]);
table('models', [
  [
    'list and mapping',
    '[llm]',
    '{llm: {endpoint_var: URL}, emb: null}',
    {
      llm: { endpoint_var: 'URL' },
      emb: null,
    },
  ],
]);

// ---------------------------------------------------------------------------------------------------------
// nested mappings

table('logging', [
  [
    'same driver: options merge',
    '{driver: json-file, options: {max-size: 1m, max-file: 3}}',
    '{driver: json-file, options: {max-size: 5m}}',
    {
      driver: 'json-file',
      options: { 'max-size': '5m', 'max-file': 3 },
    },
  ],
  [
    'different driver: whole block replaced',
    '{driver: json-file, options: {max-size: 1m}}',
    '{driver: syslog, options: {tag: x}}',
    {
      driver: 'syslog',
      options: { tag: 'x' },
    },
  ],
  [
    'override without driver: options merge',
    '{driver: json-file, options: {a: 1}}',
    '{options: {b: 2}}',
    {
      driver: 'json-file',
      options: { a: 1, b: 2 },
    },
  ],
  [
    'base without driver: options merge',
    '{options: {a: 1}}',
    '{driver: local, options: {b: 2}}',
    {
      driver: 'local',
      options: { a: 1, b: 2 },
    },
  ],
  ['odd shape: override replaces', '{driver: local}', 'none', 'none'],
]);

table('build', [
  ['two strings: override wins', './a', './b', './b'],
  [
    'string base is {context}',
    './a',
    '{dockerfile: Dev.Dockerfile}',
    { context: './a', dockerfile: 'Dev.Dockerfile' },
  ],
  [
    'string override replaces the context only',
    '{context: ./a, target: prod}',
    './b',
    { context: './b', target: 'prod' },
  ],
  [
    'mappings merge; tags and platforms append unique',
    '{context: ., tags: [a], platforms: [linux/amd64]}',
    '{tags: [a, b], platforms: [linux/arm64]}',
    {
      context: '.',
      tags: ['a', 'b'],
      platforms: ['linux/amd64', 'linux/arm64'],
    },
  ],
  [
    'build secrets by target',
    '{secrets: [a]}',
    '{secrets: [{source: a, target: a}, b]}',
    {
      secrets: [{ source: 'a', target: 'a' }, 'b'],
    },
  ],
  ['odd shape: override replaces', '{context: .}', '[x]', ['x']],
]);

table('deploy', [
  [
    'resources merge recursively; placement lists append unique',
    '{replicas: 1, resources: {limits: {cpus: "1", memory: 1G}}, placement: {constraints: [a], preferences: [{spread: x}]}}',
    '{replicas: 2, resources: {limits: {memory: 2G}, reservations: {cpus: "0.5"}}, placement: {constraints: [a, b], preferences: [{spread: x}, {spread: y}]}}',
    {
      replicas: 2,
      resources: { limits: { cpus: '1', memory: '2G' }, reservations: { cpus: '0.5' } },
      placement: { constraints: ['a', 'b'], preferences: [{ spread: 'x' }, { spread: 'y' }] },
    },
  ],
]);

table('ulimits', [
  // compose-go replaces each ulimit entry as a whole: soft and hard belong together.
  [
    'entries merge by name; an entry is replaced as a whole',
    '{nofile: {soft: 1, hard: 2}, nproc: 10}',
    '{nofile: {soft: 3}, core: 0}',
    {
      nofile: { soft: 3 },
      nproc: 10,
      core: 0,
    },
  ],
  ['single value replaces soft/hard', '{nofile: {soft: 1, hard: 2}}', '{nofile: 5}', { nofile: 5 }],
  ['null entry keeps base', '{nofile: 5}', '{nofile: null}', { nofile: 5 }],
]);

table('blkio_config', [
  [
    'device lists are unique by path',
    '{weight: 300, weight_device: [{path: /dev/sda, weight: 400}], device_read_bps: [{path: /dev/sda, rate: 1mb}]}',
    '{weight_device: [{path: /dev/sda, weight: 500}, {path: /dev/sdb, weight: 1}], device_read_bps: [{path: /dev/sdb, rate: 2mb}]}',
    {
      weight: 300,
      weight_device: [
        { path: '/dev/sda', weight: 500 },
        { path: '/dev/sdb', weight: 1 },
      ],
      device_read_bps: [
        { path: '/dev/sda', rate: '1mb' },
        { path: '/dev/sdb', rate: '2mb' },
      ],
    },
  ],
]);

table('develop', [
  [
    'watch rules append (compose-spec default for sequences)',
    '{watch: [{action: sync, path: ./a, target: /a}]}',
    '{watch: [{action: rebuild, path: package.json}]}',
    {
      watch: [
        { action: 'sync', path: './a', target: '/a' },
        { action: 'rebuild', path: 'package.json' },
      ],
    },
  ],
]);

table('x-custom', [
  [
    'service extension fields merge recursively',
    '{a: {b: 1, c: [1]}}',
    '{a: {d: 2, c: [2]}}',
    { a: { b: 1, d: 2, c: [1, 2] } },
  ],
]);

// ---------------------------------------------------------------------------------------------------------
// top level

describe('top-level sections', () => {
  it('services only in base or only in override are kept as is', () => {
    const out = merge(
      'services: {a: {image: a}, b: {image: b}}',
      'services: {b: {image: b2}, c: {image: c}}',
    );
    expect(out).toEqual({ services: { a: { image: 'a' }, b: { image: 'b2' }, c: { image: 'c' } } });
    expect(Object.keys(out.services as object)).toEqual(['a', 'b', 'c']);
  });
  it.each(['networks', 'volumes', 'secrets', 'configs', 'models'])(
    '%s merge by key, entries recursively',
    (key) => {
      const out = merge(
        `${key}: {a: {driver: x, driver_opts: {o: 1}}, b: null}`,
        `${key}: {a: {driver_opts: {p: 2}}, b: {external: true}, c: {}}`,
      );
      expect(out[key]).toEqual({
        a: { driver: 'x', driver_opts: { o: 1, p: 2 } },
        b: { external: true },
        c: {},
      });
    },
  );
  it('x-* extensions merge by key, recursively', () => {
    const out = merge(
      'x-common: {env: {A: 1}, list: [1]}\nx-only-base: 1',
      'x-common: {env: {B: 2}, list: [2]}\nx-new: 2',
    );
    expect(out).toEqual({ 'x-common': { env: { A: 1, B: 2 }, list: [1, 2] }, 'x-only-base': 1, 'x-new': 2 });
  });
  it('name is replaced', () => {
    expect(merge('name: a', 'name: b')).toEqual({ name: 'b' });
  });
  it('ipam.config entries merge by subnet', () => {
    const out = merge(
      'networks: {n: {ipam: {driver: default, config: [{subnet: 10.0.0.0/24, gateway: 10.0.0.1}, {subnet: 10.1.0.0/24}]}}}',
      'networks: {n: {ipam: {config: [{subnet: 10.0.0.0/24, ip_range: 10.0.0.0/28}, {subnet: 10.2.0.0/24}]}}}',
    );
    expect(out.networks).toEqual({
      n: {
        ipam: {
          driver: 'default',
          config: [
            { subnet: '10.0.0.0/24', gateway: '10.0.0.1', ip_range: '10.0.0.0/28' },
            { subnet: '10.1.0.0/24' },
            { subnet: '10.2.0.0/24' },
          ],
        },
      },
    });
  });
});

// ---------------------------------------------------------------------------------------------------------
// realistic stack

describe('a realistic base + override pair', () => {
  const base = yaml(`
name: shop
services:
  web:
    image: shop/web:1.4
    command: [node, server.js]
    ports: ["8080:3000"]
    environment:
      NODE_ENV: production
      DB_HOST: db
    volumes:
      - static:/app/static
      - ./config/prod.json:/app/config.json:ro
    depends_on: [db]
    networks: [front, back]
    logging: {driver: json-file, options: {max-size: 10m}}
    healthcheck: {test: [CMD, curl, -f, http://localhost:3000/health], interval: 30s}
  db:
    image: postgres:16
    environment: [POSTGRES_PASSWORD_FILE=/run/secrets/pg, POSTGRES_DB=shop]
    volumes: [pgdata:/var/lib/postgresql/data]
    secrets: [pg]
    networks: [back]
volumes: {static: {}, pgdata: {}}
networks: {front: {}, back: {internal: true}}
secrets: {pg: {file: ./secrets/pg.txt}}
`);
  const override = yaml(`
services:
  web:
    build: .
    command: [npm, run, dev]
    ports: ["9229:9229", "8080:3000"]
    environment: [NODE_ENV=development, DEBUG=shop:*]
    volumes:
      - ./config/dev.json:/app/config.json
      - ./src:/app/src
    depends_on:
      db: {condition: service_healthy}
      mailhog: {condition: service_started}
    healthcheck: {test: [CMD, "true"]}
  db:
    ports: ["5432:5432"]
    healthcheck: {test: [CMD-SHELL, pg_isready], interval: 5s}
  mailhog:
    image: mailhog/mailhog
    ports: ["8025:8025"]
    networks: [back]
`);

  it('merges the web/db stack as compose would', () => {
    expect(mergeCompose(base, override)).toEqual({
      name: 'shop',
      services: {
        web: {
          image: 'shop/web:1.4',
          command: ['npm', 'run', 'dev'],
          ports: ['8080:3000', '9229:9229'],
          environment: { NODE_ENV: 'development', DB_HOST: 'db', DEBUG: 'shop:*' },
          volumes: ['static:/app/static', './config/dev.json:/app/config.json', './src:/app/src'],
          depends_on: {
            db: { condition: 'service_healthy' },
            mailhog: { condition: 'service_started' },
          },
          networks: ['front', 'back'],
          logging: { driver: 'json-file', options: { 'max-size': '10m' } },
          healthcheck: { test: ['CMD', 'true'], interval: '30s' },
          build: '.',
        },
        db: {
          image: 'postgres:16',
          environment: ['POSTGRES_PASSWORD_FILE=/run/secrets/pg', 'POSTGRES_DB=shop'],
          volumes: ['pgdata:/var/lib/postgresql/data'],
          secrets: ['pg'],
          networks: ['back'],
          ports: ['5432:5432'],
          healthcheck: { test: ['CMD-SHELL', 'pg_isready'], interval: '5s' },
        },
        mailhog: { image: 'mailhog/mailhog', ports: ['8025:8025'], networks: ['back'] },
      },
      volumes: { static: {}, pgdata: {} },
      networks: { front: {}, back: { internal: true } },
      secrets: { pg: { file: './secrets/pg.txt' } },
    });
  });

  it('never mutates (deep-frozen) inputs and shares no node with them', () => {
    const before = JSON.stringify([base, override]);
    const out = mergeCompose(base, override);
    expect(JSON.stringify([base, override])).toBe(before);
    const inputs = new Set<unknown>();
    const collect = (v: unknown, into: (x: object) => void): void => {
      if (typeof v === 'object' && v !== null) {
        into(v);
        for (const child of Object.values(v)) collect(child, into);
      }
    };
    collect([base, override], (x) => inputs.add(x));
    const shared: object[] = [];
    collect(out, (x) => {
      if (inputs.has(x)) shared.push(x);
    });
    expect(shared).toEqual([]);
    // the result is an ordinary mutable object
    (service(out, 'web').ports as unknown[]).push('1:1');
    expect(service(base, 'web').ports).toEqual(['8080:3000']);
  });

  it('merging an empty override returns an equal copy', () => {
    const out = mergeCompose(base, {});
    expect(out).toEqual(base);
    expect(out).not.toBe(base);
  });
});

// ---------------------------------------------------------------------------------------------------------
// !reset and !override

describe('!reset and !override', () => {
  const base = yaml(`
services:
  web:
    image: web
    ports: ["80:80", "443:443"]
    environment: {FOO: "1", BAR: "2"}
    labels: [a=1, b=2]
    depends_on: {db: {condition: service_healthy, restart: true}, cache: {condition: service_started}}
    networks: {front: {aliases: [www]}, back: null}
    extra_hosts: ["h1=1.1.1.1", "h2=2.2.2.2"]
  db:
    image: db
volumes:
  data: {driver: local}
`);
  const run = (text: string, strip = true) => {
    const { doc, directives } = tagged(text, strip);
    return mergeCompose(base, doc, directives);
  };

  describe.each([
    ['with !reset nodes already removed from the override', true],
    ['with !reset nodes still in the override', false],
  ])('%s', (_name, strip) => {
    it('!reset at service-key level removes the key', () => {
      const web = service(run('services: {web: {ports: !reset []}}', strip), 'web');
      expect(web).not.toHaveProperty('ports');
      expect(web.image).toBe('web');
    });
    it('!reset of a nested mapping entry removes that entry only', () => {
      const web = service(run('services: {web: {environment: {FOO: !reset null, NEW: x}}}', strip), 'web');
      expect(web.environment).toEqual({ BAR: '2', NEW: 'x' });
    });
    it('!reset of an entry in a list-form base removes the matching list entry', () => {
      const web = service(run('services: {web: {labels: {a: !reset null}}}', strip), 'web');
      expect(web.labels).toEqual({ b: '2' });
    });
    it('!reset of a name in a mapping-form depends_on', () => {
      const web = service(run('services: {web: {depends_on: {db: !reset {}}}}', strip), 'web');
      expect(web.depends_on).toEqual({ cache: { condition: 'service_started' } });
    });
    it('!reset of an extra host by name in a list-form base', () => {
      const web = service(run('services: {web: {extra_hosts: {h1: !reset null}}}', strip), 'web');
      expect(web.extra_hosts).toEqual({ h2: '2.2.2.2' });
    });
    it('!reset of a whole service removes it', () => {
      const out = run('services: {db: !reset null, web: {image: web2}}', strip);
      expect(out.services).toEqual({ web: { ...service(base, 'web'), image: 'web2' } });
    });
    it('!reset of a top-level resource and of a key absent from base', () => {
      const out = run('volumes: {data: !reset}\nservices: {web: {user: !reset root}}', strip);
      expect(out.volumes).toEqual({});
      expect(service(out, 'web')).not.toHaveProperty('user');
    });
    it('!reset through a sequence index is ignored (indexes are unreliable once items are removed)', () => {
      const web = service(run('services: {web: {ports: [!reset "80:80", "8080:80"]}}', strip), 'web');
      expect(web.ports).toEqual(['80:80', '443:443', '8080:80']);
    });
  });

  it('!override at service-key level replaces instead of merging', () => {
    const web = service(
      run('services: {web: {ports: !override ["8080:80"], environment: !override [X=1]}}'),
      'web',
    );
    expect(web.ports).toEqual(['8080:80']);
    expect(web.environment).toEqual(['X=1']);
  });
  it('!override of a nested mapping entry replaces that entry wholesale', () => {
    const web = service(
      run('services: {web: {depends_on: {db: !override {condition: service_started}}}}'),
      'web',
    );
    expect(web.depends_on).toEqual({
      db: { condition: 'service_started' },
      cache: { condition: 'service_started' },
    });
  });
  it('!override of a network entry drops the base aliases', () => {
    const web = service(run('services: {web: {networks: {front: !override {priority: 1}}}}'), 'web');
    expect(web.networks).toEqual({ front: { priority: 1 }, back: null });
  });
  it('!override of a list item addresses the base entry with the same key', () => {
    const web = service(run('services: {web: {depends_on: [!override db]}}'), 'web');
    expect(web.depends_on).toEqual({
      db: { condition: 'service_started' },
      cache: { condition: 'service_started' },
    });
  });
  it('!override of a whole service', () => {
    const out = run('services: {web: !override {image: other}}');
    expect(service(out, 'web')).toEqual({ image: 'other' });
  });
  it('!override on a scalar is an ordinary replacement', () => {
    expect(service(run('services: {db: {image: !override db2}}'), 'db').image).toBe('db2');
  });
  it('directives on paths that exist nowhere are harmless', () => {
    const out = mergeCompose(
      base,
      {},
      { reset: [['services', 'nope', 'x'], [], ['volumes', 'data', 'driver', 'deep']], override: [[]] },
    );
    expect(out).toEqual(base);
  });
  it('NO_DIRECTIVES is the default', () => {
    expect(mergeCompose(base, {}, NO_DIRECTIVES)).toEqual(mergeCompose(base, {}));
  });
});

// ---------------------------------------------------------------------------------------------------------
// mergeService (extends)

describe('mergeService', () => {
  const parent = yaml(`
image: app
environment: [A=1, B=2]
ports: ["80:80"]
command: [run]
logging: {driver: json-file, options: {a: 1}}
`);
  it('merges the local service onto the extended one with the service rules', () => {
    const local = yaml(`
environment: {B: 3}
ports: ["81:81"]
command: [serve]
logging: {options: {b: 2}}
`);
    expect(mergeService(parent, local)).toEqual({
      image: 'app',
      environment: { A: '1', B: 3 },
      ports: ['80:80', '81:81'],
      command: ['serve'],
      logging: { driver: 'json-file', options: { a: 1, b: 2 } },
    });
  });
  it('applies only the directives under pathPrefix, relative to it', () => {
    const directives: MergeDirectives = {
      reset: [
        ['services', 'web', 'ports'],
        ['services', 'other', 'image'],
      ],
      override: [['services', 'web', 'environment']],
    };
    const local = yaml('environment: [C=3]\nports: ["9:9"]');
    expect(mergeService(parent, local, directives, ['services', 'web'])).toEqual({
      image: 'app',
      environment: ['C=3'],
      command: ['run'],
      logging: { driver: 'json-file', options: { a: 1 } },
    });
  });
  it('directive paths are relative to the service without a prefix', () => {
    const out = mergeService(parent, yaml('{}'), { reset: [['environment', 'A']], override: [] });
    expect(out.environment).toEqual(['B=2']);
  });
  it('!override on the service itself returns the local service', () => {
    const out = mergeService(parent, yaml('image: mine'), { reset: [], override: [['services', 'web']] }, [
      'services',
      'web',
    ]);
    expect(out).toEqual({ image: 'mine' });
  });
  it('does not mutate its inputs', () => {
    const local = yaml('environment: {B: 3}');
    const out = mergeService(parent, local);
    expect(Object.isFrozen(out)).toBe(false);
    expect(parent.environment).toEqual(['A=1', 'B=2']);
  });
});

// ---------------------------------------------------------------------------------------------------------
// odd shapes

describe('odd shapes never throw; the override replaces when a rule does not fit', () => {
  const odd: readonly unknown[] = [
    null,
    undefined,
    0,
    1.5,
    'text',
    true,
    [],
    [null],
    [1, 'a', { b: [] }, [[]]],
    {},
    { a: null },
    { target: {} },
    { path: 1, source: [], target: null, subnet: {} },
  ];
  const attributes = [
    'image',
    'command',
    'ports',
    'volumes',
    'secrets',
    'configs',
    'devices',
    'expose',
    'env_file',
    'tmpfs',
    'cap_add',
    'environment',
    'labels',
    'extra_hosts',
    'depends_on',
    'networks',
    'models',
    'logging',
    'build',
    'healthcheck',
    'deploy',
    'ulimits',
    'blkio_config',
  ];
  it('every attribute with every pair of odd values', () => {
    for (const key of attributes) {
      for (const b of odd) {
        for (const o of odd) {
          const base = deepFreeze({ services: { s: { [key]: b } } });
          const override = deepFreeze({ services: { s: { [key]: o } } });
          expect(() => mergeCompose(base, override), `${key}: ${String(b)} <- ${String(o)}`).not.toThrow();
        }
      }
    }
  });
  it.each([
    ['ports', '["80:80"]', '"81:81"', '81:81'],
    ['volumes', '["a:/a"]', '{target: /b}', { target: '/b' }],
    ['secrets', '[a]', 'a', 'a'],
    ['environment', '{A: 1}', '5', 5],
    ['labels', '[a=1]', 'true', true],
    ['depends_on', '[db]', '[{x: 1}]', [{ x: 1 }]],
    ['networks', '{a: null}', 'front', 'front'],
    ['extra_hosts', '["a=1"]', 'x', 'x'],
    ['logging', 'json', '{driver: x}', { driver: 'x' }],
    ['healthcheck', '[a]', '{test: x}', { test: 'x' }],
    ['deploy', '{replicas: 1}', '[1]', [1]],
    ['ulimits', '[1]', '{nofile: 1}', { nofile: 1 }],
    ['x-any', '[1]', '{a: 1}', { a: 1 }],
    ['x-any', '{a: 1}', '[1]', [1]],
  ])('%s: %s <- %s gives the override', (key, base, override, expected) => {
    expect(mergeAttr(key, base, override)).toEqual(expected);
  });
  it('whole sections of the wrong type', () => {
    for (const b of odd) {
      for (const o of odd) {
        const base = deepFreeze({ services: b, networks: b, 'x-a': b });
        const override = deepFreeze({ services: o, networks: o, 'x-a': o });
        expect(() => mergeCompose(base, override)).not.toThrow();
        expect(() => mergeService({ a: b }, { a: o })).not.toThrow();
      }
    }
    expect(mergeCompose(yaml('services: {a: {image: x}}'), yaml('services: [a]'))).toEqual({
      services: ['a'],
    });
    expect(mergeCompose(yaml('services: {a: {image: x}}'), yaml('services: {a: web}'))).toEqual({
      services: { a: 'web' },
    });
  });
  it('non-mapping documents fall back to the override, then the base', () => {
    const asDoc = (v: unknown) => v as Record<string, unknown>;
    expect(mergeCompose(asDoc(null), { a: 1 })).toEqual({ a: 1 });
    expect(mergeCompose({ a: 1 }, asDoc('x'))).toEqual({ a: 1 });
    expect(mergeCompose(asDoc([]), asDoc(7))).toEqual({});
    expect(mergeService(asDoc(undefined), asDoc(undefined))).toEqual({});
  });
  it('cyclic inputs (YAML aliases to an ancestor) do not hang or throw', () => {
    const cyclic: Record<string, unknown> = { a: 1 };
    cyclic.self = cyclic;
    const base = { 'x-a': cyclic, services: { s: { ports: [cyclic], environment: [cyclic] } } };
    const override = { 'x-a': cyclic, services: { s: { ports: [cyclic], environment: { A: cyclic } } } };
    expect(() => mergeCompose(base, override)).not.toThrow();
  });
  it('__proto__ keys are ordinary entries', () => {
    const out = mergeAttr('environment', '["__proto__=x"]', '{A: 1}') as Record<string, unknown>;
    expect(Object.getPrototypeOf(out)).toBe(Object.prototype);
    expect(Object.hasOwn(out, '__proto__')).toBe(true);
    expect(out.A).toBe(1);
    const hosts = mergeAttr('extra_hosts', '["__proto__=1", "__proto__=2"]', '{a: 1}') as Record<
      string,
      unknown
    >;
    expect(Object.getOwnPropertyDescriptor(hosts, '__proto__')?.value).toEqual(['1', '2']);
  });
  it('a bare host without address in a mapping conversion is null', () => {
    expect(mergeAttr('extra_hosts', '[alone]', '{b: 1}')).toEqual({ alone: null, b: 1 });
  });
});
