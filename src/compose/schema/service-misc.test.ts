import { describe, expect, it } from 'vitest';
import { schemaFindings } from './issues.js';
import { devices, envFile, extendsRef, logging, ulimits } from './service-misc.js';
import { command, fileRefs } from './service-refs.js';

describe('command / entrypoint', () => {
  it('splits a string like a shell, keeps lists and null', () => {
    expect(command.parse('sh -c "echo hi && sleep 1"')).toEqual(['sh', '-c', 'echo hi && sleep 1']);
    expect(command.parse(['npm', 'start'])).toEqual(['npm', 'start']);
    expect(command.parse(null)).toBeNull();
    expect(command.parse([])).toEqual([]);
  });

  it('reports an unterminated quote', () => {
    const result = command.safeParse('echo "oops');
    expect(result.success).toBe(false);
    const [finding] = result.success ? [] : schemaFindings(result.error);
    expect(finding?.message).toContain('unterminated double quote');
    expect(finding?.hint).toContain('as a list');
  });
});

describe('ulimits', () => {
  it('turns a single number into soft = hard and parses strings', () => {
    expect(ulimits.parse({ nproc: 65535, nofile: { soft: '20000', hard: 40000 }, core: '-1' })).toEqual({
      nproc: { soft: 65535, hard: 65535 },
      nofile: { soft: 20000, hard: 40000 },
      core: { soft: -1, hard: -1 },
    });
  });

  it('requires both soft and hard, whole numbers, soft <= hard', () => {
    expect(ulimits.safeParse({ nofile: { soft: 1 } }).success).toBe(false);
    const input = { nofile: { soft: 'lots', hard: 10 }, nproc: { soft: 10, hard: 5 } };
    const result = ulimits.safeParse(input);
    const found = result.success ? [] : schemaFindings(result.error, input);
    expect(found.map((f) => f.path)).toEqual([['nofile', 'soft'], ['nproc']]);
  });
});

describe('env_file', () => {
  it('normalizes a string, a list and the long form', () => {
    expect(envFile.parse('.env')).toEqual([{ path: '.env', required: true }]);
    expect(
      envFile.parse(['a.env', { path: 'b.env', required: 'false', format: 'raw' }, { path: 'c.env' }]),
    ).toEqual([
      { path: 'a.env', required: true },
      { path: 'b.env', required: false, format: 'raw' },
      { path: 'c.env', required: true },
    ]);
  });

  it('requires a path and forbids extension keys, as upstream does', () => {
    expect(envFile.safeParse([{ required: true }]).success).toBe(false);
    expect(envFile.safeParse([{ path: 'a', 'x-note': 1 }]).success).toBe(false);
  });
});

describe('extends, devices, logging, secrets', () => {
  it('extends: a string is the service name', () => {
    expect(extendsRef.parse('base')).toEqual({ service: 'base' });
    expect(extendsRef.parse({ service: 'base', file: 'common.yaml' })).toEqual({
      service: 'base',
      file: 'common.yaml',
    });
    expect(extendsRef.safeParse({ file: 'common.yaml' }).success).toBe(false);
  });

  it('devices: short form like the Docker CLI, CDI names kept whole', () => {
    expect(
      devices.parse([
        '/dev/ttyUSB0',
        '/dev/sda:/dev/xvda',
        '/dev/snd:rw',
        '/dev/fuse:/dev/fuse:rwm',
        'nvidia.com/gpu=all',
        { source: '/dev/kvm' },
      ]),
    ).toEqual([
      { source: '/dev/ttyUSB0', target: '/dev/ttyUSB0' },
      { source: '/dev/sda', target: '/dev/xvda' },
      { source: '/dev/snd', target: '/dev/snd', permissions: 'rw' },
      { source: '/dev/fuse', target: '/dev/fuse', permissions: 'rwm' },
      { source: 'nvidia.com/gpu=all' },
      { source: '/dev/kvm' },
    ]);
    expect(devices.safeParse(['/a:/b:rw:x']).success).toBe(false);
  });

  it('logging: option numbers become text', () => {
    expect(logging.parse({ driver: 'json-file', options: { 'max-size': '10m', 'max-file': 3 } })).toEqual({
      driver: 'json-file',
      options: { 'max-size': '10m', 'max-file': '3' },
    });
  });

  it('secrets/configs: a name becomes {source}; modes are octal text or numbers', () => {
    expect(
      fileRefs.parse(['token', { source: 'cert', target: '/etc/cert', mode: '0440', uid: '1000' }]),
    ).toEqual([{ source: 'token' }, { source: 'cert', target: '/etc/cert', mode: 0o440, uid: '1000' }]);
    expect(fileRefs.safeParse([{ target: '/x' }]).success).toBe(false);
    expect(fileRefs.safeParse([{ source: 'a', uid: 1000 }]).success).toBe(false);
  });
});
