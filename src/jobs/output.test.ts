import { describe, expect, it } from 'vitest';
import { MASK } from '../secrets/detect.js';
import { valueMasker } from '../secrets/mask.js';
import { OutputTail } from './output.js';

describe('OutputTail', () => {
  it('masks a secret even when it arrives split between two chunks', () => {
    const lines: string[] = [];
    const tail = new OutputTail(valueMasker(['hunter2-secret']), { onLine: (line) => lines.push(line) });
    tail.push('stdout', 'password is hunt');
    tail.push('stdout', 'er2-secret\nnext');
    tail.end();
    expect(tail.text()).toBe(`password is ${MASK}\nnext\n`);
    expect(lines).toEqual([`password is ${MASK}`, 'next']);
  });

  it('keeps the last bytes, cut at a line, and says that earlier output was dropped', () => {
    const tail = new OutputTail((t) => t, {}, 20);
    for (let i = 1; i <= 10; i++) tail.push('stdout', `line ${i}\n`);
    expect(tail.text()).toBe('[earlier output dropped]\nline 9\nline 10\n');
  });

  it('keeps the beginning of stdout apart, for a result that must match', () => {
    const tail = new OutputTail((t) => t);
    tail.pushLine('stderr', 'warning');
    tail.pushLine('stdout', 'ok');
    expect(tail.stdout()).toBe('ok\n');
    expect(tail.text()).toBe('warning\nok\n');
  });
});

describe('OutputTail bounds', () => {
  it('keeps only the end of an endless line, and counts raw lines before masking', () => {
    const raw: string[] = [];
    const tail = new OutputTail(valueMasker(['1000']), { onRawLine: (line) => raw.push(line) });
    for (let i = 0; i < 200; i++) tail.push('stdout', `${'x'.repeat(1000)}\r`);
    tail.push('stdout', 'sent 1000\n');
    expect(raw).toHaveLength(1);
    expect(raw[0]?.endsWith('\rsent 1000')).toBe(true);
    expect(raw[0]?.length).toBeLessThanOrEqual(64 * 1024 + 'sent 1000'.length);
    expect(tail.text().startsWith('[earlier output dropped]')).toBe(true);
    expect(tail.text().endsWith(`sent ${MASK}\n`)).toBe(true);
  });

  it('never keeps the end of a secret that the cut of an endless line went through', () => {
    const secret = 'hunter2-secret-VALUE';
    const tail = new OutputTail(valueMasker([secret]), {}, 128 * 1024);
    // The cut keeps the last 64 KiB: it falls 5 characters before the secret's end.
    tail.push('stdout', `${'x'.repeat(100)}${secret}${'y'.repeat(64 * 1024 - 5)}`);
    tail.push('stdout', 'done\n');
    expect(tail.text()).not.toContain('VALUE');
    expect(tail.text()).not.toContain('LUE');
  });
});
