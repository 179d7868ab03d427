import type { Context } from 'hono';
import type { z } from 'zod';
import type { AppEnv } from './context.js';
import { ApiError } from './problem.js';
import type { Route } from './routes/registry.js';

export type InputLocation = 'params' | 'query' | 'body';

/** One field error of a 400 problem: `{ in: 'query', path: 'limit', ... }`; path '' is the whole value. */
export interface FieldError {
  readonly in: InputLocation;
  readonly path: string;
  readonly code: string;
  readonly message: string;
}

/** `['services', 0, 'name']` → `services[0].name`. */
export function fieldPath(path: readonly PropertyKey[]): string {
  let out = '';
  for (const key of path) {
    if (typeof key === 'number') out += `[${key}]`;
    else out += out === '' ? String(key) : `.${String(key)}`;
  }
  return out;
}

export function fieldErrors(location: InputLocation, issues: readonly z.core.$ZodIssue[]): FieldError[] {
  return issues.map((issue) => ({
    in: location,
    path: fieldPath(issue.path),
    code: issue.code,
    message: issue.message,
  }));
}

export function validationError(errors: readonly FieldError[]): ApiError {
  const first = errors[0];
  const summary = first
    ? `${first.in}${first.path ? `.${first.path}` : ''}: ${first.message}`
    : 'invalid input';
  const more = errors.length > 1 ? ` (and ${errors.length - 1} more)` : '';
  return new ApiError(
    'VALIDATION',
    400,
    `the request is invalid: ${summary}${more}`,
    'fix the fields listed in errors',
    {
      extensions: { errors },
    },
  );
}

async function readJson(c: Context<AppEnv>): Promise<unknown> {
  const type = c.req.header('content-type') ?? '';
  // Requiring JSON also keeps plain HTML forms (a classic CSRF vector) out.
  if (!/^application\/(?:[\w.+-]+\+)?json\s*(?:;|$)/i.test(type)) {
    throw new ApiError(
      'UNSUPPORTED_MEDIA_TYPE',
      415,
      `the body must be JSON, not ${type === '' ? 'an untyped body' : type}`,
      'send Content-Type: application/json',
    );
  }
  const text = await c.req.text();
  try {
    return JSON.parse(text);
  } catch {
    throw new ApiError('INVALID_JSON', 400, 'the body is not valid JSON', 'send a JSON document');
  }
}

export interface ParsedInput {
  readonly params: unknown;
  readonly query: unknown;
  readonly body: unknown;
}

/**
 * Validates params, query and body with the route's schemas; all field errors are reported at once.
 * Synchronous for routes without a body (no promise for a GET).
 */
export function parseInput(c: Context<AppEnv>, route: Route): ParsedInput | Promise<ParsedInput> {
  if (!route.body) return checkInput(c, route, undefined);
  return readJson(c).then((json) => checkInput(c, route, json));
}

/** Per route, what its query schema makes of no query at all (most GETs): parsed once, frozen. */
const noQuery = new WeakMap<Route, { readonly data: unknown }>();

/**
 * The request's query, parsed; a request without one is given the route's kept answer to `{}`
 * (the same value each time, so frozen: no handler may change it). An answer with errors is never
 * kept: each request is checked again and gets its own field errors.
 */
function queryOf(
  c: Context<AppEnv>,
  route: Route,
  schema: z.ZodType,
  check: (location: InputLocation, schema: z.ZodType, value: unknown) => unknown,
): unknown {
  if (c.req.url.includes('?')) return check('query', schema, c.req.query());
  let kept = noQuery.get(route);
  if (kept === undefined) {
    const result = schema.safeParse({});
    if (!result.success) return check('query', schema, {});
    kept = { data: Object.freeze(result.data) };
    noQuery.set(route, kept);
  }
  return kept.data;
}

function checkInput(c: Context<AppEnv>, route: Route, json: unknown): ParsedInput {
  const errors: FieldError[] = [];
  const check = (location: InputLocation, schema: z.ZodType, value: unknown): unknown => {
    const result = schema.safeParse(value);
    if (result.success) return result.data;
    errors.push(...fieldErrors(location, result.error.issues));
    return undefined;
  };
  const params = route.params ? check('params', route.params, c.req.param()) : undefined;
  const query = route.query ? queryOf(c, route, route.query, check) : undefined;
  const body = route.body ? check('body', route.body, json) : undefined;
  if (errors.length > 0) throw validationError(errors);
  return { params, query, body };
}
