import { z } from 'zod';
import {
  CSRF_HEADER,
  JSON_CONTENT_TYPE,
  OPENAPI_PATH,
  PROBLEM_CONTENT_TYPE,
  ProblemSchema,
  SESSION_COOKIE,
} from '../api/http.js';
import { defineRoute, type Route } from './routes/registry.js';

export type JsonObject = Record<string, unknown>;

export interface OpenApiInfo {
  readonly title: string;
  readonly version: string;
  readonly description?: string;
}

const REASONS: Readonly<Record<number, string>> = {
  400: 'Invalid request',
  401: 'Not authenticated',
  403: 'Not allowed (missing role, or missing CSRF token for a browser session)',
  404: 'Not found',
  409: 'Conflict',
  413: 'Body too large',
  415: 'Body is not JSON',
  422: 'Unprocessable',
  429: 'Too many attempts',
  500: 'Internal error',
  502: 'The engine failed',
  503: 'Unavailable',
  504: 'Timed out',
};

/**
 * JSON Schema 2020-12, which OpenAPI 3.1 uses as is; the per-schema `$schema` is implied by the document.
 * Responses drop zod's `additionalProperties: false`: a response may gain fields without breaking clients
 * that validate against the document. Requests keep it: unknown fields are refused.
 */
export function jsonSchema(schema: z.ZodType, io: 'input' | 'output'): JsonObject {
  const generated = z.toJSONSchema(schema, {
    io,
    target: 'draft-2020-12',
    override: ({ jsonSchema: node }) => {
      if (io === 'output' && node.additionalProperties === false) delete node.additionalProperties;
    },
  }) as JsonObject;
  const { $schema: _dialect, ...rest } = generated;
  return rest;
}

export const openApiPath = (path: string): string => path.replace(/:([A-Za-z_][A-Za-z0-9_]*)/g, '{$1}');

function parameters(schema: z.ZodObject | undefined, location: 'path' | 'query'): JsonObject[] {
  if (!schema) return [];
  const object = jsonSchema(schema, 'input');
  const properties = (object.properties ?? {}) as Record<string, JsonObject>;
  const required = new Set((object.required ?? []) as string[]);
  return Object.entries(properties).map(([name, property]) => {
    const { description, ...rest } = property;
    return {
      name,
      in: location,
      required: location === 'path' || required.has(name),
      ...(typeof description === 'string' ? { description } : {}),
      schema: rest,
    };
  });
}

const csrfParameter = {
  name: CSRF_HEADER,
  in: 'header',
  required: false,
  description: 'The session CSRF token: required with the session cookie, not with a bearer token',
  schema: { type: 'string' },
};

/** Problem statuses a route can answer, from what the pipeline enforces plus what the route declares. */
export function errorStatuses(route: Route): number[] {
  const statuses = new Set<number>([500, ...route.errors]);
  if (route.params || route.query || route.body) statuses.add(400);
  if (route.permission !== 'public') statuses.add(401);
  if (typeof route.permission === 'object' || (route.permission === 'authenticated' && route.mutating)) {
    statuses.add(403);
  }
  if (route.body) {
    statuses.add(413);
    statuses.add(415);
  }
  return [...statuses].sort((a, b) => a - b);
}

function operation(route: Route): JsonObject {
  const success =
    route.contentType === JSON_CONTENT_TYPE ? jsonSchema(route.response, 'output') : { type: 'string' };
  const responses: JsonObject = {
    [String(route.status)]: {
      description: route.summary,
      content: { [route.contentType]: { schema: success } },
    },
  };
  for (const status of errorStatuses(route)) {
    responses[String(status)] = {
      description: REASONS[status] ?? 'Error',
      content: { [PROBLEM_CONTENT_TYPE]: { schema: { $ref: '#/components/schemas/Problem' } } },
    };
  }
  const params = [...parameters(route.params, 'path'), ...parameters(route.query, 'query')];
  if (route.mutating) params.push(csrfParameter);
  return {
    operationId: route.operationId,
    summary: route.summary,
    ...(route.description ? { description: route.description } : {}),
    tags: [...route.tags],
    'x-berth-permission': route.permission,
    ...(route.items
      ? {
          'x-berth-stream': Object.fromEntries(
            Object.entries(route.items).map(([event, schema]) => [event, jsonSchema(schema, 'output')]),
          ),
        }
      : {}),
    security: route.permission === 'public' ? [] : [{ bearer: [] }, { cookie: [] }],
    ...(params.length > 0 ? { parameters: params } : {}),
    ...(route.body
      ? {
          requestBody: {
            required: true,
            content: { [JSON_CONTENT_TYPE]: { schema: jsonSchema(route.body, 'input') } },
          },
        }
      : {}),
    responses,
  };
}

/** The OpenAPI 3.1 document of a route table, generated from the routes' zod schemas. */
export function openApiDocument(routes: readonly Route[], info: OpenApiInfo): JsonObject {
  const paths: Record<string, JsonObject> = {};
  for (const route of routes) {
    const path = openApiPath(route.path);
    paths[path] = { ...paths[path], [route.method.toLowerCase()]: operation(route) };
  }
  const tags = [...new Set(routes.flatMap((r) => r.tags))].sort().map((name) => ({ name }));
  return {
    openapi: '3.1.0',
    info: { ...info },
    tags,
    paths,
    components: {
      schemas: { Problem: jsonSchema(ProblemSchema, 'output') },
      securitySchemes: {
        bearer: {
          type: 'http',
          scheme: 'bearer',
          description: 'An API token: `Authorization: Bearer <token>`',
        },
        cookie: {
          type: 'apiKey',
          in: 'cookie',
          name: SESSION_COOKIE,
          description: `A browser session; mutating requests must also send ${CSRF_HEADER}`,
        },
      },
    },
  };
}

/**
 * Adds GET /api/v1/openapi.json to a route table. The document is built here, once, so a schema
 * that cannot be expressed in JSON Schema fails at startup rather than on the first request.
 */
export function withOpenApi(routes: readonly Route[], info: OpenApiInfo): Route[] {
  // Built on the first request for it: turning every schema into JSON Schema costs memory and
  // start-up time that a server which is never asked does not need to spend.
  let document: JsonObject | undefined;
  const self = defineRoute({
    method: 'GET',
    path: OPENAPI_PATH,
    operationId: 'getOpenApi',
    summary: 'This API as an OpenAPI 3.1 document',
    tags: ['system'],
    permission: 'public',
    mutating: false,
    response: z.record(z.string(), z.unknown()),
    handler: () => {
      document ??= openApiDocument(all, info);
      return document;
    },
  });
  const all = [...routes, self];
  return all;
}
