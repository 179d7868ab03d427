import { z } from 'zod';
import { ApiRequestError } from './api-error.js';

/**
 * A value from the server checked against its schema in the API contract. What does not match is
 * refused with what was expected, rather than shown half-understood.
 */
export function checkAnswer<S extends z.ZodType>(
  url: string,
  what: string,
  value: unknown,
  schema: S,
): z.output<S> {
  const parsed = schema.safeParse(value);
  if (!parsed.success) {
    throw new ApiRequestError(
      'INVALID_RESPONSE',
      `the answer of the server at ${url} to ${what} does not match the API: ${z.prettifyError(parsed.error)}`,
      'the server and this CLI may be different versions of Berth; use the same version for both',
      0,
    );
  }
  return parsed.data;
}

/** A JSON text from the server (an answer, an NDJSON line, an SSE `data`), checked like checkAnswer. */
export function parseAnswer<S extends z.ZodType>(
  url: string,
  what: string,
  text: string,
  schema: S,
): z.output<S> {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw new ApiRequestError(
      'INVALID_RESPONSE',
      `the server at ${url} answered ${what} with a body that is not JSON`,
      'check that BERTH_URL names a Berth server (`berth serve`)',
      0,
    );
  }
  return checkAnswer(url, what, json, schema);
}
