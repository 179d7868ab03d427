import { describe, expect, it } from 'vitest';
import { errors, settings } from '../../test/support/serve-config.js';

// `streams:` in the serve config file: how many event and log streams may be open at once.

describe('the streams section', () => {
  it.each([
    ['streams: {perUser: 20, total: 800}', { perUser: 20, total: 800 }],
    ['streams: {perUser: 25}', { perUser: 25, total: 500 }],
    ['streams: {total: 40}', { perUser: 10, total: 40 }],
    ['streams: {}', { perUser: 10, total: 500 }],
  ])('accepts %s', (yaml, streams) => {
    expect(settings({ yaml: `${yaml}\n` }).streams).toEqual(streams);
  });

  it('leaves the server’s defaults alone without one', () => {
    expect(settings({ yaml: 'port: 7300\n' }).streams).toBeUndefined();
  });

  it.each([
    [
      'streams: {perUser: 0}',
      '1:20',
      'streams.perUser must be a whole number of streams from 1 to 1000, got 0',
      '(default 10)',
    ],
    ['streams: {perUser: 2.5}', '1:20', 'got 2.5', 'e.g. `perUser: 20`'],
    [
      'streams: {total: 100001}',
      '1:18',
      'streams.total must be a whole number of streams from 1 to 100000',
      '(default 500)',
    ],
    ['streams: {per_user: 3}', '1:11', 'unknown key `per_user` in streams', 'did you mean `perUser`?'],
    [
      'streams: 20',
      '1:10',
      'streams must be a mapping with `perUser` and `total`, got 20',
      'streams: { perUser: 20',
    ],
  ])('%s is refused where it is written', (yaml, at, message, hint) => {
    const [error] = errors({ yaml: `${yaml}\n` });
    expect(`${error?.line}:${error?.column}`).toBe(at);
    expect(error?.message).toContain(message);
    expect(error?.hint).toContain(hint);
  });

  it('refuses more streams per user than on the whole server', () => {
    const [error] = errors({ yaml: 'streams: {perUser: 50, total: 20}\n' });
    expect(error?.message).toBe('streams.perUser (50) is more than streams.total (20)');
    expect(error?.hint).toMatch(/raise total or lower perUser/);
  });
});
