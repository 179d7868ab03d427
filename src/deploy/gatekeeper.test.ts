import { describe, expect, it } from 'vitest';
import { gateKindFor } from './gatekeeper.js';

const check = { test: ['CMD', 'curl', '-f', 'http://localhost/'] };

describe('gateKindFor', () => {
  it('gates a container with a healthcheck on it, whatever the service said', () => {
    expect(gateKindFor('stable', { healthcheck: check })).toBe('healthcheck');
    expect(gateKindFor('healthcheck', { healthcheck: check })).toBe('healthcheck');
    // Docker tracks its health: a check Berth cannot run itself still counts through Docker.
    expect(gateKindFor('stable', { health: { status: 'starting', failingStreak: 0, log: [] } })).toBe(
      'healthcheck',
    );
  });

  it('gates a container without one on the stable window (a rollback to a version without a check)', () => {
    expect(gateKindFor('healthcheck', {})).toBe('stable');
    expect(gateKindFor('healthcheck', { healthcheck: { test: ['NONE'] } })).toBe('stable');
    expect(gateKindFor('stable', {})).toBe('stable');
  });

  it('keeps a one-shot service’s gate: it must complete', () => {
    expect(gateKindFor('completes', { healthcheck: check })).toBe('completes');
    expect(gateKindFor('completes', {})).toBe('completes');
  });
});
