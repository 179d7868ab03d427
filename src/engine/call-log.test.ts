import { describe, expect, it } from 'vitest';
import { engineCallLine, failedCall, shownPath } from './call-log.js';

describe('the log line of an engine call', () => {
  it('names the method, the path, the status and the duration', () => {
    expect(
      engineCallLine({ method: 'GET', path: `/containers/${'ab12'.repeat(16)}/json`, status: 200, ms: 3.4 }),
    ).toEqual({
      fields: { method: 'GET', path: `/containers/${'ab12'.repeat(16)}/json`, status: 200, ms: 3 },
      message: `engine GET /containers/${'ab12'.repeat(16)}/json → 200 in 3 ms`,
    });
  });

  it('shows ids and the API words of a path, never a name (it may hold a .env value)', () => {
    expect(shownPath('/images/local/app:t-Sup3r-Secr3t/json')).toBe('/images/<image>/json');
    expect(shownPath('/images/local/app:t-Sup3r-Secr3t')).toBe('/images/<image>');
    expect(shownPath('/distribution/registry.example/app:1/json')).toBe('/distribution/<image>/json');
    expect(shownPath('/images/sha256:0123456789ab/json')).toBe('/images/sha256:0123456789ab/json');
    expect(shownPath('/images/create')).toBe('/images/create');
    expect(shownPath('/images/json')).toBe('/images/json');
    expect(shownPath('/containers/shop-web-1/json')).toBe('/containers/<name>/json');
    expect(shownPath('/volumes/data-Sup3r-Secr3t')).toBe('/volumes/<name>');
    expect(shownPath('/containers/0123456789abcdef/start')).toBe('/containers/0123456789abcdef/start');
    expect(shownPath('/containers/create')).toBe('/containers/create');
    expect(shownPath('/containers/json')).toBe('/containers/json');
    expect(shownPath('/networks/prune')).toBe('/networks/prune');
    expect(shownPath('/version')).toBe('/version');
  });

  it('never carries a query string, and says how a call failed', () => {
    const line = engineCallLine({
      method: 'POST',
      path: '/images/create?fromImage=x&password=hunter2',
      status: 404,
      ms: 12,
      error: 'ENGINE_NOT_FOUND',
    });
    expect(JSON.stringify(line)).not.toContain('hunter2');
    expect(line.message).toBe('engine POST /images/create → 404 (ENGINE_NOT_FOUND) in 12 ms');
    expect(engineCallLine({ method: 'GET', path: '/version', ms: 1, error: 'ECONNREFUSED' }).message).toBe(
      'engine GET /version → no answer (ECONNREFUSED) in 1 ms',
    );
  });

  it('reads the status and code of what the HTTP layer threw', () => {
    expect(failedCall(Object.assign(new Error('x'), { statusCode: 409 }))).toEqual({ status: 409 });
    expect(failedCall(Object.assign(new Error('x'), { code: 'ECONNREFUSED' }))).toEqual({
      error: 'ECONNREFUSED',
    });
    expect(failedCall('odd')).toEqual({});
  });
});
