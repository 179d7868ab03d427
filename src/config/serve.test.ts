import { describe, expect, it } from 'vitest';
import { BASE_ENV, CWD, FILE_DIR, onlyError, printed, settings } from '../../test/support/serve-config.js';
import { resolveServeConfig, type ServeFlags } from './serve.js';

describe('defaults', () => {
  it('listens on 127.0.0.1:7300 with the CLI state folder and the current folder as workspace', () => {
    expect(settings({})).toEqual({
      host: '127.0.0.1',
      port: 7300,
      workspace: CWD,
      stateDir: '/home/ops/.local/state/berth',
      dockerConfigDir: '/home/ops/.docker',
      shutdownGraceMs: 30_000,
      sources: {
        host: 'default',
        port: 'default',
        socket: 'default',
        tls: 'default',
        workspace: 'default',
        stateDir: 'default',
        dockerHost: 'default',
        shutdownGrace: 'default',
      },
    });
  });

  it('reads registry credentials from DOCKER_CONFIG when it is set, else ~/.docker', () => {
    expect(settings({ env: { DOCKER_CONFIG: 'dc' } }).dockerConfigDir).toBe(`${CWD}/dc`);
    expect(settings({ env: { DOCKER_CONFIG: '/etc/docker-auth' } }).dockerConfigDir).toBe('/etc/docker-auth');
    expect(settings({ env: { ...BASE_ENV, DOCKER_CONFIG: ' ' } }).dockerConfigDir).toBe('/home/ops/.docker');
  });

  it('keeps the state folder under XDG_STATE_HOME when it is set', () => {
    expect(settings({ env: { XDG_STATE_HOME: 'xdg' } }).stateDir).toBe('/home/ops/xdg/berth');
  });

  it('accepts an empty file and a file of comments as setting nothing', () => {
    for (const yaml of ['', '\n', '# nothing yet\n', '---\n']) {
      const s = settings({ yaml });
      expect(s.port).toBe(7300);
      expect(s.configFile).toBe('/home/ops/etc/serve.yaml');
      expect(Object.values(s.sources).every((v) => v === 'default')).toBe(true);
    }
  });
});

describe('precedence: flag > environment > file > default', () => {
  const file = [
    'host: 10.0.0.1',
    'port: 7000',
    'socket: file.sock',
    'workspace: file-ws',
    'stateDir: file-state',
    'dockerHost: tcp://file:2375',
    'shutdownGrace: 5',
    '',
  ].join('\n');
  const env = {
    ...BASE_ENV,
    BERTH_HOST: '10.0.0.2',
    BERTH_PORT: '7001',
    BERTH_SOCKET: 'env.sock',
    BERTH_WORKSPACE: 'env-ws',
    BERTH_STATE_DIR: 'env-state',
    DOCKER_HOST: 'tcp://env:2375',
    BERTH_SHUTDOWN_GRACE: '6',
  };
  const flags: ServeFlags = {
    host: '10.0.0.3',
    port: '7002',
    socket: 'flag.sock',
    workspace: 'flag-ws',
    shutdownGrace: '7',
  };

  it('takes the file over the defaults', () => {
    const s = settings({ yaml: file });
    expect(s).toMatchObject({
      host: '10.0.0.1',
      port: 7000,
      socketPath: `${FILE_DIR}/file.sock`,
      workspace: `${FILE_DIR}/file-ws`,
      stateDir: `${FILE_DIR}/file-state`,
      dockerHost: 'tcp://file:2375',
      shutdownGraceMs: 5000,
    });
    expect(Object.values(s.sources).filter((v) => v === 'file')).toHaveLength(7);
  });

  it('takes the environment over the file', () => {
    const s = settings({ yaml: file, env });
    expect(s).toMatchObject({
      host: '10.0.0.2',
      port: 7001,
      socketPath: `${CWD}/env.sock`,
      workspace: `${CWD}/env-ws`,
      stateDir: `${CWD}/env-state`,
      dockerHost: 'tcp://env:2375',
      shutdownGraceMs: 6000,
    });
    expect(s.sources).toMatchObject({ host: 'env', port: 'env', stateDir: 'env', dockerHost: 'env' });
  });

  it('takes the flags over the environment and the file', () => {
    const s = settings({ yaml: file, env, flags });
    expect(s).toMatchObject({
      host: '10.0.0.3',
      port: 7002,
      socketPath: `${CWD}/flag.sock`,
      workspace: `${CWD}/flag-ws`,
      // No flag for these two: the environment still wins over the file.
      stateDir: `${CWD}/env-state`,
      dockerHost: 'tcp://env:2375',
      shutdownGraceMs: 7000,
    });
    expect(s.sources).toEqual({
      host: 'flag',
      port: 'flag',
      socket: 'flag',
      tls: 'default',
      workspace: 'flag',
      stateDir: 'env',
      dockerHost: 'env',
      shutdownGrace: 'flag',
    });
  });

  it('decides each key on its own', () => {
    const s = settings({ yaml: file, env: { BERTH_PORT: '9000' }, flags: { host: '::1' } });
    expect(s.sources).toMatchObject({ host: 'flag', port: 'env', socket: 'file', workspace: 'file' });
    expect([s.host, s.port, s.socketPath]).toEqual(['::1', 9000, `${FILE_DIR}/file.sock`]);
  });

  it('counts an empty flag or variable as not given', () => {
    const s = settings({
      yaml: file,
      env: { BERTH_HOST: '', BERTH_PORT: '  ', BERTH_SOCKET: '', BERTH_STATE_DIR: '', DOCKER_HOST: '' },
      flags: { port: '', shutdownGrace: '' },
    });
    expect(s).toMatchObject({
      host: '10.0.0.1',
      port: 7000,
      socketPath: `${FILE_DIR}/file.sock`,
      stateDir: `${FILE_DIR}/file-state`,
      dockerHost: 'tcp://file:2375',
      shutdownGraceMs: 5000,
    });
  });

  it('takes the TLS pair of the flags over the one of the file, and the file over nothing', () => {
    const yaml = 'tls:\n  cert: tls/cert.pem\n  key: tls/key.pem\n';
    expect(settings({ yaml }).tls).toEqual({
      certFile: `${FILE_DIR}/tls/cert.pem`,
      keyFile: `${FILE_DIR}/tls/key.pem`,
    });
    const s = settings({ yaml, flags: { tlsCert: 'c.pem', tlsKey: '/abs/k.pem' } });
    expect(s.tls).toEqual({ certFile: `${CWD}/c.pem`, keyFile: '/abs/k.pem' });
    expect(s.sources.tls).toBe('flag');
    expect(settings({}).tls).toBeUndefined();
  });

  it('checks the whole file even where a flag overrides it', () => {
    expect(printed({ yaml: 'port: http\n', flags: { port: '8080' } })).toEqual([
      'etc/serve.yaml:1:7: error SERVE_CONFIG_INVALID: port must be an integer from 0 to 65535, got "http"\n  hint: e.g. `port: 7300`; 0 picks a free port',
    ]);
  });

  it('ignores a bad variable that a flag overrides', () => {
    expect(settings({ env: { BERTH_PORT: 'http' }, flags: { port: '8080' } }).port).toBe(8080);
  });
});

