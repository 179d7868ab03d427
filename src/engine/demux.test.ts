import { describe, expect, it } from 'vitest';
import { FrameDecoder, LineSplitter, splitTimestamp } from './demux.js';

function frame(type: number, text: string | Buffer): Buffer {
  const payload = typeof text === 'string' ? Buffer.from(text) : text;
  const header = Buffer.alloc(8);
  header[0] = type;
  header.writeUInt32BE(payload.length, 4);
  return Buffer.concat([header, payload]);
}

const decoded = (frames: { stream: string; data: Buffer }[]) =>
  frames.map((f) => [f.stream, f.data.toString()]);

describe('FrameDecoder', () => {
  it('separates stdout and stderr frames in one chunk', () => {
    const decoder = new FrameDecoder();
    expect(
      decoded(decoder.push(Buffer.concat([frame(1, 'out\n'), frame(2, 'err\n'), frame(1, 'more')]))),
    ).toEqual([
      ['stdout', 'out\n'],
      ['stderr', 'err\n'],
      ['stdout', 'more'],
    ]);
  });

  it('reassembles headers and payloads split at every byte', () => {
    const bytes = Buffer.concat([frame(2, 'hello '), frame(1, 'world'), frame(2, '')]);
    const decoder = new FrameDecoder();
    const frames = [];
    for (const byte of bytes) frames.push(...decoder.push(Buffer.from([byte])));
    expect(decoded(frames)).toEqual([
      ['stderr', 'hello '],
      ['stdout', 'world'],
    ]);
    expect(decoder.end()).toEqual([]);
  });

  it('passes a raw (TTY) stream through as stdout', () => {
    const decoder = new FrameDecoder({ raw: true });
    expect(decoded(decoder.push(Buffer.from('\u0001abc')))).toEqual([['stdout', '\u0001abc']]);
  });

  it('switches to raw when the bytes are not a frame header (runtime errors on old engines)', () => {
    const decoder = new FrameDecoder();
    expect(decoded(decoder.push(Buffer.from('OCI runtime exec failed\r\n')))).toEqual([
      ['stdout', 'OCI runtime exec failed\r\n'],
    ]);
    expect(decoded(decoder.push(frame(2, 'x')))).toEqual([['stdout', frame(2, 'x').toString()]]);
  });

  it('keeps a frame cut short by the end of the stream', () => {
    const decoder = new FrameDecoder();
    const whole = frame(2, 'truncated payload');
    expect(decoder.push(whole.subarray(0, 12))).toEqual([]);
    expect(decoded(decoder.end())).toEqual([['stderr', 'trun']]);
  });
});

describe('LineSplitter', () => {
  it('splits lines across chunks without breaking UTF-8 characters', () => {
    const splitter = new LineSplitter();
    const bytes = Buffer.from('héllo\r\nwörld\nlast');
    const lines: string[] = [];
    for (const byte of bytes) lines.push(...splitter.push(Buffer.from([byte])));
    expect(lines).toEqual(['héllo', 'wörld']);
    expect(splitter.end()).toEqual(['last']);
    expect(splitter.end()).toEqual([]);
  });

  it('keeps empty lines', () => {
    expect(new LineSplitter().push(Buffer.from('a\n\nb\n'))).toEqual(['a', '', 'b']);
  });
});

describe('splitTimestamp', () => {
  it('takes the engine’s RFC 3339 prefix off', () => {
    expect(splitTimestamp('2026-11-25T02:17:20.162178763Z hello world')).toEqual({
      time: '2026-11-25T02:17:20.162178763Z',
      line: 'hello world',
    });
    expect(splitTimestamp('2026-11-25T02:17:20+01:00 x')).toEqual({
      time: '2026-11-25T02:17:20+01:00',
      line: 'x',
    });
    expect(splitTimestamp('2026-11-25T02:17:20.1Z')).toEqual({ time: '2026-11-25T02:17:20.1Z', line: '' });
    expect(splitTimestamp('no time here')).toEqual({ line: 'no time here' });
  });
});
