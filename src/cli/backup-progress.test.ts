import { describe, expect, it } from 'vitest';
import { backupProgress, barLine, isByteProgress } from './backup-progress.js';

describe('backup progress', () => {
  it('tells byte counts from steps', () => {
    expect(isByteProgress('12.5 MiB dumped, 3.1 MiB/s')).toBe(true);
    expect(isByteProgress('dumping with mariadb-dump')).toBe(false);
    expect(isByteProgress('restoring into the scratch container')).toBe(false);
  });

  it('moves the bar back and forth, with the bytes and the time, cut to the width', () => {
    expect(barLine(undefined, 0, 0.4, 80)).toBe('[■■■■■               ] starting · 0s');
    expect(barLine('1.0 MiB dumped, 1.0 MiB/s', 3, 2.9, 80)).toBe(
      '[   ■■■■■            ] 1.0 MiB dumped, 1.0 MiB/s · 2s',
    );
    expect(barLine(undefined, 15, 0, 80)).toBe('[               ■■■■■] starting · 0s');
    // After the right end it comes back.
    expect(barLine(undefined, 16, 0, 80)).toBe(barLine(undefined, 14, 0, 80));
    expect(barLine(undefined, 30, 0, 80)).toBe(barLine(undefined, 0, 0, 80));
    expect(barLine('1.0 MiB dumped, 1.0 MiB/s', 0, 0, 12)).toBe('[■■■■■     …');
  });

  it('on a terminal: steps as lines, bytes only in the bar, and the bar cleared at the end', () => {
    const written: string[] = [];
    const p = backupProgress({ write: (t) => written.push(t), tty: true, columns: 60 }, () => 0);
    p.onMessage('dumping with mariadb-dump');
    p.onMessage('5.0 MiB dumped, 5.0 MiB/s');
    p.stop();
    const text = written.join('');
    expect(text).toContain('\r\x1b[2Kdumping with mariadb-dump\n');
    expect(text).toContain('5.0 MiB dumped, 5.0 MiB/s · 0s');
    expect(text).not.toContain('5.0 MiB dumped, 5.0 MiB/s\n');
    expect(text.endsWith('\r\x1b[2K')).toBe(true);
  });

  it('elsewhere: every message as a plain line, no bar and no escape codes', () => {
    const written: string[] = [];
    const p = backupProgress({ write: (t) => written.push(t), tty: false });
    p.onMessage('dumping with mariadb-dump');
    p.onMessage('5.0 MiB dumped, 5.0 MiB/s');
    p.stop();
    expect(written).toEqual(['dumping with mariadb-dump\n', '5.0 MiB dumped, 5.0 MiB/s\n']);
  });
});
