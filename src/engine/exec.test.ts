import { describe, expect, it } from 'vitest';
import { OutputBuffer, toExecCreateBody } from './exec.js';

describe('toExecCreateBody', () => {
  it('sends argv as is, output attached, no TTY', () => {
    expect(toExecCreateBody(['sh', '-c', 'echo "$X"; exit 3'], {})).toStrictEqual({
      AttachStdin: false,
      AttachStdout: true,
      AttachStderr: true,
      Tty: false,
      Cmd: ['sh', '-c', 'echo "$X"; exit 3'],
    });
  });

  it('adds user, env and workdir when given', () => {
    expect(
      toExecCreateBody(['id'], { user: '1000:1000', env: { A: '1', B: 'x=y' }, workdir: '/srv' }),
    ).toMatchObject({
      User: '1000:1000',
      Env: ['A=1', 'B=x=y'],
      WorkingDir: '/srv',
    });
  });
});

describe('OutputBuffer', () => {
  it('keeps up to the limit and says when it dropped output', () => {
    const buffer = new OutputBuffer(5);
    buffer.push(Buffer.from('abc'));
    expect(buffer.truncated).toBe(false);
    buffer.push(Buffer.from('defg'));
    buffer.push(Buffer.from('h'));
    expect(buffer.text()).toBe('abcde');
    expect(buffer.truncated).toBe(true);
  });
});
