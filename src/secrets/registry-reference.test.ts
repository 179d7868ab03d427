import { describe, expect, it } from 'vitest';
import { isRegistryError, type RegistryError } from './registry-errors.js';
import {
  DOCKER_HUB_SERVER,
  isCredentialsNotFound,
  keyHostname,
  lookupCredentials,
  parseHelperAnswer,
  registryHost,
  serverAddressFor,
} from './registry-reference.js';

const FILE = '/home/op/.docker/config.json';
const b64 = (text: string) => Buffer.from(text, 'utf8').toString('base64');
const PASSWORD = 'hunter2-s3cret';
const AUTH = b64(`alice:${PASSWORD}`);

function thrown(fn: () => unknown): RegistryError {
  try {
    fn();
  } catch (error) {
    if (isRegistryError(error)) return error;
    throw error;
  }
  throw new Error('expected a RegistryError');
}

describe('registryHost', () => {
  it.each([
    ['nginx', 'docker.io'],
    ['nginx:1.27', 'docker.io'],
    ['nginx@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef', 'docker.io'],
    ['nginx:1.27@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef', 'docker.io'],
    ['library/nginx', 'docker.io'],
    ['library/nginx:latest', 'docker.io'],
    ['user/app:1', 'docker.io'],
    ['user/team/app:1', 'docker.io'],
    ['my-org_x/app', 'docker.io'],
    ['docker.io/x/y', 'docker.io'],
    ['docker.io/library/nginx:1', 'docker.io'],
    ['index.docker.io/x', 'docker.io'],
    ['index.docker.io/library/nginx@sha256:abc', 'docker.io'],
    ['localhost', 'docker.io'],
    ['localhost:5000', 'docker.io'],
    ['ghcr.io/a/b:1', 'ghcr.io'],
    ['ghcr.io/a/b', 'ghcr.io'],
    ['quay.io/org/app@sha256:abc', 'quay.io'],
    ['registry-1.docker.io/library/nginx', 'registry-1.docker.io'],
    ['localhost/x', 'localhost'],
    ['localhost:5000/x', 'localhost:5000'],
    ['localhost:5000/x/y:2', 'localhost:5000'],
    ['127.0.0.1:5000/x@sha256:0123456789abcdef', '127.0.0.1:5000'],
    ['[::1]:5000/x', '[::1]:5000'],
    ['registry.example.com:443/team/app:v1', 'registry.example.com:443'],
    ['myregistry:5000/app', 'myregistry:5000'],
    ['my.registry/app', 'my.registry'],
    ['Registry/app', 'Registry'],
    ['123456789012.dkr.ecr.eu-west-1.amazonaws.com/app:1', '123456789012.dkr.ecr.eu-west-1.amazonaws.com'],
    ['  ghcr.io/a/b  ', 'ghcr.io'],
  ])('%s → %s', (reference, host) => {
    expect(registryHost(reference)).toBe(host);
  });

  it.each(['', '   ', '/nginx'])('refuses %j with REGISTRY_REFERENCE_INVALID', (reference) => {
    const error = thrown(() => registryHost(reference));
    expect(error.code).toBe('REGISTRY_REFERENCE_INVALID');
    expect(error.hint).toMatch(/nginx:1\.27/);
  });
});

