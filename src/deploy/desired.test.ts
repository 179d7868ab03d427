import { describe, expect, it } from 'vitest';
import { desiredFrom, desiredOf, imageId, loadFixture } from '../../test/support/deploy-fixtures.js';
import { BerthLabel, ComposeLabel } from '../engine/model.js';
import { DEPLOY_DEFAULTS } from './xberth.js';

const WEB = 'services:\n  web:\n    image: nginx:1.27\n';

describe('desiredState: networks and volumes', () => {
  it('names them <stack>_<key>, honours `name:`, and uses external ones by their name', async () => {
    const d = await desiredOf(`services:
  web:
    image: nginx
    networks: [front, back, shared, named]
    volumes: [data:/data, ext:/ext, fixed:/fixed, extnamed:/en]
networks:
  front: { driver: bridge, internal: true, attachable: true, enable_ipv6: false, labels: { team: a } }
  back: {}
  shared: { external: true }
  named: { name: custom-net }
volumes:
  data: { driver: local, driver_opts: { type: tmpfs, device: tmpfs }, labels: { keep: "yes" } }
  ext: { external: true }
  fixed: { name: custom-vol }
  extnamed: { external: true, name: real-ext }
`);
    expect(d.networks.map((n) => [n.key, n.name, n.external])).toEqual([
      ['back', 'shop_back', false],
      ['front', 'shop_front', false],
      ['named', 'custom-net', false],
      ['shared', 'shared', true],
    ]);
    expect(d.volumes.map((v) => [v.key, v.name, v.external])).toEqual([
      ['data', 'shop_data', false],
      ['ext', 'ext', true],
      ['extnamed', 'real-ext', true],
      ['fixed', 'custom-vol', false],
    ]);
    expect(d.networks.find((n) => n.key === 'front')?.spec).toEqual({
      name: 'shop_front',
      driver: 'bridge',
      internal: true,
      attachable: true,
      enableIPv6: false,
      labels: {
        team: 'a',
        [BerthLabel.Managed]: 'true',
        [BerthLabel.Stack]: 'shop',
        [ComposeLabel.Project]: 'shop',
        [ComposeLabel.Network]: 'front',
      },
    });
    expect(d.volumes.find((v) => v.key === 'data')?.spec).toEqual({
      name: 'shop_data',
      driver: 'local',
      driverOpts: { type: 'tmpfs', device: 'tmpfs' },
      labels: {
        keep: 'yes',
        [BerthLabel.Managed]: 'true',
        [BerthLabel.Stack]: 'shop',
        [ComposeLabel.Project]: 'shop',
        [ComposeLabel.Volume]: 'data',
      },
    });
  });

  it('creates the default network only when a service uses it', async () => {
    expect((await desiredOf(WEB)).networks.map((n) => n.name)).toEqual(['shop_default']);
    const noDefault = await desiredOf(`services:
  web: { image: nginx, networks: [front] }
  host: { image: nginx, network_mode: host }
networks:
  front: {}
`);
    expect(noDefault.networks.map((n) => n.name)).toEqual(['shop_front']);
  });

  it('leaves out declared volumes no service mounts, and anonymous and bind mounts', async () => {
    const d = await desiredOf(`services:
  web: { image: nginx, volumes: [/anon, /srv:/srv, used:/u] }
volumes:
  used: {}
  unused: {}
`);
    expect(d.volumes.map((v) => v.name)).toEqual(['shop_used']);
  });
});

