import { describe, expect, it } from 'vitest';
import { engineCallLine, failedCall } from './call-log.js';

describe('the log line of an engine call', () => {
  it('names the method, the path, the status and the duration', () => {
    expect(
      engineCallLine({ method: 'GET', path: '/containers/shop-web-1/json', status: 200, ms: 3.4 }),
    ).toEqual({
      fields: { method: 'GET', path: '/containers/shop-web-1/json', status: 200, ms: 3 },
      message: 'engine GET /containers/shop-web-1/json → 200 in 3 ms',
    });
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
