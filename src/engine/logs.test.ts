import { describe, expect, it } from 'vitest';
import { LogLineParser, toUnixSeconds } from './logs.js';

function frame(type: number, text: string): Buffer {
  const payload = Buffer.from(text);
  const header = Buffer.alloc(8);
  header[0] = type;
  header.writeUInt32BE(payload.length, 4);
  return Buffer.concat([header, payload]);
}

describe('LogLineParser', () => {
  it('keeps each stream’s partial line apart', () => {
    const parser = new LogLineParser(false, false);
    const lines = [
      ...parser.push(Buffer.concat([frame(1, 'hel'), frame(2, 'oops\nwa')])),
      ...parser.push(Buffer.concat([frame(1, 'lo\n'), frame(2, 'rning\n')])),
    ];
    expect(lines).toEqual([
      { stream: 'stderr', line: 'oops' },
      { stream: 'stdout', line: 'hello' },
      { stream: 'stderr', line: 'warning' },
    ]);
  });

  it('splits timestamps off and flushes unterminated lines at the end', () => {
    const parser = new LogLineParser(false, true);
    expect(parser.push(frame(1, '2026-11-25T02:17:20.1Z first\n2026-11-25T02:17:21.2Z sec'))).toEqual([
      { stream: 'stdout', line: 'first', time: '2026-11-25T02:17:20.1Z' },
    ]);
    expect(parser.end()).toEqual([{ stream: 'stdout', line: 'sec', time: '2026-11-25T02:17:21.2Z' }]);
  });

  it('reads TTY logs as raw stdout with CRLF line ends', () => {
    const parser = new LogLineParser(true, false);
    expect(parser.push(Buffer.from('one\r\ntwo\r\n'))).toEqual([
      { stream: 'stdout', line: 'one' },
      { stream: 'stdout', line: 'two' },
    ]);
  });
});

describe('toUnixSeconds', () => {
  it('writes milliseconds as fractional seconds', () => {
    expect(toUnixSeconds(1_764_000_000_123)).toBe('1764000000.123');
    expect(toUnixSeconds(0)).toBe('0.000');
  });
});
