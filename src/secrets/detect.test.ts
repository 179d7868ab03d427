import { describe, expect, it } from 'vitest';
import { isSecretName, MASK, maskSecrets, secretEnvValues } from './detect.js';

describe('isSecretName', () => {
  it.each([
    'DB_PASSWORD',
    'MARIADB_ROOT_PASSWORD',
    'POSTGRES_PASSWORD',
    'password',
    'SMTP_PASS',
    'APP_SECRET',
    'GITHUB_TOKEN',
    'token',
    'API_KEY',
    'STRIPE_APIKEY',
    'JWT_SECRET_KEY',
    'AWS_SECRET_ACCESS_KEY',
    'SENTRY_DSN',
    'REDIS_PASSWORD_FILE_X',
    'GOOGLE_CREDENTIALS',
  ])('%s is secret', (name) => {
    expect(isSecretName(name)).toBe(true);
  });

  it.each(['DB_HOST', 'USER', 'TZ', 'PORT', 'APP_ENV', 'BYPASS_CACHE', 'TOKENIZER_MODEL'])(
    '%s is not secret',
    (name) => {
      expect(isSecretName(name)).toBe(false);
    },
  );
});

describe('maskSecrets', () => {
  it('masks string values under secret keys, deeply, without touching the input', () => {
    const input = {
      services: { db: { environment: { DB_PASSWORD: 'hunter2', DB_HOST: 'db', EMPTY_TOKEN: '' } } },
      list: [{ token: 'x' }],
    };
    expect(maskSecrets(input)).toEqual({
      services: { db: { environment: { DB_PASSWORD: MASK, DB_HOST: 'db', EMPTY_TOKEN: '' } } },
      list: [{ token: MASK }],
    });
    expect(input.services.db.environment.DB_PASSWORD).toBe('hunter2');
  });
});

describe('secretEnvValues', () => {
  it('gives the values of secret-looking variables, not of others nor empty ones', () => {
    expect(
      secretEnvValues([
        'DB_PASSWORD=s3cret=x',
        'API_TOKEN=tok',
        'GREETING=hello',
        'EMPTY_SECRET=',
        'NOEQUALS',
        '=v',
      ]),
    ).toEqual(['s3cret=x', 'tok']);
  });
});