describe('paths', () => {
  it('resolves relative paths of the file against its folder, and keeps absolute ones', () => {
    const yaml = [
      'socket: ../run/berth.sock',
      'workspace: /srv/stacks',
      'stateDir: ./state',
      'tls: {cert: /etc/ssl/berth.pem, key: keys/berth.key}',
      '',
    ].join('\n');
    expect(settings({ yaml })).toMatchObject({
      socketPath: '/home/ops/run/berth.sock',
      workspace: '/srv/stacks',
      stateDir: '/home/ops/etc/state',
      tls: { certFile: '/etc/ssl/berth.pem', keyFile: '/home/ops/etc/keys/berth.key' },
    });
  });

  it('resolves the file against the folder of an absolute config path', () => {
    const result = resolveServeConfig({
      flags: {},
      env: {},
      cwd: CWD,
      file: { path: '/etc/berth/serve.yaml', text: 'workspace: stacks\n' },
    });
    expect(result.ok && result.settings.workspace).toBe('/etc/berth/stacks');
    expect(result.ok && result.settings.configFile).toBe('/etc/berth/serve.yaml');
  });

  it('resolves flags and variables against the current folder', () => {
    expect(
      settings({
        yaml: 'socket: file.sock\n',
        env: { BERTH_STATE_DIR: 'state', BERTH_WORKSPACE: '../ws' },
        flags: { socket: 'run/b.sock' },
      }),
    ).toMatchObject({ socketPath: `${CWD}/run/b.sock`, stateDir: `${CWD}/state`, workspace: '/home/ws' });
  });

  it('does not treat dockerHost as a path', () => {
    expect(settings({ yaml: 'dockerHost: unix:///run/docker.sock\n' }).dockerHost).toBe(
      'unix:///run/docker.sock',
    );
  });

  it('refuses `~`, which nothing expands in a file', () => {
    expect(onlyError('stateDir: ~/berth\n')).toBe(
      'etc/serve.yaml:1:11: error SERVE_CONFIG_INVALID: stateDir: `~` is not expanded in the config file, got "~/berth"\n' +
        "  hint: write the full path, or a path relative to the config file's folder",
    );
    expect(onlyError('tls: {cert: ~/c.pem, key: k.pem}\n')).toContain('tls.cert: `~` is not expanded');
    expect(settings({ yaml: 'workspace: ~stacks\n' }).workspace).toBe(`${FILE_DIR}/~stacks`);
  });
});

describe('allowedHosts', () => {
  it('takes host names from the file, or comma-separated from BERTH_ALLOWED_HOSTS over it', () => {
    expect(settings({}).allowedHosts).toBeUndefined();
    expect(settings({ yaml: 'allowedHosts: [berth.example.com, .internal]\n' }).allowedHosts).toEqual([
      'berth.example.com',
      '.internal',
    ]);
    expect(
      settings({
        yaml: 'allowedHosts: [berth.example.com]\n',
        env: { ...BASE_ENV, BERTH_ALLOWED_HOSTS: ' ops.example.org , * ' },
      }).allowedHosts,
    ).toEqual(['ops.example.org', '*']);
  });

  it('refuses what is not a host name: a port, a scheme, a path', () => {
    expect(onlyError('allowedHosts: [berth.example.com:443]\n')).toContain(
      'allowedHosts.0 must be a list of host names that requests may be addressed to, got "berth.example.com:443"',
    );
    expect(onlyError('allowedHosts: berth.example.com\n')).toContain(
      'allowedHosts must be a list of host names',
    );
    expect(
      printed({ env: { ...BASE_ENV, BERTH_ALLOWED_HOSTS: 'https://berth.example.com,ok.example' } }),
    ).toEqual([
      'error SERVE_CONFIG_INVALID: BERTH_ALLOWED_HOSTS=https://berth.example.com,ok.example has "https://berth.example.com", not a host name\n' +
        '  hint: give names without port or scheme, comma-separated, e.g. BERTH_ALLOWED_HOSTS=berth.example.com,.internal',
    ]);
  });
});
