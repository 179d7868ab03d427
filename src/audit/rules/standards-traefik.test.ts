import { describe, expect, it } from 'vitest';
import { hitsOf, keys, snapshotOf } from '../../../test/support/audit-standards.js';
import { publicRouteUnprotected, traefikRouterIncomplete } from './standards-traefik.js';

/** A complete, protected router plus its middlewares. */
const CLEAN = `services:
  web:
    image: nginx:1.27
    labels:
      traefik.enable: "true"
      traefik.http.routers.web.rule: Host(\`shop.example.com\`)
      traefik.http.routers.web.entrypoints: websecure
      traefik.http.routers.web.tls.certresolver: le
      traefik.http.routers.web.middlewares: sec-headers,limit@docker
      traefik.http.middlewares.sec-headers.headers.stsSeconds: "31536000"
      traefik.http.middlewares.limit.ratelimit.average: "100"
`;

describe('traefik-router-incomplete', () => {
  it('flags a router without rule, entrypoints or TLS, and an undefined middleware', async () => {
    const hits = await hitsOf(
      traefikRouterIncomplete,
      `services:
  a:
    image: app:1
    labels:
      - traefik.enable=true
      - traefik.http.routers.a.middlewares=sec-headrs
      - traefik.http.middlewares.sec-headers.headers.frameDeny=true
  b:
    image: app:1
    labels:
      traefik.http.routers.b.rule: Host(\`b.example.com\`)
      traefik.http.routers.b.entryPoints: websecure
      traefik.http.routers.b.tls.certresolver: le
  c:
    image: app:1
    labels:
      traefik.http.routers.c.rule: Host(\`c.example.com\`)
      traefik.http.routers.c.entrypoints: web,websecure
      traefik.http.routers.c.middlewares: nothere, auth@file
`,
    );
    expect(keys(hits)).toEqual([
      'app/a: router=a,missing=rule',
      'app/a: router=a,missing=entrypoints',
      'app/a: router=a,middleware=sec-headrs',
      'app/c: router=c,missing=tls',
      'app/c: router=c,middleware=nothere',
    ]);
    expect(hits[2]?.fix).toBe('did you mean `sec-headers`? traefik.http.routers.a.middlewares=sec-headers');
    // The resolver the estate already uses.
    expect(hits[3]?.fix).toBe('traefik.http.routers.c.tls.certresolver=le');
    expect(hits[3]).toMatchObject({
      path: ['services', 'c', 'labels', 'traefik.http.routers.c.entrypoints'],
    });
    expect(hits[4]?.fix).toContain('define it: traefik.http.middlewares.nothere.');
  });

  it('accepts TLS set on the entrypoint in the static configuration', async () => {
    const { snapshot } = await snapshotOf({
      files: {
        'proxy/compose.yaml': `services:
  traefik:
    image: traefik:v3.1
    command: ["--entrypoints.websecure.address=:443", "--entrypoints.websecure.http.tls.certresolver=le"]
`,
        'app/compose.yaml': `services:
  web:
    image: app:1
    labels:
      traefik.http.routers.web.rule: Host(\`x.example.com\`)
      traefik.http.routers.web.entrypoints: websecure
`,
      },
    });
    expect(traefikRouterIncomplete.check(snapshot)).toEqual([]);
  });

  it('flags several ports without a server port, and several services without a router service', async () => {
    const hits = await hitsOf(
      traefikRouterIncomplete,
      `services:
  app:
    image: app:1
    ports: ["8080:8080", "9090:9090"]
    labels:
      traefik.http.routers.app.rule: Host(\`app.example.com\`)
      traefik.http.routers.app.entrypoints: web
  multi:
    image: app:1
    expose: ["3000", "3001"]
    labels:
      traefik.http.routers.m.rule: Host(\`m.example.com\`)
      traefik.http.routers.m.entrypoints: web
      traefik.http.services.ui.loadbalancer.server.port: "3000"
      traefik.http.services.api.loadbalancer.server.port: "3001"
  off:
    image: app:1
    labels:
      traefik.enable: "false"
      traefik.http.routers.off.middlewares: missing
`,
    );
    expect(keys(hits)).toEqual(['app/multi: router=m,missing=service', 'app/app: no-server-port']);
    expect(hits[1]?.fix).toBe('traefik.http.services.app.loadbalancer.server.port=8080');
  });

  it('says nothing on a complete router or a service without Traefik labels', async () => {
    expect(
      await hitsOf(
        traefikRouterIncomplete,
        `${CLEAN}  db:\n    image: postgres:16\n    ports: ["5432", "5433"]\n`,
      ),
    ).toEqual([]);
  });
});

