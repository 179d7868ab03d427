import { describe, expect, it } from 'vitest';
import {
  codeForStatus,
  EngineError,
  engineMessage,
  isAbortError,
  isEngineError,
  toEngineError,
  UNAVAILABLE_HINT,
} from './errors.js';

const context = { endpoint: 'unix:///var/run/docker.sock', action: 'inspect', resource: 'container web' };

/** What docker-modem rejects with when the engine answers with an error status. */
function modemError(status: number, message: string, json: unknown = { message }): Error {
  return Object.assign(new Error(`(HTTP code ${status}) unexpected - ${message} `), {
    statusCode: status,
    json,
  });
}

describe('codeForStatus', () => {
  it('maps the statuses the engine uses', () => {
    expect(codeForStatus(404)).toBe('ENGINE_NOT_FOUND');
    expect(codeForStatus(409)).toBe('ENGINE_CONFLICT');
    expect(codeForStatus(400)).toBe('ENGINE_BAD_REQUEST');
    expect(codeForStatus(500)).toBe('ENGINE_FAILED');
    expect(codeForStatus(503)).toBe('ENGINE_FAILED');
    expect(codeForStatus(403)).toBe('ENGINE_FAILED');
  });
});

describe('toEngineError', () => {
  it('keeps the engine message and the status', () => {
    const err = toEngineError(modemError(404, 'No such container: web'), context);
    expect(err).toBeInstanceOf(EngineError);
    expect(err).toMatchObject({
      code: 'ENGINE_NOT_FOUND',
      status: 404,
      resource: 'container web',
      message: 'inspect container web: No such container: web',
    });
    expect((err as EngineError).hint).not.toBe('');
  });

  it('reads the message out of a streamed error, where the modem has no JSON', () => {
    const streamed = Object.assign(new Error('(HTTP code 500) server error - build failed: boom '), {
      statusCode: 500,
      json: null,
    });
    expect(toEngineError(streamed, { endpoint: 'x', action: 'build' }).message).toBe(
      'build: build failed: boom',
    );
  });

  it('turns socket failures into ENGINE_UNAVAILABLE naming the endpoint', () => {
    for (const code of ['ENOENT', 'ECONNREFUSED', 'EACCES', 'ECONNRESET']) {
      const err = toEngineError(Object.assign(new Error(`connect ${code}`), { code }), context);
      expect(err).toMatchObject({ code: 'ENGINE_UNAVAILABLE' });
      expect(err.message).toContain('unix:///var/run/docker.sock');
    }
    const denied = toEngineError(Object.assign(new Error('x'), { code: 'EACCES' }), context) as EngineError;
    expect(denied.hint).toContain('docker group');
    const missing = toEngineError(Object.assign(new Error('x'), { code: 'ENOENT' }), context) as EngineError;
    expect(missing.hint).toBe(UNAVAILABLE_HINT);
  });

  it('treats a hang-up as the engine going away', () => {
    expect(toEngineError(new Error('socket hang up'), context)).toMatchObject({ code: 'ENGINE_UNAVAILABLE' });
  });

  it('passes aborts and EngineErrors through unchanged', () => {
    const abort = new DOMException('aborted', 'AbortError');
    expect(toEngineError(abort, context)).toBe(abort);
    const engineError = new EngineError('ENGINE_TIMEOUT', 'slow');
    expect(toEngineError(engineError, context)).toBe(engineError);
  });

  it('wraps anything else as ENGINE_FAILED, keeping the cause', () => {
    const cause = new Error('weird');
    const err = toEngineError(cause, context);
    expect(err).toMatchObject({ code: 'ENGINE_FAILED', message: 'inspect container web: weird' });
    expect(err.cause).toBe(cause);
  });
});

describe('helpers', () => {
  it('engineMessage prefers the JSON message, then a text body, then the modem text', () => {
    expect(engineMessage(modemError(409, 'Conflict. The name is in use'))).toBe(
      'Conflict. The name is in use',
    );
    expect(engineMessage(Object.assign(new Error('x'), { json: 'plain text\n' }))).toBe('plain text');
    expect(engineMessage(new Error('no prefix'))).toBe('no prefix');
  });

  it('isEngineError checks the class and optionally the code', () => {
    const err = new EngineError('ENGINE_CONFLICT', 'taken', { status: 409 });
    expect(isEngineError(err)).toBe(true);
    expect(isEngineError(err, 'ENGINE_CONFLICT')).toBe(true);
    expect(isEngineError(err, 'ENGINE_NOT_FOUND')).toBe(false);
    expect(isEngineError(new Error('x'))).toBe(false);
    expect(err.name).toBe('EngineError');
    expect(err.details).toEqual([]);
  });

  it('isAbortError recognizes DOM and Node aborts', () => {
    expect(isAbortError(new DOMException('a', 'AbortError'))).toBe(true);
    expect(isAbortError(Object.assign(new Error('a'), { code: 'ABORT_ERR' }))).toBe(true);
    expect(isAbortError(new Error('a'))).toBe(false);
    expect(isAbortError(null)).toBe(false);
  });
});