describe('serverAddressFor and keyHostname', () => {
  it('asks for Docker Hub by its v1 URL and any other registry by its host', () => {
    expect(serverAddressFor('docker.io')).toBe('https://index.docker.io/v1/');
    expect(serverAddressFor('ghcr.io')).toBe('ghcr.io');
    expect(serverAddressFor('localhost:5000')).toBe('localhost:5000');
  });

  it.each([
    ['ghcr.io', 'ghcr.io'],
    ['https://ghcr.io', 'ghcr.io'],
    ['http://ghcr.io', 'ghcr.io'],
    ['https://ghcr.io/', 'ghcr.io'],
    ['https://ghcr.io/v1/', 'ghcr.io'],
    ['https://ghcr.io/v2/', 'ghcr.io'],
    ['ghcr.io/v1/', 'ghcr.io'],
    ['https://localhost:5000/v1/', 'localhost:5000'],
    ['http://127.0.0.1:5000', '127.0.0.1:5000'],
    ['https://registry.example.com:443/', 'registry.example.com:443'],
    ['https://user@reg.example.com/', 'reg.example.com'],
    ['https://reg.example.com:/', 'reg.example.com'],
    ['https://index.docker.io/v1/', 'index.docker.io'],
    ['https://[::1]:5000/v2/', '[::1]:5000'],
    ['https:///path', 'https:'],
  ])('%s names %s', (key, host) => {
    expect(keyHostname(key)).toBe(host);
  });
});