describe('desiredState: containers', () => {
  it('labels every replica for Berth and compose, over the service labels', async () => {
    const d = await desiredOf(
      'services:\n  web:\n    image: nginx\n    labels: { team: a }\n    deploy: { replicas: 2 }\n',
    );
    const web = d.services.web;
    expect(web?.replicas.map((r) => r.spec.name)).toEqual(['shop-web-1', 'shop-web-2']);
    expect(web?.replicas[1]?.spec.labels).toEqual({
      team: 'a',
      [BerthLabel.Managed]: 'true',
      [BerthLabel.Stack]: 'shop',
      [BerthLabel.Service]: 'web',
      [BerthLabel.Replica]: '2',
      [BerthLabel.ConfigHash]: web?.configHash,
      [BerthLabel.Role]: 'current',
      [ComposeLabel.Project]: 'shop',
      [ComposeLabel.Service]: 'web',
      [ComposeLabel.ContainerNumber]: '2',
      [ComposeLabel.OneOff]: 'False',
    });
    expect(web?.replicas[1]?.spec.networks).toEqual([{ name: 'shop_default', aliases: ['web'] }]);
  });

  it('takes the replica count from deploy.replicas, then scale, else 1', async () => {
    const d = await desiredOf(`services:
  a: { image: x, deploy: { replicas: 3 } }
  b: { image: x, scale: 2 }
  c: { image: x }
  z: { image: x, deploy: { replicas: 0 } }
`);
    expect(Object.values(d.services).map((s) => [s.name, s.replicas.length])).toEqual([
      ['a', 3],
      ['b', 2],
      ['c', 1],
      ['z', 0],
    ]);
    expect(d.services.b?.replicas.map((r) => r.replica)).toEqual([1, 2]);
  });

  it('uses container_name as the container name', async () => {
    const d = await desiredOf('services:\n  db:\n    image: postgres\n    container_name: main-db\n');
    expect(d.services.db?.replicas[0]?.spec.name).toBe('main-db');
  });

  it('runs <stack>-<service> for a build without image, and the image otherwise', async () => {
    const d = await desiredOf(`services:
  api: { build: ./api }
  web: { build: ./web, image: registry.local/web:2 }
`);
    expect(d.services.api?.image).toBe('shop-api');
    expect(d.services.api?.replicas[0]?.spec.image).toBe('shop-api');
    expect(d.services.web?.image).toBe('registry.local/web:2');
  });
});

describe('desiredState: config hash', () => {
  const ids = new Map([['nginx:1.27', imageId('11')]]);

  it('is the same for the same file and image, across loads and replicas', async () => {
    const text = 'services:\n  web:\n    image: nginx:1.27\n    environment: { A: "1" }\n    scale: 2\n';
    const a = await desiredOf(text, { imageIds: ids });
    const b = await desiredOf(text, { imageIds: ids });
    expect(a.services.web?.configHash).toMatch(/^[0-9a-f]{32}$/);
    expect(b.services.web?.configHash).toBe(a.services.web?.configHash);
    const labels = a.services.web?.replicas.map((r) => r.spec.labels[BerthLabel.ConfigHash]);
    expect(labels).toEqual([a.services.web?.configHash, a.services.web?.configHash]);
  });

  it('changes with the environment, the image reference and the image id', async () => {
    const hash = async (text: string, imageIds = ids) =>
      (await desiredOf(text, { imageIds })).services.web?.configHash;
    const base = await hash(`${WEB}    environment: { A: "1" }\n`);
    const others = [
      await hash(`${WEB}    environment: { A: "2" }\n`),
      await hash(`${WEB}    environment: { A: "1", B: "1" }\n`),
      await hash('services:\n  web:\n    image: nginx:1.28\n    environment: { A: "1" }\n'),
      await hash(`${WEB}    environment: { A: "1" }\n`, new Map([['nginx:1.27', imageId('22')]])),
      await hash(`${WEB}    environment: { A: "1" }\n`, new Map()),
    ];
    expect(new Set([base, ...others]).size).toBe(others.length + 1);
  });

  it('changes with container_name, so renaming the container recreates it', async () => {
    const hash = async (text: string) => (await desiredOf(text, { imageIds: ids })).services.web?.configHash;
    const none = await hash(WEB);
    const a = await hash(`${WEB}    container_name: web-a\n`);
    const b = await hash(`${WEB}    container_name: web-b\n`);
    expect(new Set([none, a, b]).size).toBe(3);
  });

  it('differs between stacks, whose resource names differ', async () => {
    const a = await desiredOf(WEB, { imageIds: ids }, { stack: 'one' });
    const b = await desiredOf(WEB, { imageIds: ids }, { stack: 'two' });
    expect(a.services.web?.replicas[0]?.spec.name).toBe('one-web-1');
    // The default network differs (one_default vs two_default), so the hash does too.
    expect(b.services.web?.configHash).not.toBe(a.services.web?.configHash);
  });

  it('ignores the stack-level x-berth settings, which change no container', async () => {
    const a = await desiredOf(WEB, { imageIds: ids });
    const b = await desiredOf(`x-berth:\n  deploy: { health_timeout: 5m }\n${WEB}`, { imageIds: ids });
    expect(b.services.web?.configHash).toBe(a.services.web?.configHash);
  });
});

