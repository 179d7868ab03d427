import { describe, expect, it } from 'vitest';
import { MASK } from '../secrets/detect.js';
import { valueMasker } from '../secrets/mask.js';
import { OutputTail } from './output.js';

describe('OutputTail', () => {
  it('masks a secret even when it arrives split between two chunks', () => {
    const lines: string[] = [];
    const tail = new OutputTail(valueMasker(['hunter2-secret']), (line) => lines.push(line));
    tail.push('stdout', 'password is hunt');
    tail.push('stdout', 'er2-secret\nnext');
    tail.end();
    expect(tail.text()).toBe(`password is ${MASK}\nnext\n`);
    expect(lines).toEqual([`password is ${MASK}`, 'next']);
  });

  it('keeps the last bytes, cut at a line, and says that earlier output was dropped', () => {
    const tail = new OutputTail((t) => t, undefined, 20);
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