describe('lookupCredentials: auths', () => {
  const creds = (serveraddress: string) => ({
    kind: 'credentials',
    credentials: { serveraddress, username: 'alice', password: PASSWORD },
  });

  it.each([
    'ghcr.io',
    'https://ghcr.io',
    'http://ghcr.io',
    'https://ghcr.io/',
    'https://ghcr.io/v1/',
    'https://ghcr.io/v2/',
    'ghcr.io/v1/',
    'GHCR.IO',
  ])('finds ghcr.io under the key %s (and names that key as the server address, as docker does)', (key) => {
    expect(lookupCredentials({ auths: { [key]: { auth: AUTH } } }, 'ghcr.io', FILE)).toEqual(creds(key));
  });

  it.each([
    'https://index.docker.io/v1/',
    'index.docker.io',
    'docker.io',
    'https://docker.io',
    'https://index.docker.io/v2/',
    'registry-1.docker.io',
    'https://registry-1.docker.io/v2/',
  ])('finds Docker Hub under the key %s', (key) => {
    expect(lookupCredentials({ auths: { [key]: { auth: AUTH } } }, 'docker.io', FILE)).toEqual(creds(key));
  });

  it("prefers the docker CLI's own key over other spellings, whatever their order", () => {
    const hub = {
      auths: {
        'docker.io': { auth: b64('other:x') },
        [DOCKER_HUB_SERVER]: { auth: AUTH },
      },
    };
    expect(lookupCredentials(hub, 'docker.io', FILE)).toEqual(creds(DOCKER_HUB_SERVER));
    const ghcr = { auths: { 'https://ghcr.io': { auth: b64('other:x') }, 'ghcr.io': { auth: AUTH } } };
    expect(lookupCredentials(ghcr, 'ghcr.io', FILE)).toEqual(creds('ghcr.io'));
  });

  it('takes the first matching spelling in file order when there is no exact key', () => {
    const config = {
      auths: { 'https://ghcr.io/v2/': { auth: AUTH }, 'http://ghcr.io': { auth: b64('b:y') } },
    };
    expect(lookupCredentials(config, 'ghcr.io', FILE)).toEqual(creds('https://ghcr.io/v2/'));
  });

  it('keeps ports apart: localhost:5000 is not localhost nor localhost:5001', () => {
    const config = { auths: { localhost: { auth: AUTH }, 'localhost:5001': { auth: AUTH } } };
    expect(lookupCredentials(config, 'localhost:5000', FILE)).toEqual({ kind: 'none' });
    const exact = { auths: { 'http://localhost:5000': { auth: AUTH } } };
    expect(lookupCredentials(exact, 'localhost:5000', FILE)).toEqual(creds('http://localhost:5000'));
  });

  it('does not give Docker Hub credentials to other registries, nor theirs to Hub', () => {
    const config = { auths: { [DOCKER_HUB_SERVER]: { auth: AUTH }, 'ghcr.io': { auth: AUTH } } };
    expect(lookupCredentials(config, 'quay.io', FILE)).toEqual({ kind: 'none' });
    expect(lookupCredentials({ auths: { 'ghcr.io': { auth: AUTH } } }, 'docker.io', FILE)).toEqual({
      kind: 'none',
    });
    // A suffix or prefix is not the host.
    expect(lookupCredentials({ auths: { 'evil-ghcr.io': { auth: AUTH } } }, 'ghcr.io', FILE)).toEqual({
      kind: 'none',
    });
  });

  it('reads username/password fields when there is no auth, and auth over them when there is', () => {
    expect(
      lookupCredentials({ auths: { 'ghcr.io': { username: 'alice', password: PASSWORD } } }, 'ghcr.io', FILE),
    ).toEqual(creds('ghcr.io'));
    const both = { auths: { 'ghcr.io': { auth: AUTH, username: 'bob', password: 'nope' } } };
    expect(lookupCredentials(both, 'ghcr.io', FILE)).toEqual(creds('ghcr.io'));
  });

  it('reads the fields case-insensitively, as Go does', () => {
    const config = { Auths: { 'ghcr.io': { Auth: AUTH, IdentityToken: 'tok' } } };
    expect(lookupCredentials(config, 'ghcr.io', FILE)).toEqual({
      kind: 'credentials',
      credentials: { serveraddress: 'ghcr.io', username: 'alice', password: PASSWORD, identitytoken: 'tok' },
    });
  });

  it('passes an identity token on, alone or beside a user', () => {
    expect(
      lookupCredentials({ auths: { 'ghcr.io': { identitytoken: 'refresh-1' } } }, 'ghcr.io', FILE),
    ).toEqual({
      kind: 'credentials',
      credentials: { serveraddress: 'ghcr.io', identitytoken: 'refresh-1' },
    });
    const both = { auths: { [DOCKER_HUB_SERVER]: { auth: AUTH, identitytoken: 'refresh-2' } } };
    expect(lookupCredentials(both, 'docker.io', FILE)).toEqual({
      kind: 'credentials',
      credentials: {
        serveraddress: DOCKER_HUB_SERVER,
        username: 'alice',
        password: PASSWORD,
        identitytoken: 'refresh-2',
      },
    });
  });

  it('keeps colons of the password and trims NULs from its ends, as docker does', () => {
    const colons = { auths: { 'ghcr.io': { auth: b64('alice:pa:ss:') } } };
    expect(lookupCredentials(colons, 'ghcr.io', FILE)).toMatchObject({ credentials: { password: 'pa:ss:' } });
    const nul = { auths: { 'ghcr.io': { auth: b64('alice:\0pw\0\0') } } };
    expect(lookupCredentials(nul, 'ghcr.io', FILE)).toMatchObject({ credentials: { password: 'pw' } });
    const empty = { auths: { 'ghcr.io': { auth: b64('alice:') } } };
    expect(lookupCredentials(empty, 'ghcr.io', FILE)).toEqual({
      kind: 'credentials',
      credentials: { serveraddress: 'ghcr.io', username: 'alice' },
    });
  });

  it('decodes auth split over lines (Go skips line breaks) and UTF-8 passwords', () => {
    const long = b64(`alice:${'é'.repeat(60)}`);
    const wrapped = `${long.slice(0, 76)}\n${long.slice(76)}\r\n`;
    expect(lookupCredentials({ auths: { 'ghcr.io': { auth: wrapped } } }, 'ghcr.io', FILE)).toMatchObject({
      credentials: { username: 'alice', password: 'é'.repeat(60) },
    });
  });

  it.each([
    [{}, 'an entry with nothing'],
    [{ email: 'a@example.com' }, 'an email only'],
    [{ auth: '' }, 'an empty auth'],
    [{ auth: '', username: '', password: '' }, 'empty fields'],
  ])('answers none for %j (%s)', (entry, _what) => {
    expect(lookupCredentials({ auths: { 'ghcr.io': entry } }, 'ghcr.io', FILE)).toEqual({ kind: 'none' });
  });

  it.each([
    [undefined],
    [null],
    [{}],
    [{ auths: {} }],
    [{ auths: null }],
    [{ credsStore: '' }],
    [{ credHelpers: {} }],
    [{ psFormat: 'table', HttpHeaders: { 'X-A': 'b' } }],
  ])('answers none for the config %j', (config) => {
    expect(lookupCredentials(config, 'ghcr.io', FILE)).toEqual({ kind: 'none' });
  });
});