describe('desiredState: install phase', () => {
  const text = `services:
  app:
    image: mautic
    environment: { A: "1" }
    x-berth:
      install: { env: { MAUTIC_INSTALL_FORCE: 1 }, until: { file: /var/www/done } }
`;

  it('adds the install env while the phase is not completed, and drops it after', async () => {
    const loaded = await loadFixture(text);
    const installing = desiredFrom(loaded, { installCompleted: () => false });
    const done = desiredFrom(loaded, { installCompleted: (s) => s === 'app' });
    expect(installing.services.app?.replicas[0]?.spec.env).toEqual({ A: '1', MAUTIC_INSTALL_FORCE: '1' });
    expect(installing.services.app?.install).toEqual({
      env: { MAUTIC_INSTALL_FORCE: '1' },
      until: { file: '/var/www/done' },
      timeout: 600_000,
    });
    expect(done.services.app?.replicas[0]?.spec.env).toEqual({ A: '1' });
    expect(done.services.app?.install).toBeUndefined();
    expect(done.services.app?.configHash).not.toBe(installing.services.app?.configHash);
  });

  it('hashes a completed install like a service that never had one', async () => {
    const plain = await desiredOf('services:\n  app:\n    image: mautic\n    environment: { A: "1" }\n');
    const done = desiredFrom(await loadFixture(text), { installCompleted: () => true });
    expect(done.services.app?.configHash).toBe(plain.services.app?.configHash);
  });
});

describe('desiredState: gates, timeouts and rollback', () => {
  it('picks healthcheck, stable, or completes for a one-shot others wait for', async () => {
    const d = await desiredOf(`services:
  db: { image: postgres, healthcheck: { test: pg_isready } }
  migrate: { image: app, depends_on: { db: { condition: service_healthy } } }
  web:
    image: app
    healthcheck: { disable: true }
    depends_on: { migrate: { condition: service_completed_successfully }, cache: { condition: service_started, required: false } }
  cache: { image: redis, healthcheck: { test: [NONE] } }
`);
    expect(Object.values(d.services).map((s) => [s.name, s.gate.kind])).toEqual([
      ['db', 'healthcheck'],
      ['migrate', 'completes'],
      ['web', 'stable'],
      ['cache', 'stable'],
    ]);
    expect(d.services.web?.dependsOn).toEqual({
      migrate: { condition: 'service_completed_successfully', required: true },
      cache: { condition: 'service_started', required: false },
    });
    expect(d.levels).toEqual([['cache', 'db'], ['migrate'], ['web']]);
    expect(d.services.web?.startAfter).toEqual([
      { service: 'cache', until: 'started', because: 'service_started' },
      { service: 'migrate', until: 'ready', because: 'service_completed_successfully' },
    ]);
    expect(d.services.migrate?.startAfter).toEqual([
      { service: 'db', until: 'ready', because: 'service_healthy' },
    ]);
    expect(d.services.db?.startAfter).toEqual([]);
  });

  it('waits for links, volumes_from and network_mode references to be ready; the strictest edge wins', async () => {
    const d = await desiredOf(`services:
  db: { image: x }
  files: { image: x }
  app:
    image: x
    links: [db]
    volumes_from: [files]
    depends_on: { db: { condition: service_started } }
  side: { image: x, network_mode: "service:app" }
`);
    expect(d.services.app?.startAfter).toEqual([
      { service: 'db', until: 'ready', because: 'links' },
      { service: 'files', until: 'ready', because: 'volumes_from' },
    ]);
    expect(d.services.side?.startAfter).toEqual([
      { service: 'app', until: 'ready', because: 'network_mode' },
    ]);
  });

  it('uses the defaults without x-berth', async () => {
    const d = await desiredOf(WEB);
    expect(d.services.web?.gate).toEqual({
      kind: 'stable',
      timeoutMs: DEPLOY_DEFAULTS.health_timeout,
      stableWindowMs: DEPLOY_DEFAULTS.stable_window,
      probeIntervalMs: DEPLOY_DEFAULTS.probe_interval,
    });
    expect(d.rollback).toBe('auto');
  });

  it('takes stack-level x-berth.deploy, overridden per service', async () => {
    const d = await desiredOf(`x-berth:
  deploy: { health_timeout: 30s, stable_window: 5s, probe_interval: 100ms, rollback: manual }
services:
  a: { image: x }
  b:
    image: x
    x-berth:
      deploy: { health_timeout: 5m, probe_interval: 2s }
  c:
    image: x
    x-berth:
      deploy: { stable_window: 1m }
`);
    expect(Object.values(d.services).map((s) => [s.name, s.gate.timeoutMs, s.gate.stableWindowMs])).toEqual([
      ['a', 30_000, 5_000],
      ['b', 300_000, 5_000],
      ['c', 30_000, 60_000],
    ]);
    expect(Object.values(d.services).map((s) => s.gate.probeIntervalMs)).toEqual([100, 2000, 100]);
    expect(d.rollback).toBe('manual');
  });
});

