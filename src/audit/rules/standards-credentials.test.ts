// biome-ignore-all lint/suspicious/noTemplateCurlyInString: these strings are compose interpolation syntax under test, not JS templates
import { describe, expect, it } from 'vitest';
import { hitsOf, keys, snapshotOf, stackOf } from '../../../test/support/audit-standards.js';
import {
  defaultCredentials,
  hardcodedSecret,
  isKnownDefault,
  secretReused,
  shortHash,
} from './standards-credentials.js';

describe('default-credentials', () => {
  it('flags known defaults, case-insensitively, from compose, .env and env_file', async () => {
    const { snapshot } = await stackOf(
      `services:
  db:
    image: postgres:16
    environment:
      POSTGRES_PASSWORD: \${DB_PASSWORD}
      POSTGRES_USER: postgres
  grafana:
    image: grafana/grafana:11.0.0
    env_file: [grafana.env]
  minio:
    image: minio/minio:RELEASE.2024-01-01T00-00-00Z
    environment:
      - MINIO_ACCESS_KEY=minioadmin
      - MINIO_ROOT_PASSWORD=S3cure-and-long-enough
`,
      { '.env': 'DB_PASSWORD=ChangeMe\n', 'grafana.env': 'GF_SECURITY_ADMIN_PASSWORD=admin\n' },
    );
    const hits = defaultCredentials.check(snapshot);
    expect(keys(hits)).toEqual([
      'app/db: var=POSTGRES_PASSWORD',
      'app/grafana: var=GF_SECURITY_ADMIN_PASSWORD',
      'app/minio: var=MINIO_ACCESS_KEY',
    ]);
    expect(hits[0]).toMatchObject({ path: ['services', 'db', 'environment', 'POSTGRES_PASSWORD'] });
    expect(hits[0]?.message).toBe("`db`'s POSTGRES_PASSWORD is set to a well-known default password");
    const text = JSON.stringify(hits).toLowerCase();
    for (const secret of ['changeme', '"admin', 'minioadmin']) expect(text).not.toContain(secret);
  });

  it('flags a known default written as the fallback, even when the variable is set', async () => {
    const { snapshot } = await stackOf(
      'services:\n  db:\n    image: mariadb:11\n    environment:\n      MARIADB_ROOT_PASSWORD: ${ROOT_PW:-password}\n',
      { '.env': 'ROOT_PW=a-generated-secret-value\n' },
    );
    const hits = defaultCredentials.check(snapshot);
    expect(keys(hits)).toEqual(['app/db: var=MARIADB_ROOT_PASSWORD']);
    expect(hits[0]?.message).toContain('falls back');
    expect(hits[0]?.fix).toContain('remove the `:-…` fallback');
    expect(JSON.stringify(hits)).not.toContain('password}');
    expect(JSON.stringify(hits)).not.toContain('a-generated-secret-value');
  });

  it('says nothing for strong values, non-secret names and *_FILE references', async () => {
    const hits = await hitsOf(
      defaultCredentials,
      `services:
  db:
    image: postgres:16
    environment:
      POSTGRES_PASSWORD: \${DB_PASSWORD:-}
      POSTGRES_USER: admin
      POSTGRES_DB: test
      POSTGRES_PASSWORD_FILE: /run/secrets/password
      API_TOKEN: k7Qe9-long-random-token
`,
      { '.env': 'DB_PASSWORD=Xq2v8LmN0pRs\n' },
    );
    expect(hits).toEqual([]);
  });

  it('knows its defaults', () => {
    expect(isKnownDefault(' Passw0rd ')).toBe(true);
    expect(isKnownDefault('password1')).toBe(false);
  });
});

