import { describe, expect, it } from 'vitest';
import { parseResults, renderPerfTable, replaceTable, TABLE_END, TABLE_START } from './readme-table.js';
import type { BenchResults } from './results.js';

const run: BenchResults = {
  bench: 'api',
  at: '2026-12-05T10:00:00.000Z',
  machine: { cores: 2, model: 'cpu', node: 'v20.19.0', load1: 0.5 },
  figures: [
    { figure: 'CPU per response', value: '0.08 ms', goal: '< 0.1 ms', met: true },
    { figure: 'idle RSS', value: '91 MB', goal: '< 80 MB', met: false },
    { figure: 'peer | bare node', value: '0.02 ms', goal: '' },
  ],
};

describe('renderPerfTable', () => {
  it('puts every figure beside its goal and says which goals were missed', () => {
    const table = renderPerfTable([run]);
    expect(table).toContain('| `api` | CPU per response | 0.08 ms | < 0.1 ms | met |');
    expect(table).toContain('| `api` | idle RSS | 91 MB | < 80 MB | **not met** |');
    expect(table).toContain('| `api` | peer \\| bare node | 0.02 ms |  |  |');
    expect(table).toContain('`api` 2026-12-05 10:00 UTC (2 cores, node v20.19.0, load 0.5)');
  });
});

describe('replaceTable', () => {
  it('replaces only what is between the markers', () => {
    const readme = `# x\n${TABLE_START}\nold\n${TABLE_END}\nafter\n`;
    expect(replaceTable(readme, 'new')).toBe(`# x\n${TABLE_START}\nnew\n${TABLE_END}\nafter\n`);
  });
  it('refuses a README without the markers', () => {
    expect(() => replaceTable('# x\n', 'new')).toThrow(/add both markers/);
    expect(() => replaceTable(`${TABLE_END}\n${TABLE_START}`, 'new')).toThrow(/markers/);
  });
});

describe('parseResults', () => {
  it('reads what writeResults writes', () => {
    expect(parseResults('a.json', JSON.stringify(run))).toEqual(run);
  });
  it('names the file and the field that is wrong', () => {
    expect(() => parseResults('bench/results/api.json', '{"bench":"api"}')).toThrow(
      /bench\/results\/api.json: no "at" time/,
    );
    const bad = { ...run, figures: [{ figure: 'x', value: 1, goal: '' }] };
    expect(() => parseResults('a.json', JSON.stringify(bad))).toThrow(/figures\[0\]/);
  });
});
