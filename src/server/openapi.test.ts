import { Validator } from '@seriousme/openapi-schema-validator';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { afterAll, describe, expect, it } from 'vitest';
import { authFixture } from '../../test/support/auth.js';
import { makeWorkspace, principal, tableAuthenticator, testDeps } from '../../test/support/http-app.js';
import { appRoutes, createApp } from './app.js';
import { errorStatuses, type JsonObject, openApiDocument, openApiPath } from './openapi.js';
import { pathParams, routeKey } from './routes/registry.js';

const workspace = makeWorkspace();
afterAll(() => workspace.cleanup());

const authStore = authFixture();
afterAll(() => authStore.cleanup());
const deps = testDeps({
  root: workspace.root,
  authenticator: tableAuthenticator({ admin: principal('admin', [{ role: 'admin' }]) }),
  authRoutes: {
    auth: authStore.auth,
    auditLog: authStore.auditLog,
    clock: authStore.clock,
    secureCookies: false,
  },
});
const app = createApp(deps);
const routes = appRoutes(deps);

async function servedDocument(): Promise<JsonObject> {
  const res = await app.request('/api/v1/openapi.json');
  expect(res.status).toBe(200);
  return (await res.json()) as JsonObject;
}

type Operation = {
  operationId: string;
  parameters?: { name: string; in: string; required: boolean }[];
  responses: Record<string, { content: Record<string, { schema: JsonObject }> }>;
  security: unknown[];
  'x-berth-permission': unknown;
  requestBody?: unknown;
};
const operationOf = (doc: JsonObject, method: string, path: string): Operation | undefined =>
  (doc.paths as Record<string, Record<string, Operation>>)[openApiPath(path)]?.[method.toLowerCase()];

describe('OpenAPI document', () => {
  it('is served publicly and equals the document of the route table', async () => {
    const doc = await servedDocument();
    expect(doc).toEqual(
      JSON.parse(JSON.stringify(openApiDocument(routes, { title: 'Berth API', version: '0.0.0-test' }))),
    );
    expect(doc.openapi).toBe('3.1.0');
  });

  it('is valid OpenAPI 3.1', async () => {
    const validator = new Validator();
    const result = await validator.validate(await servedDocument());
    expect(result.errors).toBeUndefined();
    expect(result.valid).toBe(true);
    expect(validator.version).toBe('3.1');
  });

  it('would reject a broken document (the validator is not a no-op)', async () => {
    const doc = await servedDocument();
    const broken = { ...doc, paths: { '/x': { get: { responses: { '200': { content: 'nope' } } } } } };
    expect((await new Validator().validate(broken)).valid).toBe(false);
  });

  it('has schemas that compile as JSON Schema 2020-12', async () => {
    const doc = await servedDocument();
    const ajv = new Ajv2020({ strict: true, validateFormats: false });
    let compiled = 0;
    const visit = (value: unknown, key?: string): void => {
      if (Array.isArray(value)) {
        for (const v of value) visit(v);
      } else if (value !== null && typeof value === 'object') {
        if (key === 'schema' && !('$ref' in value)) {
          ajv.compile(value);
          compiled++;
        }
        for (const [k, v] of Object.entries(value)) visit(v, k);
      }
    };
    visit(doc.paths);
    expect(compiled).toBeGreaterThan(10);
  });

  it.each(routes.map((r) => [routeKey(r), r] as const))(
    'lists %s with its permission, params and responses',
    async (_key, route) => {
      const op = operationOf(await servedDocument(), route.method, route.path);
      expect(op?.operationId).toBe(route.operationId);
      expect(op?.['x-berth-permission']).toEqual(route.permission);
      expect(op?.security).toEqual(route.permission === 'public' ? [] : [{ bearer: [] }, { cookie: [] }]);
      const pathParameters = (op?.parameters ?? []).filter((p) => p.in === 'path').map((p) => p.name);
      expect(pathParameters).toEqual(pathParams(route.path));
      const queryParameters = (op?.parameters ?? []).filter((p) => p.in === 'query').map((p) => p.name);
      expect(queryParameters).toEqual(Object.keys(route.query?.shape ?? {}));
      expect(Object.keys(op?.responses ?? {}).sort()).toEqual(
        [String(route.status), ...errorStatuses(route).map(String)].sort(),
      );
      expect(op?.responses[String(route.status)]?.content[route.contentType]).toBeDefined();
      if (route.permission !== 'public') expect(op?.responses['401']).toBeDefined();
      expect(op?.requestBody !== undefined).toBe(route.body !== undefined);
      const csrf = (op?.parameters ?? []).some((p) => p.in === 'header' && p.name === 'X-CSRF-Token');
      expect(csrf).toBe(route.mutating);
    },
  );

  it('describes real responses: the stack list validates against its documented schema', async () => {
    const doc = await servedDocument();
    const ajv = new Ajv2020({ strict: false });
    const schema = operationOf(doc, 'GET', '/api/v1/stacks')?.responses['200']?.content['application/json']
      ?.schema;
    const res = await app.request('/api/v1/stacks', { headers: { Authorization: 'Bearer admin' } });
    const validate = ajv.compile(schema ?? { not: {} });
    expect(validate(await res.json()), JSON.stringify(validate.errors)).toBe(true);
    const problem = await app.request('/api/v1/stacks');
    const validateProblem = ajv.compile(
      (doc.components as { schemas: { Problem: JsonObject } }).schemas.Problem,
    );
    expect(validateProblem(await problem.json())).toBe(true);
  });
});
