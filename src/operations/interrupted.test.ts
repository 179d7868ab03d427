import { describe, expect, it } from 'vitest';
import { interruptedError } from './interrupted.js';

describe('interruptedError', () => {
  it('gives each kind its own way forward', () => {
    expect(interruptedError('up', 'shop').hint).toContain('`berth up shop` converges');
    expect(interruptedError('restart', 'shop').hint).toContain('`berth up shop`');
    expect(interruptedError('job', 'shop').hint).toContain('`berth job run shop SERVICE JOB`');
    expect(interruptedError('backup', 'shop').hint).toContain('`berth backup run shop SERVICE`');
    expect(interruptedError('drill', 'shop').hint).toContain('`berth backup drill shop ID`');
    for (const kind of ['job', 'backup', 'drill', 'restore'] as const)
      expect(interruptedError(kind, 'shop').hint).not.toContain('berth up');
    expect(interruptedError('job', 'shop').code).toBe('OPERATION_INTERRUPTED');
  });

  it('names the safety backup of a restore that had begun writing, and the command', () => {
    const e = interruptedError('restore', 'shop', {
      stack: 'shop',
      service: 'db',
      safety: '20261207T184254Z-c7b4',
      writing: true,
    });
    expect(e.message).toContain('the data in shop/db may be partly restored');
    expect(e.message).toContain('20261207T184254Z-c7b4');
    expect(e.hint).toContain('`berth backup restore shop 20261207T184254Z-c7b4`');
  });

  it('says a restore that never took its safety backup restored nothing', () => {
    const e = interruptedError('restore', 'shop');
    expect(e.message).toContain('nothing was restored');
    expect(e.hint).toContain('berth backup restore shop ID');
  });

  it('says a restore that had not begun writing left the data as it was', () => {
    const e = interruptedError('restore', 'shop', {
      stack: 'shop',
      service: 'db',
      safety: 'S1',
      writing: false,
    });
    expect(e.message).toContain('had not begun writing');
    expect(e.hint).toContain('`berth backup restore shop S1`');
  });
});
