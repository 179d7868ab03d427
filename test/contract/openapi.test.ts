import { readFileSync } from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import { appRoutes } from '../../src/server/app.js';
import { type JsonObject, openApiDocument } from '../../src/server/openapi.js';
import { openMemoryStore } from '../../src/store/index.js';
import { authFixture } from '../support/auth.js';
import { TableStacks, tableControl } from '../support/control.js';
import { makeWorkspace, principal, tableAuthenticator, testDeps } from '../support/http-app.js';

// The published API may grow, never change: every operation and schema of the baseline (the
// document as of the first release of the control plane) must still be in the document, unchanged
// but for additions. A deliberate change is listed in REFINED with its reason.

const baseline = JSON.parse(
  readFileSync(new URL('./openapi-baseline.json', import.meta.url), 'utf8'),
) as JsonObject;

/** Operations whose schema was made more precise, by `METHOD path` and the member that changed. */
const REFINED: Readonly<Record<string, { readonly member: string; readonly why: string }>> = {
  'get /api/v1/stacks/{stack}/plan': {
    member: 'responses',
    why: 'plan steps, builds, resources and removals are described field by field; they were any JSON, and every plan sent before matches',
  },
  'get /api/v1/stacks': {
    member: 'description',
    why: 'says that a workspace file (berth.yaml) that cannot be read is answered 422 with where it is broken, never an empty list (the 422 response is an addition)',
  },
  'get /api/v1/stacks/{stack}/config': {
    member: 'description',
    why: "says that an operator of the stack sees environment values as its plan shows them (masked by value), not [redacted]; viewers' answers are as before",
  },
  'get /api/v1/events': {
    member: 'description',
    why: 'says what a stream opened without a resume point sends (the newest events, not the whole log) and how many streams one user and the server may keep open (429 past that)',
  },
};

const workspace = makeWorkspace();
const auth = authFixture();
const store = openMemoryStore({ now: () => new Date() });
afterAll(() => {
  workspace.cleanup();
  auth.cleanup();
  store.close();
});
const current = openApiDocument(
  appRoutes(
    testDeps({
      root: workspace.root,
      authenticator: tableAuthenticator({ admin: principal('admin', [{ role: 'admin' }]) }),
      authRoutes: { auth: auth.auth, auditLog: auth.auditLog, clock: auth.clock, secureCookies: false },
      control: tableControl(store, new TableStacks()),
    }),
  ),
  { title: 'Berth API', version: '0.1.0' },
);

const isObject = (v: unknown): v is JsonObject => typeof v === 'object' && v !== null && !Array.isArray(v);
const same = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);

/**
 * Where `now` differs from `was` other than by an addition: a member gone or changed, a parameter
 * gone or changed, or a new parameter that is required (old clients do not send it).
 */
function differences(was: unknown, now: unknown, at: string): string[] {
  if (Array.isArray(was) && Array.isArray(now) && at.endsWith('.parameters')) {
    const key = (p: unknown) => (isObject(p) ? `${String(p.in)}:${String(p.name)}` : JSON.stringify(p));
    const out: string[] = [];
    for (const p of was) {
      const match = now.find((q) => key(q) === key(p));
      if (match === undefined) out.push(`${at}: parameter ${key(p)} is gone`);
      else out.push(...differences(p, match, `${at}[${key(p)}]`));
    }
    for (const q of now) {
      if (!was.some((p) => key(p) === key(q)) && isObject(q) && q.required === true)
        out.push(`${at}: new parameter ${key(q)} is required`);
    }
    return out;
  }
  if (Array.isArray(was) && Array.isArray(now) && at.endsWith('.enum')) {
    // A new value in an enum is an addition (a new operation kind, a new event kind).
    const gone = was.filter((v) => !now.some((w) => same(v, w)));
    return gone.length === 0 ? [] : [`${at}: ${gone.map((v) => JSON.stringify(v)).join(', ')} gone`];
  }
  if (isObject(was) && isObject(now)) {
    return Object.keys(was).flatMap((k) =>
      k in now ? differences(was[k], now[k], `${at}.${k}`) : [`${at}.${k} is gone`],
    );
  }
  return same(was, now) ? [] : [`${at} changed`];
}

describe('the OpenAPI document against the published baseline', () => {
  it('keeps every operation of the baseline, changed only by additions or a listed refinement', () => {
    const found: string[] = [];
    const paths = baseline.paths as Record<string, JsonObject>;
    const now = current.paths as Record<string, JsonObject>;
    for (const [path, methods] of Object.entries(paths)) {
      for (const [method, op] of Object.entries(methods)) {
        const refined = REFINED[`${method} ${path}`];
        const was = refined && isObject(op) ? { ...op, [refined.member]: undefined } : op;
        const is =
          refined && isObject(now[path]?.[method])
            ? { ...(now[path]?.[method] as JsonObject), [refined.member]: undefined }
            : now[path]?.[method];
        if (is === undefined) found.push(`${method} ${path} is gone`);
        else
          found.push(
            ...differences(
              JSON.parse(JSON.stringify(was)),
              JSON.parse(JSON.stringify(is)),
              `${method} ${path}`,
            ),
          );
      }
    }
    expect(found).toEqual([]);
  });

  it('keeps the baseline components and top-level members', () => {
    expect(differences(baseline.components, current.components, 'components')).toEqual([]);
    expect(differences(baseline.info, current.info, 'info')).toEqual([]);
    expect(current.openapi).toBe(baseline.openapi);
  });

  it('would notice a removed operation, a changed schema, a new required parameter and a lost enum value', () => {
    const plan = (baseline.paths as Record<string, JsonObject>)['/api/v1/containers'] as JsonObject;
    const op = plan.get as JsonObject;
    expect(differences(op, { ...op, summary: 'other' }, 'x')).toEqual(['x.summary changed']);
    const params = [...(op.parameters as unknown[]), { in: 'query', name: 'new', required: true }];
    expect(differences(op, { ...op, parameters: params }, 'x')).toEqual([
      'x.parameters: new parameter query:new is required',
    ]);
    const { responses: _gone, ...rest } = op;
    expect(differences(op, rest, 'x')).toEqual(['x.responses is gone']);
    expect(differences({ enum: ['a', 'b'] }, { enum: ['a', 'b', 'c'] }, 'x')).toEqual([]);
    expect(differences({ enum: ['a', 'b'] }, { enum: ['a'] }, 'x')).toEqual(['x.enum: "b" gone']);
  });

  it('lists the refinements it allows, each with a reason, and each still needed', () => {
    for (const [key, { member, why }] of Object.entries(REFINED)) {
      const [method = '', path = ''] = key.split(' ');
      const was = (baseline.paths as Record<string, JsonObject>)[path]?.[method] as JsonObject | undefined;
      const is = (current.paths as Record<string, JsonObject>)[path]?.[method] as JsonObject | undefined;
      expect(why.length).toBeGreaterThan(20);
      expect(differences(was?.[member], is?.[member], key)).not.toEqual([]);
    }
  });
});
