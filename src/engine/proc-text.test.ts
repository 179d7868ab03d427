import { describe, expect, it } from 'vitest';
import {
  inContainerCgroup,
  parseChildren,
  parseCmdline,
  shellExecArgv,
  simpleCommandWords,
} from './proc-text.js';

const ID = 'f5d59cb92fdfc77099c11409cb89c71226f1e17398e08764e75f57cf543c73e4';
const OTHER = 'a748b8baefcd60823f16b4aa580cc0e185e59676b59a096028c85bc4d67d1fde';
const v1 = (id: string) => `12:pids:/docker/${id}\n4:memory:/docker/${id}\n0::/docker/${id}\n`;

describe('inContainerCgroup', () => {
  it.each([
    ['cgroup v1, cgroupfs driver', v1(ID), true],
    ['cgroup v2, systemd driver', `0::/system.slice/docker-${ID}.scope\n`, true],
    ['a cpuset path', `/docker/${ID}`, true],
    ['another container', v1(OTHER), false],
    ['the host', '0::/\n', false],
    ['the id inside a longer hex string', `0::/docker/${ID}ab\n`, false],
    ['the id after more hex digits', `0::/docker/0${ID}\n`, false],
    ['empty', '', false],
  ])('%s → %s', (_what, text, expected) => {
    expect(inContainerCgroup(text, ID)).toBe(expected);
  });

  it('matches on full ids only, never a prefix', () => {
    expect(inContainerCgroup(v1(ID), ID.slice(0, 12))).toBe(false);
    expect(inContainerCgroup(v1(ID), '')).toBe(false);
    expect(inContainerCgroup(v1(ID.toUpperCase()), ID.toUpperCase())).toBe(false);
  });

  it('finds a later whole occurrence after a partial one', () => {
    expect(inContainerCgroup(`0::/x/${ID}0\n1:cpu:/docker/${ID}\n`, ID)).toBe(true);
  });
});

describe('parseCmdline', () => {
  it.each([
    ['sleep\x00300\x00', ['sleep', '300']],
    ['sleep\x00300', ['sleep', '300']],
    ['sh\x00-c\x00\x00', ['sh', '-c', '']],
    ['', []],
  ])('%j → %j', (text, expected) => {
    expect(parseCmdline(text)).toStrictEqual(expected);
  });
});

describe('parseChildren', () => {
  it('reads pids of every task, once each', () => {
    expect(parseChildren('12 13 \n 13 40\n')).toStrictEqual([12, 13, 40]);
  });

  it('ignores anything that is not a pid', () => {
    expect(parseChildren(' 0 -3 x7 08 5 ')).toStrictEqual([5]);
    expect(parseChildren('')).toStrictEqual([]);
  });
});

describe('simpleCommandWords', () => {
  it.each([
    ['sleep 300', ['sleep', '300']],
    ['  sleep\t300  ', ['sleep', '300']],
    ['exec sleep 300', ['sleep', '300']],
    ['echo \'a b\' "c d"', ['echo', 'a b', 'c d']],
    [
      'wget -q --spider http://127.0.0.1:8080/health',
      ['wget', '-q', '--spider', 'http://127.0.0.1:8080/health'],
    ],
    ['pre\'fix x\'"post"', ['prefix xpost']],
    ["echo ''", ['echo', '']],
    ['/usr/bin/pg_isready -U app=1', ['/usr/bin/pg_isready', '-U', 'app=1']],
  ])('%j → %j', (script, expected) => {
    expect(simpleCommandWords(script)).toStrictEqual(expected);
  });

  it.each([
    '',
    '   ',
    'exec',
    'a; b',
    'a && b',
    'a || exit 1',
    'a | b',
    'a > /dev/null',
    'a &',
    '$X',
    'echo "$HOME"',
    'echo `id`',
    'echo $(id)',
    'echo "a\\"b"',
    'a\\ b',
    'ls *',
    'cat ~/x',
    "echo 'unterminated",
    'FOO=1 cmd',
    'if true',
    '! false',
    '{ a; }',
    'a # comment',
    'a\nb',
  ])('%j is not one plain command', (script) => {
    expect(simpleCommandWords(script)).toBeUndefined();
  });
});

describe('shellExecArgv', () => {
  it.each([
    [
      ['sh', '-c', 'sleep 300'],
      ['sleep', '300'],
    ],
    [
      ['/bin/sh', '-c', 'exec sleep 300'],
      ['sleep', '300'],
    ],
    [
      ['/bin/bash', '-o', 'pipefail', '-c', 'curl -f http://x/'],
      ['curl', '-f', 'http://x/'],
    ],
    [
      ['sh', '-c', 'probe run', 'arg0', '1'],
      ['probe', 'run'],
    ],
  ])('%j may become %j', (argv, expected) => {
    expect(shellExecArgv(argv)).toStrictEqual(expected);
  });

  it.each([
    [['sleep', '300']],
    [['python3', '-c', 'sleep 300']],
    [['sh']],
    [['sh', '-c']],
    [['sh', 'script.sh']],
    [['sh', '-c', 'sleep 300; echo done']],
    [[]],
  ])('%j becomes nothing else', (argv) => {
    expect(shellExecArgv(argv)).toBeUndefined();
  });
});