describe('lookupCredentials: malformed auths entries are errors, never anonymous', () => {
  it.each([
    [{ auth: 'not base64!' }, /not valid base64/],
    [{ auth: 'YWxpY2U6cHc' }, /not valid base64/],
    [{ auth: 'YWxp=2U6' }, /not valid base64/],
    [{ auth: b64('alice-no-colon') }, /not base64 of "user:password"/],
    [{ auth: b64(':pw-only') }, /empty user name/],
    [{ auth: 42 }, /"auth" that is not a string/],
    [{ username: ['alice'] }, /"username" that is not a string/],
    [{ password: 12345 }, /"password" that is not a string/],
    [{ identitytoken: {} }, /"identitytoken" that is not a string/],
    ['YWxpY2U6cHc=', /are not an object/],
    [null, /are not an object/],
    [[AUTH], /are not an object/],
  ])('%j → REGISTRY_CREDENTIALS_INVALID naming the key and file', (entry, why) => {
    const error = thrown(() => lookupCredentials({ auths: { 'https://ghcr.io': entry } }, 'ghcr.io', FILE));
    expect(error.code).toBe('REGISTRY_CREDENTIALS_INVALID');
    expect(error.message).toMatch(why);
    expect(error.message).toContain('auths["https://ghcr.io"]');
    expect(error.message).toContain(FILE);
    expect(error.hint).toContain('docker login ghcr.io');
    expect(error.hint).toContain(FILE);
    for (const text of [error.message, error.hint]) {
      expect(text).not.toContain('YWxpY2U6cHc');
      expect(text).not.toContain('12345');
    }
  });

  it('never quotes the auth string nor what it decodes to', () => {
    const secret = b64('alice-with-secret-hunter2');
    const error = thrown(() =>
      lookupCredentials({ auths: { [DOCKER_HUB_SERVER]: { auth: secret } } }, 'docker.io', FILE),
    );
    expect(`${error.message} ${error.hint}`).not.toMatch(/hunter2|alice/);
    expect(`${error.message} ${error.hint}`).not.toContain(secret);
    expect(error.hint).toContain('`docker login`');
  });

  it("checks only the host's own entry: a broken entry of another registry does not stop this one", () => {
    const config = { auths: { 'quay.io': { auth: '!!!' }, 'ghcr.io': { auth: AUTH } } };
    expect(lookupCredentials(config, 'ghcr.io', FILE)).toMatchObject({ kind: 'credentials' });
    expect(lookupCredentials(config, 'localhost:5000', FILE)).toEqual({ kind: 'none' });
  });
});

