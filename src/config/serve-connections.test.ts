import { describe, expect, it } from 'vitest';
import { errors, settings } from '../../test/support/serve-config.js';

// `connections:` in the serve config file: how many TCP connections one client address may hold.

describe('the connections section', () => {
  it('takes perAddress, and leaves the default (64) alone without it', () => {
    expect(settings({ yaml: 'connections: {perAddress: 16}\n' }).connectionsPerAddress).toBe(16);
    expect(settings({ yaml: 'connections: {}\n' }).connectionsPerAddress).toBeUndefined();
    expect(settings({ yaml: 'port: 7300\n' }).connectionsPerAddress).toBeUndefined();
  });

  it.each([
    [
      'connections: {perAddress: 0}',
      'connections.perAddress must be a whole number of connections from 1 to 512, got 0',
    ],
    ['connections: {perAddress: 513}', 'got 513'],
    ['connections: {per_address: 3}', 'unknown key `per_address` in connections'],
  ])('%s is refused', (yaml, message) => {
    const [error] = errors({ yaml: `${yaml}\n` });
    expect(error?.message).toContain(message);
  });
});