describe('hardcoded-secret', () => {
  it('flags literal secrets in map and list form, without showing them', async () => {
    const hits = await hitsOf(
      hardcodedSecret,
      `services:
  app:
    image: app:1
    environment:
      DB_PASSWORD: hunter2-literal
      SMTP_PASS: 123456789
      API_KEY: \${API_KEY}
  worker:
    image: app:1
    environment:
      - JWT_SECRET=literal-jwt-secret
      - REDIS_PASSWORD
`,
    );
    expect(keys(hits)).toEqual([
      'app/app: var=DB_PASSWORD',
      'app/app: var=SMTP_PASS',
      'app/worker: var=JWT_SECRET',
    ]);
    expect(hits[0]?.fix).toContain('write `DB_PASSWORD: ${DB_PASSWORD}`');
    const text = JSON.stringify(hits);
    for (const secret of ['hunter2', '123456789', 'literal-jwt']) expect(text).not.toContain(secret);
  });

  it('skips references, file paths, settings about secrets and env_file values', async () => {
    const hits = await hitsOf(
      hardcodedSecret,
      `services:
  app:
    image: app:1
    env_file: [app.env]
    environment:
      DB_PASSWORD_FILE: /run/secrets/db_password
      TLS_KEY: /certs/key.pem
      AUTH_TOKEN_ENABLED: "true"
      PASSWORD_MIN_LENGTH: 12
      DB_PASSWORD: \${DB_PASSWORD:-}
      EMPTY_SECRET: ""
      QUEUE_DSN: doctrine://default?queue_name=async
`,
      { 'app.env': 'FROM_FILE_PASSWORD=not-in-compose\n' },
    );
    expect(hits).toEqual([]);
  });

  it('flags a secret written as the fallback of a variable, but not parts, flags, settings, defaults or nested fallbacks', async () => {
    const hits = await hitsOf(
      hardcodedSecret,
      `services:
  app:
    image: app:1
    environment:
      API_KEY: \${API_KEY:-sk-live-4f9a8b7c6d}
      JWT_SECRET: prefix-\${JWT_SUFFIX-literal-suffix}
      DB_PASSWORD: \${DB_PASSWORD:-changeme}
      SESSION_SECRET: \${SESSION_SECRET:-\${FALLBACK_SECRET}}
      TOKEN_ENABLED: \${TOKEN_ENABLED:-true}
      REDIS_PASSWORD: \${REDIS_PASSWORD:-}
      API_KEY_RATE_LIMIT: \${API_KEY_RATE_LIMIT:-60/minute}
      MAILER_DSN: \${MAILER_DSN:-null://localhost}
      CACHE_DSN: \${CACHE_DSN:-redis://:s3cr3t-pw@cache:6379}
      SQL_DSN: postgres://\${DB_USER}:\${DB_PW}@db:5432/\${DB_NAME:-appdb}
      NO_TOKEN: \${NO_TOKEN:-0}
`,
      { '.env': 'API_KEY=set-in-env-so-unused\n' },
    );
    expect(keys(hits)).toEqual(['app/app: var=API_KEY', 'app/app: var=CACHE_DSN']);
    expect(hits[0]?.message).toBe(
      "`app`'s API_KEY falls back to a secret written in plain text in the compose file when its variable is unset",
    );
    expect(hits[0]?.fix).toContain('remove the `:-…` fallback');
    const text = JSON.stringify(hits);
    for (const secret of ['sk-live', 'literal-suffix', 'set-in-env', 's3cr3t'])
      expect(text).not.toContain(secret);
  });

  it('keeps its evidence when the value changes', async () => {
    const one = await hitsOf(
      hardcodedSecret,
      'services:\n  a:\n    image: x:1\n    environment: { TOKEN: aaaa }\n',
    );
    const two = await hitsOf(
      hardcodedSecret,
      'services:\n  a:\n    image: x:2\n    environment: { TOKEN: bbbb, OTHER: 1 }\n',
    );
    expect(keys(one)).toEqual(['app/a: var=TOKEN']);
    expect(keys(two)).toEqual(keys(one));
  });
});

describe('secret-reused', () => {
  const SHARED = 'Shared-Secret-Value-42';

  it('reports each stack sharing a secret, with a hash as evidence', async () => {
    const { snapshot } = await snapshotOf({
      files: {
        'shop/compose.yaml':
          'services:\n  db:\n    image: postgres:16\n    environment: { POSTGRES_PASSWORD: "${PW}" }\n',
        'shop/.env': `PW=${SHARED}\n`,
        'blog/compose.yaml': `services:\n  db:\n    image: mariadb:11\n    environment: { MARIADB_PASSWORD: "${SHARED}" }\n  app:\n    image: wordpress:6\n    environment: { WORDPRESS_DB_PASSWORD: "${SHARED}" }\n`,
        'wiki/compose.yaml':
          'services:\n  db:\n    image: postgres:16\n    environment: { POSTGRES_PASSWORD: another-long-secret }\n',
      },
    });
    const hits = secretReused.check(snapshot);
    const hash = shortHash(SHARED);
    expect(hash).toMatch(/^[0-9a-f]{12}$/);
    expect(keys(hits)).toEqual([`blog/db: sha256=${hash}`, `shop/db: sha256=${hash}`]);
    expect(hits[0]?.message).toBe(
      'MARIADB_PASSWORD, WORDPRESS_DB_PASSWORD in `blog` holds the same secret as stack shop',
    );
    expect(JSON.stringify(hits)).not.toContain(SHARED);
  });

  it('ignores short values, reuse inside one stack, and non-secret names', async () => {
    const { snapshot } = await snapshotOf({
      files: {
        'a/compose.yaml':
          'services:\n  x:\n    image: x:1\n    environment: { PASSWORD: short, TZ: Europe/Amsterdam, A_TOKEN: same-in-one-stack, B_TOKEN: same-in-one-stack }\n',
        'b/compose.yaml':
          'services:\n  x:\n    image: x:1\n    environment: { PASSWORD: short, TZ: Europe/Amsterdam, DB_PASSWORD_FILE: /run/secrets/db_password }\n',
        'c/compose.yaml':
          'services:\n  x:\n    image: x:1\n    environment: { DB_PASSWORD_FILE: /run/secrets/db_password }\n',
      },
    });
    expect(secretReused.check(snapshot)).toEqual([]);
  });
});