describe('lookupCredentials: helpers', () => {
  it('asks credsStore for any registry', () => {
    expect(lookupCredentials({ credsStore: 'desktop' }, 'docker.io', FILE)).toEqual({
      kind: 'helper',
      helper: 'desktop',
    });
    expect(lookupCredentials({ credsStore: 'pass' }, 'localhost:5000', FILE)).toEqual({
      kind: 'helper',
      helper: 'pass',
    });
  });

  it('lets credsStore win over auths, as docker does (Docker Desktop leaves empty auths entries)', () => {
    const config = { auths: { [DOCKER_HUB_SERVER]: {}, 'ghcr.io': { auth: AUTH } }, credsStore: 'desktop' };
    expect(lookupCredentials(config, 'docker.io', FILE)).toEqual({ kind: 'helper', helper: 'desktop' });
    expect(lookupCredentials(config, 'ghcr.io', FILE)).toEqual({ kind: 'helper', helper: 'desktop' });
  });

  it('lets credHelpers[host] win over credsStore and over auths', () => {
    const config = {
      auths: { 'gcr.io': { auth: AUTH } },
      credsStore: 'desktop',
      credHelpers: { 'gcr.io': 'gcloud', '123.dkr.ecr.us-east-1.amazonaws.com': 'ecr-login' },
    };
    expect(lookupCredentials(config, 'gcr.io', FILE)).toEqual({ kind: 'helper', helper: 'gcloud' });
    expect(lookupCredentials(config, '123.dkr.ecr.us-east-1.amazonaws.com', FILE)).toEqual({
      kind: 'helper',
      helper: 'ecr-login',
    });
    expect(lookupCredentials(config, 'ghcr.io', FILE)).toEqual({ kind: 'helper', helper: 'desktop' });
    const noStore = { auths: { 'gcr.io': { auth: AUTH } }, credHelpers: { 'gcr.io': 'gcloud' } };
    expect(lookupCredentials(noStore, 'gcr.io', FILE)).toEqual({ kind: 'helper', helper: 'gcloud' });
    expect(lookupCredentials(noStore, 'ghcr.io', FILE)).toEqual({ kind: 'none' });
  });

  it('finds Docker Hub helpers under its v1 URL and its other spellings, the v1 URL first', () => {
    for (const key of [DOCKER_HUB_SERVER, 'docker.io', 'index.docker.io', 'https://index.docker.io/v1']) {
      expect(lookupCredentials({ credHelpers: { [key]: 'hub' } }, 'docker.io', FILE)).toEqual({
        kind: 'helper',
        helper: 'hub',
      });
    }
    const both = { credHelpers: { 'docker.io': 'second', [DOCKER_HUB_SERVER]: 'first' } };
    expect(lookupCredentials(both, 'docker.io', FILE)).toEqual({ kind: 'helper', helper: 'first' });
  });

  it('matches credHelpers keys written as URLs', () => {
    const config = { credHelpers: { 'https://registry.example.com:5000/v2/': 'vault' } };
    expect(lookupCredentials(config, 'registry.example.com:5000', FILE)).toEqual({
      kind: 'helper',
      helper: 'vault',
    });
    expect(lookupCredentials(config, 'registry.example.com', FILE)).toEqual({ kind: 'none' });
  });

  it('reads an empty credHelpers entry as "use auths" even under a credsStore, as docker does', () => {
    const config = {
      auths: { 'ghcr.io': { auth: AUTH } },
      credsStore: 'desktop',
      credHelpers: { 'ghcr.io': '' },
    };
    expect(lookupCredentials(config, 'ghcr.io', FILE)).toMatchObject({ kind: 'credentials' });
    expect(lookupCredentials(config, 'docker.io', FILE)).toEqual({ kind: 'helper', helper: 'desktop' });
  });

  it.each([
    [{ credsStore: '../../bin/sh' }, /"credsStore" is "..\/..\/bin\/sh"/],
    [{ credsStore: 'a b' }, /not the suffix of a docker-credential-\* program/],
    [{ credsStore: '-rf' }, /not the suffix/],
    [{ credHelpers: { 'ghcr.io': '/tmp/x' } }, /credHelpers\["ghcr.io"\] is "\/tmp\/x"/],
    [{ credHelpers: { 'ghcr.io': 7 } }, /credHelpers\["ghcr.io"\] is not a string/],
    [{ credsStore: true }, /"credsStore" is not a string/],
    [{ credHelpers: ['ghcr.io'] }, /"credHelpers" is not an object/],
    [{ auths: [] }, /"auths" is not an object/],
    [{ auths: 'x' }, /"auths" is not an object/],
    [[], /is not a JSON object/],
    ['{"auths":{}}', /is not a JSON object/],
    [3, /is not a JSON object/],
  ])('refuses %j with REGISTRY_CONFIG_UNREADABLE', (config, why) => {
    const error = thrown(() => lookupCredentials(config, 'ghcr.io', FILE));
    expect(error.code).toBe('REGISTRY_CONFIG_UNREADABLE');
    expect(error.message).toMatch(why);
    expect(error.message).toContain(FILE);
    expect(error.hint).toContain(FILE);
  });

  it('accepts the helper names docker ships and vendors use', () => {
    for (const helper of [
      'desktop',
      'osxkeychain',
      'wincred',
      'pass',
      'secretservice',
      'ecr-login',
      'gcloud',
      'acr-env',
      'gcr',
    ]) {
      expect(lookupCredentials({ credsStore: helper }, 'ghcr.io', FILE)).toEqual({ kind: 'helper', helper });
    }
  });
});

