import { createHash } from 'node:crypto';
import { isSecretName } from '../../secrets/detect.js';
import type { Hit, Rule, StackFacts } from '../types.js';
import { eachService, envOf, serviceHit } from './helpers.js';

/*
 * These rules handle secret values: no value ever reaches a message, evidence or fix. Evidence names
 * the variable, or (for reuse across stacks) a short hash of the value.
 */

const KNOWN_DEFAULTS = new Set([
  'password',
  'passw0rd',
  'changeme',
  'change_me',
  'admin',
  'root',
  'secret',
  '123456',
  '12345678',
  'postgres',
  'mysql',
  'example',
  'test',
  'default',
  'guest',
  'minioadmin',
  'letmein',
  'qwerty',
  'toor',
  'pass',
]);

/** Credential settings of well-known images, whatever `isSecretName` makes of their names. */
const CREDENTIAL_KEYS = new Set([
  'MYSQL_ROOT_PASSWORD',
  'MYSQL_PASSWORD',
  'MARIADB_ROOT_PASSWORD',
  'MARIADB_PASSWORD',
  'POSTGRES_PASSWORD',
  'MONGO_INITDB_ROOT_PASSWORD',
  'GF_SECURITY_ADMIN_PASSWORD',
  'RABBITMQ_DEFAULT_PASS',
  'MINIO_ROOT_PASSWORD',
  'MINIO_ACCESS_KEY',
  'MINIO_SECRET_KEY',
  'PGADMIN_DEFAULT_PASSWORD',
  'KEYCLOAK_ADMIN_PASSWORD',
  'KC_BOOTSTRAP_ADMIN_PASSWORD',
  'DOCKER_INFLUXDB_INIT_PASSWORD',
  'ELASTIC_PASSWORD',
  'REDIS_PASSWORD',
]);

export function isCredentialKey(name: string): boolean {
  return CREDENTIAL_KEYS.has(name.toUpperCase()) || isSecretName(name);
}

export function isKnownDefault(value: string): boolean {
  return KNOWN_DEFAULTS.has(value.trim().toLowerCase());
}

/** A reference to a secret rather than a secret: a file path, or a `*_FILE` setting. */
function isReference(name: string, value: string): boolean {
  return /_FILE$/i.test(name) || /^(\/|\.\/|~\/)/.test(value);
}

/** The value of `environment.<key>` as written in the compose file (map or `KEY=value` list form). */
export function writtenEnv(stack: StackFacts, service: string, key: string): string | null | undefined {
  const direct = stack.loaded.written(['services', service, 'environment', key]);
  if (typeof direct === 'string' || typeof direct === 'number' || typeof direct === 'boolean')
    return String(direct);
  if (direct === null) return null;
  const all = stack.loaded.written(['services', service, 'environment']);
  if (!Array.isArray(all)) return undefined;
  for (const item of all) {
    if (typeof item !== 'string') continue;
    if (item === key) return null;
    if (item.startsWith(`${key}=`)) return item.slice(key.length + 1);
  }
  return undefined;
}

/** Defaults written in `${VAR:-default}` / `${VAR-default}` fallbacks. */
function writtenFallbacks(text: string): string[] {
  return [...text.matchAll(/\$\{[A-Za-z_][A-Za-z0-9_]*:?-([^}]*)\}/g)].map((m) => m[1] ?? '');
}

export const defaultCredentials: Rule = {
  id: 'default-credentials',
  title: 'Default credentials',
  severity: 'critical',
  category: 'standards',
  rationale:
    'Passwords like `changeme`, `admin` or `postgres` are the first ones an attacker tries; a ' +
    `\`\${VAR:-password}\` fallback silently deploys one whenever the variable is missing.`,
  fix: 'Generate a unique secret (`openssl rand -base64 24`), keep it in the stack’s .env (mode 600), and drop the fallback.',
  check(snapshot) {
    return eachService(snapshot, (stack, name, service) =>
      Object.entries(envOf(service))
        .filter(([key]) => isCredentialKey(key) && !/_FILE$/i.test(key))
        .flatMap(([key, value]) => {
          const written = writtenEnv(stack, name, key);
          const fallback = typeof written === 'string' && writtenFallbacks(written).some(isKnownDefault);
          if (!isKnownDefault(value) && !fallback) return [];
          return [
            serviceHit(
              stack,
              name,
              ['environment', key],
              `var=${key}`,
              isKnownDefault(value)
                ? `\`${name}\`'s ${key} is set to a well-known default password`
                : `\`${name}\`'s ${key} falls back to a well-known default password when the variable is unset`,
              `set ${key} to a generated secret (openssl rand -base64 24) in ${stack.dir}/.env (chmod 600)${fallback ? ' and remove the `:-…` fallback from the compose file' : ''}`,
            ),
          ];
        }),
    );
  },
};

const BOOLEANISH = /^(true|false|yes|no|on|off|enabled|disabled|none|null)$/i;
/** Names that end in the secret itself, as opposed to settings about it (`PASSWORD_MIN_LENGTH`). */
const ENDS_IN_SECRET = /(pass(word|wd|phrase)?|secret|token|key|credentials?|dsn|salt)$/i;

