import { describe, expect, it } from 'vitest';
import { settled, settledMessage } from './settled.js';

const DRILL = 'drill stopped';

describe('settled', () => {
  it("tells a restore's released source from backups recorded as failed and drills", () => {
    const s = settled(
      [
        { id: 'taking', status: 'failed', drill: { status: 'none' } },
        { id: 'drilling', status: 'completed', drill: { status: 'failed', reason: DRILL } },
        { id: 'source', status: 'completed', drill: { status: 'passed' } },
        { id: 'old-drill', status: 'completed', drill: { status: 'failed', reason: 'rows differ' } },
      ],
      DRILL,
    );
    expect(s).toEqual({ failed: ['taking'], drillsFailed: ['drilling'], released: ['source', 'old-drill'] });
    const line = settledMessage(s, 2);
    expect(line).toContain('recorded as failed: taking');
    expect(line).toContain('drills recorded as failed: drilling');
    expect(line).toContain('(read by an interrupted restore; unchanged): source, old-drill');
    expect(line).not.toMatch(/recorded as failed: [^;]*source/);
    expect(line).toContain('2 scratch objects removed');
  });
});