describe('public-route-unprotected', () => {
  it('says which protection a public router lacks', async () => {
    const hits = await hitsOf(
      publicRouteUnprotected,
      `services:
  a:
    image: app:1
    labels:
      traefik.http.routers.a.rule: Host(\`a.example.com\`)
      traefik.http.routers.a.entrypoints: websecure
      traefik.http.routers.a.tls: "true"
      traefik.http.routers.a.middlewares: sec
      traefik.http.middlewares.sec.headers.frameDeny: "true"
  b:
    image: app:1
    labels:
      traefik.http.routers.b.rule: Host(\`b.example.com\`)
      traefik.http.routers.b.entrypoints: web
  internal:
    image: app:1
    labels:
      traefik.http.routers.i.rule: Host(\`i.example.com\`)
      traefik.http.routers.i.entrypoints: intranet
  path:
    image: app:1
    labels:
      traefik.http.routers.p.rule: PathPrefix(\`/x\`)
      traefik.http.routers.p.entrypoints: web
`,
    );
    expect(keys(hits)).toEqual(['app/a: router=a', 'app/b: router=b']);
    expect(hits[0]?.message).toBe('public router `a` (Host(`a.example.com`)) has no rate limit');
    expect(hits[0]?.fix).toBe(
      'traefik.http.routers.a.middlewares=sec,a-ratelimit; traefik.http.middlewares.a-ratelimit.ratelimit.average=100',
    );
    expect(hits[1]?.message).toContain('no security-headers middleware and no rate limit');
    // The headers middleware the stack already has is reused.
    expect(hits[1]?.fix).toContain('traefik.http.routers.b.middlewares=sec,b-ratelimit');
  });

  it('reports a rate limit defined but applied nowhere (seed 002)', async () => {
    const hits = await hitsOf(
      publicRouteUnprotected,
      `services:
  web:
    image: app:1
    labels:
      traefik.http.routers.web.rule: Host(\`w.example.com\`)
      traefik.http.routers.web.entrypoints: websecure
      traefik.http.routers.web.tls: "true"
      traefik.http.routers.web.middlewares: sec
      traefik.http.middlewares.sec.headers.frameDeny: "true"
      traefik.http.middlewares.web-limit.ratelimit.average: "50"
      traefik.http.middlewares.to-https.redirectscheme.scheme: https
`,
    );
    expect(keys(hits)).toEqual(['app/web: router=web', 'app/web: unused-middleware=web-limit']);
    expect(hits[0]?.fix).toBe('traefik.http.routers.web.middlewares=sec,web-limit');
    expect(hits[1]).toMatchObject({
      path: ['services', 'web', 'labels', 'traefik.http.middlewares.web-limit.ratelimit.average'],
      fix: 'traefik.http.routers.web.middlewares=sec,web-limit',
    });
    expect(hits[1]?.message).toContain('(ratelimit) is defined but no router applies it');
  });

  it('follows chains, entrypoint middlewares and other stacks', async () => {
    const { snapshot } = await snapshotOf({
      files: {
        'proxy/compose.yaml': `services:
  traefik:
    image: traefik:v3.1
    environment:
      TRAEFIK_ENTRYPOINTS_WEBSECURE_HTTP_MIDDLEWARES: global-limit@docker
    labels:
      traefik.http.middlewares.global-limit.ratelimit.average: "100"
      traefik.http.middlewares.hsts.headers.stsSeconds: "1"
      traefik.http.middlewares.secure.chain.middlewares: hsts
`,
        'app/compose.yaml': CLEAN.replace('sec-headers,limit@docker', 'secure@docker').replace(
          / {6}traefik\.http\.middlewares.*\n/g,
          '',
        ),
        'files/compose.yaml': `services:
  web:
    image: app:1
    labels:
      traefik.http.routers.f.rule: Host(\`f.example.com\`)
      traefik.http.routers.f.entrypoints: web
      traefik.http.routers.f.middlewares: security-headers@file,rate-limit@file
`,
      },
    });
    expect(publicRouteUnprotected.check(snapshot)).toEqual([]);
    // Control: without the entrypoint-wide rate limit, the same routers are reported.
    const without = await snapshotOf({
      files: {
        'proxy/compose.yaml':
          'services:\n  traefik:\n    image: traefik:v3.1\n    labels:\n      traefik.http.middlewares.hsts.headers.stsSeconds: "1"\n      traefik.http.middlewares.secure.chain.middlewares: hsts\n',
        'app/compose.yaml': CLEAN.replace('sec-headers,limit@docker', 'secure@docker').replace(
          / {6}traefik\.http\.middlewares.*\n/g,
          '',
        ),
      },
    });
    const hits = publicRouteUnprotected.check(without.snapshot);
    expect(keys(hits)).toEqual(['app/web: router=web']);
    expect(hits[0]?.message).toContain('has no rate limit');
  });

  it('keeps its evidence when labels move or unrelated lines change', async () => {
    const one = await hitsOf(
      publicRouteUnprotected,
      'services:\n  b:\n    image: app:1\n    labels:\n      traefik.http.routers.b.rule: Host(`b.example.com`)\n      traefik.http.routers.b.entrypoints: web\n',
    );
    const two = await hitsOf(
      publicRouteUnprotected,
      'services:\n  b:\n    restart: always\n    image: app:2\n    labels:\n      - traefik.http.routers.b.entrypoints=web\n      - traefik.http.routers.b.rule=Host(`b.example.com`)\n      - traefik.http.routers.b.middlewares=h\n      - traefik.http.middlewares.h.headers.frameDeny=true\n',
    );
    expect(keys(one)).toEqual(['app/b: router=b']);
    expect(keys(two)).toEqual(keys(one));
    expect(two[0]?.message).not.toEqual(one[0]?.message);
  });

  it('says nothing for a protected router', async () => {
    expect(await hitsOf(publicRouteUnprotected, CLEAN)).toEqual([]);
  });
});
