import { describe, expect, it } from 'vitest';
import { listeningAddress } from './serve-process.js';

describe('listeningAddress', () => {
  it('reads the first http address of the pino line', () => {
    const line =
      '{"level":30,"time":"2026-11-25T04:17:55.735Z","component":"server","addresses":["http://127.0.0.1:40809","unix:/run/b.sock"],"msg":"berth serve listening"}';
    expect(listeningAddress(line)).toBe('http://127.0.0.1:40809');
  });

  it('reads the human line on stdout, whatever the log level', () => {
    expect(listeningAddress('berth serve: listening on http://127.0.0.1:1 and unix:/s (workspace /w)')).toBe(
      'http://127.0.0.1:1',
    );
  });

  it('ignores other lines, other messages and broken JSON', () => {
    expect(listeningAddress('berth serve: shutting down')).toBeUndefined();
    expect(listeningAddress('{"msg":"request","addresses":["http://x:1"]}')).toBeUndefined();
    expect(listeningAddress('{"msg":"berth serve listening","addresses":["unix:/s"]}')).toBeUndefined();
    expect(listeningAddress('{"msg":"berth serve listening",')).toBeUndefined();
  });
});