describe('desiredState: strategy', () => {
  it('is stop-first for published ports, named volumes, container_name and network_mode', async () => {
    const d = await desiredOf(`services:
  plain: { image: x, ports: ["80"], expose: ["81"], volumes: [/anon, /srv:/srv] }
  port: { image: x, ports: ["8080:80"] }
  vol: { image: x, volumes: [data:/data] }
  named: { image: x, container_name: fixed }
  mode: { image: x, network_mode: "service:plain" }
volumes:
  data: {}
`);
    expect(Object.values(d.services).map((s) => [s.name, s.strategy])).toEqual([
      ['plain', 'start-first'],
      ['port', 'stop-first'],
      ['vol', 'stop-first'],
      ['named', 'stop-first'],
      ['mode', 'stop-first'],
    ]);
  });
});

describe('desiredState: builds', () => {
  it('turns build: into a request with context, dockerfile, args without null values, target and tag', async () => {
    const loaded = await loadFixture(`services:
  api:
    build:
      context: ./api
      dockerfile: Dockerfile.prod
      args: { VERSION: "2", UNSET: null }
      target: runtime
  web:
    image: shop/web:dev
    build: .
  db: { image: postgres }
`);
    const d = desiredFrom(loaded);
    expect(d.services.api?.build).toEqual({
      contextDir: `${loaded.dir}/api`,
      dockerfile: 'Dockerfile.prod',
      args: { VERSION: '2' },
      target: 'runtime',
      tag: 'shop-api',
    });
    expect(d.services.web?.build).toEqual({ contextDir: loaded.dir, args: {}, tag: 'shop/web:dev' });
    expect(d.services.db?.build).toBeUndefined();
  });
});

describe('desiredState: profiles', () => {
  it('lists the services profiles leave out, and plans nothing for them', async () => {
    const text = 'services:\n  web: { image: x }\n  debug: { image: y, profiles: [debug] }\n';
    const d = await desiredOf(text);
    expect(Object.keys(d.services)).toEqual(['web']);
    expect(d.disabled).toEqual(['debug']);
    const on = await desiredOf(text, {}, { profiles: ['debug'] });
    expect(Object.keys(on.services).sort()).toEqual(['debug', 'web']);
    expect(on.disabled).toEqual([]);
  });
});
