import { describe, expect, it } from 'vitest';
import { hitsOf, keys, snapshotOf, stackOf } from '../../../test/support/audit-standards.js';
import {
  bindMountDataDir,
  dbPortPublic,
  duplicateDatabase,
  noResourceLimits,
  volumeNoBackup,
} from './standards-data.js';

describe('no-resource-limits', () => {
  it('flags a service with no memory or CPU limit of any kind', async () => {
    const hits = await hitsOf(
      noResourceLimits,
      `services:
  web: { image: "nginx:1.27" }
  db: { image: "postgres:16" }
  mem: { image: "app:1", mem_limit: 256m }
  cpu: { image: "app:1", cpus: 0.5 }
  deploy: { image: "app:1", deploy: { resources: { limits: { memory: 1G } } } }
  reserved: { image: "app:1", deploy: { resources: { reservations: { memory: 1G } } } }
`,
    );
    expect(keys(hits)).toEqual(['app/web: no-limits', 'app/db: no-limits', 'app/reserved: no-limits']);
    expect(hits[0]).toMatchObject({ path: ['services', 'web'] });
    expect(hits[0]?.fix).toContain('memory: 512M');
    expect(hits[1]?.fix).toContain('memory: 1G');
  });
});

describe('volume-no-backup', () => {
  const STATEFUL = `services:
  db:
    image: mariadb:11
    volumes: [db-data:/var/lib/mysql, ./conf:/etc/mysql/conf.d:ro]
  cache:
    image: redis:7
    volumes: [cache:/data]
  app:
    image: ghcr.io/acme/app:1
    volumes: [uploads:/data, tmp:/tmp, logs:/var/log/app]
volumes: { db-data: {}, cache: {}, uploads: {}, tmp: {}, logs: {} }
`;

  it('flags named volumes of stateful services, one hit per volume', async () => {
    const hits = await hitsOf(volumeNoBackup, STATEFUL);
    expect(keys(hits)).toEqual([
      'app/db: volume=db-data',
      'app/cache: volume=cache',
      'app/app: volume=uploads',
    ]);
    expect(hits[0]).toMatchObject({ path: ['services', 'db', 'volumes', 0] });
    expect(hits[0]?.fix).toContain('"db-data:/backup/db-data:ro"');
    expect(hits[0]?.message).toContain('/var/lib/mysql');
  });

  it('accepts a backup service mounting the volume, and a Berth policy only once its drill passed', async () => {
    const withService = await hitsOf(
      volumeNoBackup,
      `${STATEFUL.replace('volumes: { db', '  backup:\n    image: offen/docker-volume-backup:v2\n    volumes: [db-data:/backup/db:ro, cache:/backup/cache:ro]\nvolumes: { db')}`,
    );
    expect(keys(withService)).toEqual(['app/app: volume=uploads']);
    // A declared policy is not a backup until a restore drill proved one: still reported, in other words.
    const compose = STATEFUL.replace(
      '    image: mariadb:11\n',
      '    image: mariadb:11\n    x-berth: { backup: {} }\n',
    );
    const { snapshot } = await stackOf(compose);
    const declared = volumeNoBackup.check(snapshot);
    expect(keys(declared)).toEqual(keys(await hitsOf(volumeNoBackup, STATEFUL)));
    expect(declared[0]?.message).toMatch(
      /has a backup policy, but no restore drill is known to have passed \(audit with --live/,
    );
    expect(declared[0]?.fix).toBe(
      '`berth backup run app db` (drilled after-each by default), then `berth backup list app`',
    );
    const live = (lastDrill: 'passed' | 'failed') =>
      volumeNoBackup.check({
        ...snapshot,
        live: {
          containers: [],
          backups: [{ stack: 'app', service: 'db', lastDrill, at: '2026-12-04T03:00:00Z' }],
        },
      });
    expect(keys(live('passed'))).toEqual(['app/cache: volume=cache', 'app/app: volume=uploads']);
    expect(live('failed')[0]?.message).toMatch(/its latest restore drill failed \(2026-12-04T03:00:00Z\)/);
    const none = volumeNoBackup.check({ ...snapshot, live: { containers: [], backups: [] } });
    expect(none[0]?.message).toMatch(/no backup of it has passed a restore drill yet/);
    const unread = volumeNoBackup.check({
      ...snapshot,
      live: { containers: [], backups: [], backupsUnread: 'the state file has schema version 12' },
    });
    expect(unread[0]?.message).toMatch(
      /its restore drills were not read: the state file has schema version 12$/,
    );
  });

  it('ignores bind mounts, anonymous volumes and stateless services', async () => {
    const hits = await hitsOf(
      volumeNoBackup,
      'services:\n  db:\n    image: postgres:16\n    volumes: ["./pg:/var/lib/postgresql/data", "/var/lib/postgresql/data"]\n  web:\n    image: nginx:1.27\n    volumes: [cache:/var/cache/nginx]\nvolumes: { cache: {} }\n',
    );
    expect(hits).toEqual([]);
  });
});

describe('db-port-public', () => {
  it('flags database ports and database images published on all interfaces', async () => {
    const hits = await hitsOf(
      dbPortPublic,
      `services:
  pg:
    image: postgres:16
    ports: ["5432:5432", "127.0.0.1:5433:5432"]
  redis:
    image: ghcr.io/acme/cache:1
    ports: ["0.0.0.0:6379:6379"]
  mongo:
    image: mongo:7
    ports: ["27018"]
  es:
    image: elasticsearch:8.15.0
    ports: ["[::]:9201:9200"]
  web:
    image: nginx:1.27
    ports: ["80:80", "127.0.0.1:3306:3306"]
`,
    );
    expect(keys(hits)).toEqual([
      'app/pg: port=5432/tcp',
      'app/redis: port=6379/tcp',
      'app/mongo: port=27018/tcp',
      'app/es: port=9200/tcp',
    ]);
    expect(hits[0]).toMatchObject({
      path: ['services', 'pg', 'ports', 0],
      fix: 'remove the port (services of the stack reach pg:5432 directly), or bind it to loopback: ports: ["127.0.0.1:5432:5432"]',
    });
    expect(hits[2]?.message).toContain('random host port');
  });

  it('keeps the evidence when the host port changes', async () => {
    const one = await hitsOf(
      dbPortPublic,
      'services:\n  db:\n    image: mysql:8\n    ports: ["3306:3306"]\n',
    );
    const two = await hitsOf(
      dbPortPublic,
      'services:\n  db:\n    image: mysql:8.4\n    restart: always\n    ports: ["13306:3306"]\n',
    );
    expect(keys(one)).toEqual(['app/db: port=3306/tcp']);
    expect(keys(two)).toEqual(keys(one));
  });
});

describe('bind-mount-data-dir', () => {
  it('flags database data directories on host folders', async () => {
    const hits = await hitsOf(
      bindMountDataDir,
      `services:
  my:
    image: mariadb:11
    volumes: ["./mysql:/var/lib/mysql"]
  pg:
    image: postgres:16
    volumes: [{ type: bind, source: /srv/pg, target: /var/lib/postgresql/data/ }]
  bn:
    image: bitnami/redis:7
    volumes: ["./redis:/bitnami/redis/data"]
  rd:
    image: redis:7
    volumes: ["./redis:/data"]
  mg:
    image: mongo:7
    volumes: ["./db:/data/db"]
`,
    );
    expect(keys(hits)).toEqual([
      'app/my: target=/var/lib/mysql',
      'app/pg: target=/var/lib/postgresql/data/',
      'app/bn: target=/bitnami/redis/data',
      'app/rd: target=/data',
      'app/mg: target=/data/db',
    ]);
    expect(hits[0]?.fix).toBe(
      'use a named volume: volumes: ["my-data:/var/lib/mysql"] and declare top-level volumes: { my-data: {} } (copy the data over first)',
    );
  });

  it('ignores named volumes, config binds and /data of non-redis images', async () => {
    const hits = await hitsOf(
      bindMountDataDir,
      'services:\n  db:\n    image: postgres:16\n    volumes: ["pg:/var/lib/postgresql/data", "./init:/docker-entrypoint-initdb.d:ro"]\n  app:\n    image: app:1\n    volumes: ["./data:/data"]\nvolumes: { pg: {} }\n',
    );
    expect(hits).toEqual([]);
  });
});

describe('duplicate-database', () => {
  it('reports each stack running an engine another stack also runs', async () => {
    const { snapshot } = await snapshotOf({
      files: {
        'blog/compose.yaml': 'services:\n  db: { image: "mariadb:11" }\n  cache: { image: "redis:7" }\n',
        'shop/compose.yaml': 'services:\n  mysql: { image: "mysql:8" }\n  pg: { image: "postgres:16" }\n',
        'crm/compose.yaml':
          'services:\n  database: { image: "bitnami/mariadb:11" }\n  replica: { image: "mariadb:11" }\n',
        'wiki/compose.yaml':
          'services:\n  db: { image: "postgres:16" }\n  ui: { image: "mongo-express:1" }\n',
      },
    });
    const hits = duplicateDatabase.check(snapshot);
    expect(keys(hits)).toEqual([
      'blog/db: engine=mysql',
      'crm/database: engine=mysql',
      'shop/mysql: engine=mysql',
      'shop/pg: engine=postgres',
      'wiki/db: engine=postgres',
    ]);
    expect(hits[0]?.message).toBe('blog runs its own mysql server (`db`), as do the stacks crm, shop');
  });

  it('says nothing when each engine runs once', async () => {
    const { snapshot } = await snapshotOf({
      files: {
        'blog/compose.yaml': 'services:\n  db: { image: "mariadb:11" }\n',
        'shop/compose.yaml':
          'services:\n  db: { image: "postgres:16" }\n  exporter: { image: "prom/mysqld-exporter:v0.15.1" }\n',
      },
    });
    expect(duplicateDatabase.check(snapshot)).toEqual([]);
  });
});
