import { describe, expect, it } from 'vitest';
import { parseCondition } from '../expressions.js';
import type { CheckOutcome, ProbeDefinition } from '../probe-types.js';
import { judge } from './verdict.js';

const definition = (...sources: string[]): ProbeDefinition => ({
  check: { type: 'tcp', port: 1 },
  intervalMs: 10_000,
  timeoutMs: 1_000,
  failureThreshold: 1,
  successThreshold: 1,
  conditions: sources.map((s) => {
    const parsed = parseCondition(s);
    if (!parsed.ok) throw new Error(parsed.message);
    return parsed.condition;
  }),
});
const outcome = (o: Partial<CheckOutcome>): CheckOutcome => ({ ok: true, measured: {}, latencyMs: 3, ...o });

describe('judge', () => {
  it('without conditions, follows the check', () => {
    expect(judge(definition(), outcome({}))).toEqual({ ok: true, detail: 'ok' });
    expect(judge(definition(), outcome({ ok: false, error: 'connection refused on 127.0.0.1:1' }))).toEqual({
      ok: false,
      detail: 'connection refused on 127.0.0.1:1',
    });
  });

  it('with conditions, every one must hold, whatever the check thought', () => {
    const d = definition('[STATUS] == 503');
    expect(judge(d, outcome({ ok: false, measured: { status: 503 } })).ok).toBe(true);
    const both = definition('[STATUS] == 200', '[RESPONSE_TIME] < 300');
    const v = judge(both, outcome({ measured: { status: 200, responseTimeMs: 450 } }));
    expect(v.ok).toBe(false);
    expect(v.detail).toContain('[RESPONSE_TIME] (450) < 300');
  });

  it('fails a condition on what the run could not measure, and says why', () => {
    const v = judge(
      definition('[STATUS] == 200'),
      outcome({ ok: false, error: 'timed out after 1s', measured: {} }),
    );
    expect(v.ok).toBe(false);
    expect(v.detail).toMatch(/^timed out after 1s; \[STATUS\]/);
  });
});

describe('judge, for a program’s output (command and db probes)', () => {
  const command = (...sources: string[]): ProbeDefinition => ({
    ...definition(...sources),
    check: { type: 'command', argv: ['check'] },
  });
  const DERIVED = 'derived-c3VwZXJzZWNyZXQK';

  it('keeps what the program printed out of the detail, as output', () => {
    const failed = outcome({
      ok: false,
      error: 'exit 1',
      output: DERIVED,
      measured: { body: `${DERIVED}\n` },
    });
    expect(judge(command(), failed)).toEqual({ ok: false, detail: 'exit 1', output: DERIVED });
    expect(judge(command(), outcome({ measured: { body: DERIVED } }))).toEqual({ ok: true, detail: 'ok' });
  });

  it('does not quote the body in a failed condition on it; an HTTP body still is', () => {
    const v = judge(command('[BODY] == pat(*healthy*)'), outcome({ measured: { body: `${DERIVED}\n` } }));
    expect(v).toEqual({
      ok: false,
      detail: '[BODY] (output not shown) == pat(*healthy*)',
      output: DERIVED,
    });
    const http = judge(definition('[BODY] == pat(*healthy*)'), outcome({ measured: { body: 'sick' } }));
    expect(http).toEqual({ ok: false, detail: '[BODY] (sick) == pat(*healthy*)' });
  });
});
