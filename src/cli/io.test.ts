import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { quitOnClosedPipe } from './io.js';

const errno = (code: string) => Object.assign(new Error(`write ${code}`), { code });

describe('quitOnClosedPipe', () => {
  it('ends the command quietly (0) when the reader closed the pipe', () => {
    const stream = new PassThrough();
    const exits: number[] = [];
    quitOnClosedPipe(stream as unknown as NodeJS.WriteStream, (code) => exits.push(code));
    stream.emit('error', errno('EPIPE'));
    expect(exits).toEqual([0]);
  });

  it('leaves any other output error an error', () => {
    const stream = new PassThrough();
    const exits: number[] = [];
    quitOnClosedPipe(stream as unknown as NodeJS.WriteStream, (code) => exits.push(code));
    expect(() => stream.emit('error', errno('EIO'))).toThrow('write EIO');
    expect(exits).toEqual([]);
  });
});