describe('parseHelperAnswer', () => {
  it('reads user and secret, naming the server it was asked for', () => {
    const out = JSON.stringify({ ServerURL: 'https://ghcr.io', Username: 'alice', Secret: PASSWORD });
    expect(parseHelperAnswer(out, 'pass', 'ghcr.io')).toEqual({
      serveraddress: 'ghcr.io',
      username: 'alice',
      password: PASSWORD,
    });
  });

  it("reads Username '<token>' as an identity token", () => {
    const out = JSON.stringify({ ServerURL: DOCKER_HUB_SERVER, Username: '<token>', Secret: 'refresh' });
    expect(parseHelperAnswer(out, 'desktop', DOCKER_HUB_SERVER)).toEqual({
      serveraddress: DOCKER_HUB_SERVER,
      identitytoken: 'refresh',
    });
  });

  it('reads fields case-insensitively and tolerates extra ones and a trailing newline', () => {
    const out = `${JSON.stringify({ serverurl: 'x', username: 'bob', secret: 'pw', Extra: 1 })}\n`;
    expect(parseHelperAnswer(out, 'pass', 'ghcr.io')).toEqual({
      serveraddress: 'ghcr.io',
      username: 'bob',
      password: 'pw',
    });
  });

  it.each([
    [{}],
    [{ ServerURL: 'ghcr.io' }],
    [{ ServerURL: 'ghcr.io', Username: '', Secret: '' }],
    [{ Username: '<token>', Secret: '' }],
  ])('answers undefined for an empty answer %j', (answer) => {
    expect(parseHelperAnswer(JSON.stringify(answer), 'pass', 'ghcr.io')).toBeUndefined();
  });

  it.each([
    ['', /not JSON/],
    [`not json ${PASSWORD}`, /not JSON/],
    [`{"Secret": "${PASSWORD}"`, /not JSON/],
    [`["${PASSWORD}"]`, /not an object/],
    ['null', /not an object/],
    [`{"Username": 1, "Secret": "${PASSWORD}"}`, /a Username that is not a string/],
    [`{"Username": "a", "Secret": ["${PASSWORD}"]}`, /a Secret that is not a string/],
  ])('refuses %j with REGISTRY_HELPER_FAILED, quoting none of it', (out, why) => {
    const error = thrown(() => parseHelperAnswer(out, 'pass', 'ghcr.io'));
    expect(error.code).toBe('REGISTRY_HELPER_FAILED');
    expect(error.message).toMatch(why);
    expect(error.message).toContain('docker-credential-pass get for ghcr.io');
    expect(error.hint).toContain('echo ghcr.io | docker-credential-pass get');
    expect(`${error.message}${error.hint}`).not.toContain(PASSWORD);
  });
});

describe('isCredentialsNotFound', () => {
  it.each([
    ['credentials not found in native keychain\n', ''],
    ['', 'credentials not found in native keychain'],
    ['Credentials not found', ''],
  ])('knows %j / %j', (stdout, stderr) => {
    expect(isCredentialsNotFound(stdout, stderr)).toBe(true);
  });

  it('does not take other failures for it', () => {
    expect(isCredentialsNotFound('error getting credentials', 'gpg: decryption failed')).toBe(false);
    expect(isCredentialsNotFound('', '')).toBe(false);
  });
});