/** A literal that holds a secret: not empty, not interpolated, not a reference, not a setting. */
function isWrittenSecret(key: string, value: string): boolean {
  const text = value.trim();
  // `$$` is a literal dollar; any other `$` interpolates a variable.
  if (text === '' || text.replaceAll('$$', '').includes('$') || isReference(key, text)) return false;
  // `*_TOKEN_ENABLED: "true"` and `PASSWORD_MIN_LENGTH: 12` are settings, not secrets.
  if (BOOLEANISH.test(text) || (!ENDS_IN_SECRET.test(key) && /^\d+$/.test(text))) return false;
  // A URL holds a secret only in its user info: `redis://:pw@cache` does, `null://localhost` does not.
  const url = /^[a-z][a-z0-9+.-]*:\/\/([^/?#]*)/i.exec(text);
  return !url || /:[^@]+@/.test(url[1] ?? '');
}

/**
 * The secret a `KEY: ${VAR:-fallback}` deploys when VAR is unset. Only a fallback that is the whole
 * value counts (in `postgres://${U}:${P}@db/${DB:-app}` it names a database), only for a variable that
 * holds the secret itself (not `API_KEY_RATE_LIMIT`), and not flags such as `${NO_TOKEN:-0}`; known
 * default passwords are `default-credentials`.
 */
function hasFallbackSecret(key: string, written: string): boolean {
  const fallback = /^\$\{[A-Za-z_][A-Za-z0-9_]*:?-([^}]*)\}$/.exec(written.trim())?.[1]?.trim();
  if (fallback === undefined || fallback.length < 4 || !ENDS_IN_SECRET.test(key)) return false;
  return isWrittenSecret(key, fallback) && !isKnownDefault(fallback);
}

export const hardcodedSecret: Rule = {
  id: 'hardcoded-secret',
  title: 'Secret written in the compose file',
  severity: 'high',
  category: 'standards',
  rationale:
    'A secret written in the compose file ends up in version control, backups and every copy of the ' +
    'folder; it cannot be rotated without editing (and re-sharing) the file. A ' +
    `\`\${VAR:-secret}\` fallback is the same: it is deployed whenever the variable is missing.`,
  fix: `Move the value to the stack’s .env (mode 600) and write \`KEY: \${KEY}\`, or use a compose secret.`,
  check(snapshot) {
    return eachService(snapshot, (stack, name, service) =>
      Object.keys(service.environment ?? {})
        .filter((key) => isSecretName(key))
        .flatMap((key) => {
          const written = writtenEnv(stack, name, key);
          if (typeof written !== 'string' || written.trim() === '') return [];
          const viaFallback = written.replaceAll('$$', '').includes('$');
          const literal = viaFallback ? hasFallbackSecret(key, written) : isWrittenSecret(key, written);
          if (!literal) return [];
          return [
            serviceHit(
              stack,
              name,
              ['environment', key],
              `var=${key}`,
              viaFallback
                ? `\`${name}\`'s ${key} falls back to a secret written in plain text in the compose file when its variable is unset`
                : `\`${name}\`'s ${key} is written in plain text in the compose file`,
              viaFallback
                ? `set ${key} in ${stack.dir}/.env (chmod 600) and remove the \`:-…\` fallback from the compose file`
                : `move the value to ${stack.dir}/.env (chmod 600) and write \`${key}: \${${key}}\` in the compose file`,
            ),
          ];
        }),
    );
  },
};

export const shortHash = (value: string) => createHash('sha256').update(value).digest('hex').slice(0, 12);

interface Use {
  readonly stack: StackFacts;
  readonly service: string;
  readonly key: string;
}

export const secretReused: Rule = {
  id: 'secret-reused',
  title: 'Secret reused across stacks',
  severity: 'high',
  category: 'standards',
  rationale:
    'The same password in several stacks means one leak opens all of them, and none can be rotated ' +
    'without touching the others.',
  fix: 'Give each stack its own generated secret.',
  check(snapshot) {
    const byValue = new Map<string, Use[]>();
    for (const stack of snapshot.stacks) {
      for (const [service, def] of Object.entries(stack.loaded.model.services ?? {})) {
        for (const [key, value] of Object.entries(envOf(def))) {
          if (!isSecretName(key) || value.length < 8 || isReference(key, value)) continue;
          byValue.set(value, [...(byValue.get(value) ?? []), { stack, service, key }]);
        }
      }
    }
    const hits: Hit[] = [];
    for (const [value, uses] of byValue) {
      const stacks = [...new Set(uses.map((u) => u.stack))];
      if (stacks.length < 2) continue;
      const hash = shortHash(value);
      for (const stack of stacks) {
        const mine = uses.filter((u) => u.stack === stack);
        const first = mine[0];
        if (!first) continue;
        const others = stacks.filter((s) => s !== stack).map((s) => s.name);
        const vars = [...new Set(mine.map((u) => u.key))].join(', ');
        hits.push(
          serviceHit(
            stack,
            first.service,
            ['environment', first.key],
            `sha256=${hash}`,
            `${vars} in \`${stack.name}\` holds the same secret as stack${others.length > 1 ? 's' : ''} ${others.join(', ')}`,
            `generate a new value for ${vars} (openssl rand -base64 24) in ${stack.dir}/.env, so ${stack.name} no longer shares it`,
          ),
        );
      }
    }
    return hits;
  },
};
