import { chmodSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { errors, FILE, onlyError, printed, settings } from '../../test/support/serve-config.js';
import {
  configFileOf,
  formatServeConfigProblem,
  loadServeConfig,
  MAX_CONFIG_BYTES,
  readServeConfigFile,
} from './serve.js';

describe('each key of the file', () => {
  it.each([
    [
      'port: http',
      '1:7',
      'port must be an integer from 0 to 65535, got "http"',
      'e.g. `port: 7300`; 0 picks a free port',
    ],
    ['port: 65536', '1:7', 'port must be an integer from 0 to 65535, got 65536', 'e.g. `port: 7300`'],
    ['port: -1', '1:7', 'port must be an integer from 0 to 65535, got -1', 'e.g. `port: 7300`'],
    ['port: 80.5', '1:7', 'got 80.5', '0 picks a free port'],
    ['port: "7300"', '1:7', 'got "7300"', 'write the number without quotes: `port: 7300`'],
    ['port: [80]', '1:7', 'got a list', 'e.g. `port: 7300`'],
    ['port: .inf', '1:7', 'got Infinity', 'e.g. `port: 7300`'],
    ['port:', '1:6', 'got nothing (an empty value)', 'or remove the key to use the default'],
    ['host: 8080', '1:7', 'host must be a host name or IP address to listen on, got 8080', '`host: 0.0.0.0`'],
    ['host: ""', '1:7', 'host must be a host name or IP address to listen on, got ""', '`host: 127.0.0.1`'],
    ['host: {a: 1}', '1:7', 'got a mapping', 'e.g. `host: 127.0.0.1`'],
    ['socket: true', '1:9', 'socket must be the path of a unix socket, got true', '/run/berth/berth.sock'],
    [
      'workspace: 3',
      '1:12',
      'workspace must be the path of the workspace folder, got 3',
      "config file's folder",
    ],
    ['stateDir: [a]', '1:11', 'stateDir must be the path of the state folder, got a list', '/var/lib/berth'],
    [
      'dockerHost: ssh://me@box',
      '1:13',
      'dockerHost must be a Docker engine address, got "ssh://me@box"',
      'use unix:///path/to/docker.sock or tcp://host:port',
    ],
    ['dockerHost: /var/run/docker.sock', '1:13', 'got "/var/run/docker.sock"', 'unix:///path/to/docker.sock'],
    [
      'shutdownGrace: 3601',
      '1:16',
      'shutdownGrace must be a number of seconds from 0 to 3600, got 3601',
      '60',
    ],
    ['shutdownGrace: -1', '1:16', 'got -1', 'e.g. `shutdownGrace: 60`'],
    ['shutdownGrace: 30s', '1:16', 'got "30s"', 'e.g. `shutdownGrace: 60`'],
    ['shutdownGrace: "10"', '1:16', 'got "10"', 'write the number without quotes: `shutdownGrace: 10`'],
    ['tls: yes', '1:6', 'tls must be a mapping with `cert` and `key`, got "yes"', 'indented below it'],
    ['tls:', '1:5', 'tls must be a mapping with `cert` and `key`, got nothing', 'or remove the key'],
    [
      'tls: {cert: 1, key: k.pem}',
      '1:13',
      'tls.cert must be the path of a PEM certificate file, got 1',
      'cert:',
    ],
    [
      'tls: {cert: c.pem, key: ""}',
      '1:25',
      'tls.key must be the path of a PEM private key file, got ""',
      'key:',
    ],
  ])('%s', (yaml, at, message, hint) => {
    const [error] = errors({ yaml: `${yaml}\n` });
    expect(`${error?.line}:${error?.column}`).toBe(at);
    expect(error?.file).toBe(FILE);
    expect(error?.code).toBe('SERVE_CONFIG_INVALID');
    expect(error?.message).toContain(message);
    expect(error?.hint).toContain(hint);
  });

  it.each([
    ['port: 0', { port: 0 }],
    ['port: 65535', { port: 65535 }],
    ['port: 0x1F90', { port: 8080 }],
    ['host: "::"', { host: '::' }],
    ['host: "  localhost "', { host: 'localhost' }],
    ['shutdownGrace: 0', { shutdownGraceMs: 0 }],
    ['shutdownGrace: 0.5', { shutdownGraceMs: 500 }],
    ['shutdownGrace: 3600', { shutdownGraceMs: 3_600_000 }],
    ['dockerHost: tcp://[::1]:2375', { dockerHost: 'tcp://[::1]:2375' }],
  ])('accepts %s', (yaml, expected) => {
    expect(settings({ yaml: `${yaml}\n` })).toMatchObject(expected);
  });

  it('says which half of tls is missing, at the tls key', () => {
    expect(printed({ yaml: 'port: 1\ntls:\n  cert: c.pem\n' })).toEqual([
      'etc/serve.yaml:2:1: error SERVE_CONFIG_INVALID: tls.key is missing: tls needs both `cert` and `key`\n' +
        '  hint: add `key: FILE` under `tls:`, or remove `tls:` to serve plain HTTP',
    ]);
    expect(errors({ yaml: 'tls: {}\n' }).map((e) => e.message)).toEqual([
      'tls.cert is missing: tls needs both `cert` and `key`',
      'tls.key is missing: tls needs both `cert` and `key`',
    ]);
  });

  it('reports every problem of the file at once, in the order of the file', () => {
    const yaml = 'shutdownGrace: x\nport: http\nhost: 1\nextra: 1\n';
    expect(errors({ yaml }).map((e) => `${e.line}:${e.column}`)).toEqual(['1:16', '2:7', '3:7', '4:1']);
  });

  it('points at a value written through an alias or a merge key', () => {
    const withAnchor = errors({ yaml: `x: &p http\nport: *p\n` });
    expect(withAnchor.map((e) => `${e.line}:${e.column} ${e.message}`)).toEqual([
      '1:1 unknown key `x`',
      '2:7 port must be an integer from 0 to 65535, got "http"',
    ]);
    const merged = errors({ yaml: 'host: h\n<<: {port: http}\n' });
    expect(merged.map((e) => `${e.line}:${e.column} ${e.message}`)).toEqual([
      '2:12 port must be an integer from 0 to 65535, got "http"',
    ]);
  });
});

describe('unknown keys', () => {
  it.each([
    ['shutdown_grace: 5', 'did you mean `shutdownGrace`?'],
    ['shutdown-grace: 5', 'did you mean `shutdownGrace`?'],
    ['state_dir: s', 'did you mean `stateDir`?'],
    ['statedir: s', 'did you mean `stateDir`?'],
    ['DOCKER_HOST: tcp://x', 'did you mean `dockerHost`?'],
    ['prot: 80', 'did you mean `port`?'],
    ['hots: h', 'did you mean `host`?'],
    ['workspce: w', 'did you mean `workspace`?'],
    ['sockett: s', 'did you mean `socket`?'],
    ['tls_cert: c.pem', 'the TLS files go under `tls:` as `cert:` and `key:`'],
    ['key: k.pem', 'the TLS files go under `tls:` as `cert:` and `key:`'],
    [
      'listen: 0.0.0.0',
      'allowed keys: host, port, socket, tls, workspace, stateDir, dockerHost, shutdownGrace, allowedHosts, streams, connections, backup, alerts',
    ],
  ])('%s', (yaml, hint) => {
    const key = yaml.slice(0, yaml.indexOf(':'));
    expect(onlyError(`port: 1\n${yaml}\n`)).toBe(
      `etc/serve.yaml:2:1: error SERVE_CONFIG_INVALID: unknown key \`${key}\`\n  hint: ${hint}`,
    );
  });

  it('names the mapping of an unknown key inside tls', () => {
    expect(onlyError('tls:\n  cert: c.pem\n  key: k.pem\n  crt: x\n')).toBe(
      'etc/serve.yaml:4:3: error SERVE_CONFIG_INVALID: unknown key `crt` in tls\n  hint: did you mean `cert`?',
    );
    expect(onlyError('tls: {cert: c, key: k, ca: x}\n')).toContain('hint: allowed keys: cert, key');
  });

  it('reports each unknown key at its own place', () => {
    expect(errors({ yaml: 'a: 1\nport: 2\nb: 3\n' }).map((e) => `${e.line}:${e.column}`)).toEqual([
      '1:1',
      '3:1',
    ]);
  });
});

describe('YAML problems', () => {
  it('reports a syntax error where it is', () => {
    const [error, ...rest] = errors({ yaml: 'port: 7300\nhost: [127.0.0.1\n' });
    expect(rest).toEqual([]);
    expect(error).toMatchObject({ file: FILE, code: 'SERVE_CONFIG_INVALID', line: 3 });
    expect(error?.message).toMatch(/^YAML syntax error: /);
    expect(error?.hint).not.toBe('');
  });

  it('refuses tabs for indentation', () => {
    const [error] = errors({ yaml: 'tls:\n\tcert: c.pem\n' });
    expect(error?.line).toBe(2);
    expect(error?.message).toMatch(/YAML syntax error/);
  });

  it('refuses a key written twice', () => {
    expect(onlyError('port: 1\nport: 2\n')).toBe(
      'etc/serve.yaml:2:1: error SERVE_CONFIG_INVALID: duplicate key: this key is already set earlier in the same mapping\n' +
        '  hint: remove one of the two entries; YAML keeps neither silently',
    );
  });

  it('refuses several documents, with a hint about serve configs', () => {
    expect(onlyError('port: 1\n---\nport: 2\n')).toBe(
      'etc/serve.yaml:2:1: error SERVE_CONFIG_INVALID: file contains several YAML documents (`---`)\n' +
        '  hint: a serve config is one document: remove the `---`',
    );
  });

  it.each([
    ['- port: 1\n', 'a list'],
    ['port 7300\n', '"port 7300"'],
    ['7300\n', '7300'],
  ])('refuses a document that is not a mapping: %j', (yaml, got) => {
    expect(onlyError(yaml)).toBe(
      `etc/serve.yaml:1:1: error SERVE_CONFIG_INVALID: the config file must be a mapping of settings, got ${got}\n` +
        '  hint: write one `key: value` per line, e.g. `port: 7300`; keys: host, port, socket, tls, workspace, stateDir, dockerHost, shutdownGrace, allowedHosts, streams, connections, backup, alerts',
    );
  });

  it('refuses tags, which mean nothing here', () => {
    expect(onlyError('port: 1\nhost: !reset x\n')).toBe(
      'etc/serve.yaml:2:14: error SERVE_CONFIG_INVALID: the `!reset` and `!override` tags are for compose files\n' +
        '  hint: a serve config takes no YAML tags: remove it',
    );
    const [unknownTag] = errors({ yaml: 'host: !env HOST\n' });
    expect(unknownTag).toMatchObject({
      line: 1,
      column: 7,
      hint: 'a serve config takes no YAML tags: remove it',
    });
  });

  it('stops an alias bomb', () => {
    const lines = ['a: &a [x, x, x, x, x, x, x, x, x, x]'];
    for (let i = 0; i < 6; i++) {
      const prev = String.fromCharCode(97 + i);
      const next = String.fromCharCode(98 + i);
      lines.push(
        `${next}: &${next} [*${prev}, *${prev}, *${prev}, *${prev}, *${prev}, *${prev}, *${prev}, *${prev}, *${prev}, *${prev}]`,
      );
    }
    const [error] = errors({ yaml: `${lines.join('\n')}\n` });
    expect(error?.message).toMatch(/alias/);
    expect(error?.hint).toBe('a serve config needs no aliases; write the values out');
  });
});

describe('flags and variables', () => {
  it('keeps the message of an unpaired --tls-cert or --tls-key', () => {
    for (const flags of [{ tlsCert: 'c.pem' }, { tlsKey: 'k.pem' }]) {
      expect(printed({ flags, yaml: 'tls: {cert: c, key: k}\n' })).toEqual([
        'error SERVE_CONFIG_INVALID: --tls-cert and --tls-key go together',
      ]);
    }
  });

  it('keeps the message of a bad --shutdown-grace, and says so for BERTH_SHUTDOWN_GRACE', () => {
    for (const value of ['soon', '-1', '3601', 'Infinity']) {
      expect(printed({ flags: { shutdownGrace: value } })).toEqual([
        `error SERVE_CONFIG_INVALID: --shutdown-grace ${value} is not a number of seconds\n  hint: give 0 to 3600, e.g. --shutdown-grace 60`,
      ]);
    }
    expect(printed({ env: { BERTH_SHUTDOWN_GRACE: '1m' } })).toEqual([
      'error SERVE_CONFIG_INVALID: BERTH_SHUTDOWN_GRACE=1m is not a number of seconds\n  hint: give 0 to 3600, e.g. BERTH_SHUTDOWN_GRACE=60',
    ]);
    expect(settings({ flags: { shutdownGrace: '2.5' } }).shutdownGraceMs).toBe(2500);
  });

  it('refuses a port that is not a TCP port, naming the flag or variable', () => {
    for (const value of ['http', '65536', '-1', '80.5', '0x50', '123456']) {
      expect(printed({ flags: { port: value } })).toEqual([
        `error SERVE_CONFIG_INVALID: --port ${value} is not a TCP port\n  hint: use a port from 1 to 65535 (0 picks a free one)`,
      ]);
    }
    expect(printed({ env: { BERTH_PORT: 'http' } })[0]).toMatch(
      /^error SERVE_CONFIG_INVALID: BERTH_PORT=http is not/,
    );
    expect(settings({ flags: { port: '0' } }).port).toBe(0);
    expect(settings({ env: { BERTH_PORT: ' 8080 ' } }).port).toBe(8080);
  });

  it('reports the problems of the file and of the flags together', () => {
    expect(
      printed({ yaml: 'port: http\n', flags: { tlsKey: 'k.pem', shutdownGrace: 'x' } }).map(
        (line) => line.split('\n')[0],
      ),
    ).toEqual([
      'etc/serve.yaml:1:7: error SERVE_CONFIG_INVALID: port must be an integer from 0 to 65535, got "http"',
      'error SERVE_CONFIG_INVALID: --tls-cert and --tls-key go together',
      'error SERVE_CONFIG_INVALID: --shutdown-grace x is not a number of seconds',
    ]);
  });
});

describe('formatServeConfigProblem', () => {
  const base = { code: 'SERVE_CONFIG_INVALID', message: 'm', hint: 'h' } as const;
  it('prints file:line:col, the file alone, or nothing before the error', () => {
    expect(formatServeConfigProblem({ ...base, file: 'a.yaml', line: 3, column: 7 })).toBe(
      'a.yaml:3:7: error SERVE_CONFIG_INVALID: m\n  hint: h\n',
    );
    expect(formatServeConfigProblem({ ...base, file: 'a.yaml', line: 0, column: 0 })).toBe(
      'a.yaml: error SERVE_CONFIG_INVALID: m\n  hint: h\n',
    );
    expect(formatServeConfigProblem({ ...base, line: 0, column: 0, hint: '' })).toBe(
      'error SERVE_CONFIG_INVALID: m\n',
    );
  });
});

describe('finding and reading the file', () => {
  const root = mkdtempSync(join(tmpdir(), 'berth-serve-config-'));
  afterAll(() => rmSync(root, { recursive: true, force: true }));
  const write = (name: string, content: string | Uint8Array) => {
    mkdirSync(join(root, name, '..'), { recursive: true });
    writeFileSync(join(root, name), content);
    return name;
  };

  it('takes --config over BERTH_CONFIG, and neither when both are empty', () => {
    expect(configFileOf({ config: 'a.yaml' }, { BERTH_CONFIG: 'b.yaml' })).toEqual({
      path: 'a.yaml',
      via: '--config',
    });
    expect(configFileOf({}, { BERTH_CONFIG: 'b.yaml' })).toEqual({ path: 'b.yaml', via: 'BERTH_CONFIG' });
    expect(configFileOf({ config: '' }, { BERTH_CONFIG: '' })).toBeUndefined();
  });

  it('reads the file named by BERTH_CONFIG or --config, relative to the current folder', () => {
    write('conf/serve.yaml', 'port: 0\nworkspace: ../ws\n');
    write('conf/other.yaml', 'port: 1\n');
    write('ws/compose.yaml', 'services: {}\n');
    const fromEnv = loadServeConfig({}, { BERTH_CONFIG: 'conf/serve.yaml' }, root);
    expect(fromEnv.ok && fromEnv.settings).toMatchObject({
      port: 0,
      workspace: join(root, 'ws'),
      configFile: join(root, 'conf/serve.yaml'),
    });
    const fromFlag = loadServeConfig(
      { config: 'conf/other.yaml' },
      { BERTH_CONFIG: 'conf/serve.yaml' },
      root,
    );
    expect(fromFlag.ok && fromFlag.settings.port).toBe(1);
    const none = loadServeConfig({}, {}, root);
    expect(none.ok && none.settings.configFile).toBeUndefined();
  });

  it('locates the errors of the file with the path as given', () => {
    write('bad.yaml', 'host: 127.0.0.1\nport: http\n');
    const result = loadServeConfig({ config: 'bad.yaml' }, {}, root);
    expect(result.ok ? [] : result.errors.map(formatServeConfigProblem)).toEqual([
      'bad.yaml:2:7: error SERVE_CONFIG_INVALID: port must be an integer from 0 to 65535, got "http"\n  hint: e.g. `port: 7300`; 0 picks a free port\n',
    ]);
  });

  it('refuses a missing file, saying where it looked and how it was named', () => {
    const result = loadServeConfig({ tlsCert: 'c.pem' }, { BERTH_CONFIG: 'nope.yaml' }, root);
    expect(result.ok ? [] : result.errors.map(formatServeConfigProblem)).toEqual([
      `nope.yaml: error SERVE_CONFIG_INVALID: the config file does not exist (${join(root, 'nope.yaml')})\n` +
        '  hint: check the path given with BERTH_CONFIG; a relative path is relative to the current folder\n',
      // The flags are still checked, so that one run shows every problem.
      'error SERVE_CONFIG_INVALID: --tls-cert and --tls-key go together\n',
    ]);
    const under = readServeConfigFile('bad.yaml/x.yaml', root);
    expect(under.ok ? '' : under.errors[0]?.message).toMatch(/does not exist/);
  });

  it('refuses a folder', () => {
    mkdirSync(join(root, 'dir.yaml'));
    const result = readServeConfigFile('dir.yaml', root);
    expect(result.ok ? undefined : result.errors[0]).toMatchObject({
      file: 'dir.yaml',
      line: 0,
      message: 'the config file is a folder, not a file',
      hint: 'give the path of a YAML file with --config',
    });
  });

  it('refuses a huge file without reading it', () => {
    write('huge.yaml', `# ${'x'.repeat(MAX_CONFIG_BYTES)}\n`);
    const result = readServeConfigFile('huge.yaml', root);
    expect(result.ok ? '' : result.errors[0]?.message).toMatch(/over the limit of 65536/);
  });

  it('refuses a binary or non-UTF-8 file, where the first bad byte is', () => {
    write('bin.yaml', new Uint8Array([0x70, 0x3a, 0x0a, 0x00, 0x01]));
    const binary = readServeConfigFile('bin.yaml', root);
    expect(binary.ok ? undefined : binary.errors[0]).toMatchObject({ line: 2, column: 1 });
    expect(binary.ok ? '' : binary.errors[0]?.message).toMatch(/NUL byte/);
    write('latin1.yaml', new Uint8Array([0x68, 0x6f, 0x73, 0x74, 0x3a, 0x20, 0xe9, 0x0a]));
    const latin1 = readServeConfigFile('latin1.yaml', root);
    expect(latin1.ok ? undefined : latin1.errors[0]).toMatchObject({ line: 1, column: 7 });
    expect(latin1.ok ? '' : latin1.errors[0]?.message).toMatch(/not valid UTF-8/);
  });

  it('drops a byte-order mark', () => {
    write('bom.yaml', '\uFEFFport: 1\n');
    const result = loadServeConfig({ config: 'bom.yaml' }, {}, root);
    expect(result.ok && result.settings.port).toBe(1);
  });

  it('refuses a path it cannot follow, with the reason', () => {
    symlinkSync('loop.yaml', join(root, 'loop.yaml'));
    const result = readServeConfigFile('loop.yaml', root, 'BERTH_CONFIG');
    expect(result.ok ? undefined : result.errors[0]).toMatchObject({
      file: 'loop.yaml',
      message: 'cannot read the config file (ELOOP)',
      hint: 'check the path given with BERTH_CONFIG',
    });
  });

  it.skipIf(process.getuid?.() === 0)('refuses a file it may not read', () => {
    write('secret.yaml', 'port: 1\n');
    chmodSync(join(root, 'secret.yaml'), 0o000);
    const result = readServeConfigFile('secret.yaml', root);
    expect(result.ok ? undefined : result.errors[0]).toMatchObject({
      message: 'cannot read the config file (EACCES)',
      hint: 'check its permissions: the user running `berth serve` must be able to read it',
    });
  });
});
