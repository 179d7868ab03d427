import { nearest } from '../../compose/diagnostics.js';
import type { Hit, Rule } from '../types.js';
import { serviceHit } from './helpers.js';
import {
  activeRouters,
  appliedKinds,
  type Estate,
  label,
  type Middleware,
  middlewareRef,
  type Router,
  readEstate,
  referencedMiddlewares,
  routerHit,
} from './standards-traefik-labels.js';

const SECURE_ENTRYPOINT = /secure|https|tls|443/i;
const PUBLIC_ENTRYPOINT = /^(web|websecure|web-secure|http|https)$/i;
const HOST_RULE = /\bHost(Regexp)?\s*\(/i;
/** Middleware types that protect a route: defining one and applying it nowhere is a gap. */
const PROTECTIVE = [
  'headers',
  'ratelimit',
  'basicauth',
  'digestauth',
  'forwardauth',
  'ipallowlist',
  'ipwhitelist',
  'inflightreq',
];

/** A cert resolver the estate already uses, so the fix matches the proxy's configuration. */
function certResolver(estate: Estate): string {
  for (const s of estate.services)
    for (const r of s.routers) {
      const resolver = r.options.get('tls.certresolver');
      if (resolver) return resolver;
    }
  return 'letsencrypt';
}

function portsOf(service: Estate['services'][number]['service']): Set<string> {
  const ports = new Set((service.ports ?? []).map((p) => String(p.target)));
  for (const e of service.expose ?? []) ports.add(e.split('/')[0] ?? e);
  return ports;
}

function incomplete(estate: Estate, r: Router): Hit[] {
  const hits: Hit[] = [];
  if (r.rule === undefined)
    hits.push(
      routerHit(
        r,
        undefined,
        'missing=rule',
        `router \`${r.name}\` has no rule: Traefik cannot match requests to it`,
        label(r, 'rule', 'Host(`<host>`)'),
      ),
    );
  if (r.entrypoints.length === 0)
    hits.push(
      routerHit(
        r,
        undefined,
        'missing=entrypoints',
        `router \`${r.name}\` names no entrypoints, so it listens on every entrypoint, plain HTTP included`,
        label(r, 'entrypoints', 'websecure'),
      ),
    );
  const insecure = r.entrypoints.filter(
    (ep) => SECURE_ENTRYPOINT.test(ep) && !estate.tlsEntrypoints.has(ep.toLowerCase()),
  );
  if (insecure.length > 0 && !r.tls)
    hits.push(
      routerHit(
        r,
        'entrypoints',
        'missing=tls',
        `router \`${r.name}\` uses the ${insecure.join(', ')} entrypoint but has no TLS setting: Traefik serves it without a certificate`,
        label(r, 'tls.certresolver', certResolver(estate)),
      ),
    );
  const service = estate.services.find((s) => s.stack === r.stack && s.name === r.service);
  if (service && service.serviceNames.length > 1 && !r.options.has('service'))
    hits.push(
      routerHit(
        r,
        undefined,
        'missing=service',
        `router \`${r.name}\` does not say which of ${service.serviceNames.join(', ')} it routes to`,
        label(r, 'service', service.serviceNames[0] ?? '<service>'),
      ),
    );
  const known = [...estate.middlewares.keys()];
  for (const ref of r.middlewares) {
    const { name, external } = middlewareRef(ref);
    if (external || estate.middlewares.has(name)) continue;
    const near = nearest(name, known);
    hits.push(
      routerHit(
        r,
        'middlewares',
        `middleware=${name}`,
        `router \`${r.name}\` uses middleware \`${name}\`, which no container defines: Traefik drops the router`,
        near
          ? `did you mean \`${near}\`? ${label(r, 'middlewares', r.middlewares.map((m) => (m === ref ? near : m)).join(','))}`
          : `define it: traefik.http.middlewares.${name}.<type>.<option>=…, or remove it from ${label(r, 'middlewares', r.middlewares.join(','))}`,
      ),
    );
  }
  return hits;
}

export const traefikRouterIncomplete: Rule = {
  id: 'traefik-router-incomplete',
  title: 'Traefik router configured incompletely',
  severity: 'medium',
  category: 'standards',
  rationale:
    'Traefik quietly skips or mis-serves a router that lacks a rule, entrypoints or TLS on a secure ' +
    'entrypoint, refers to a middleware that does not exist, or cannot tell which port or service to use.',
  fix: 'Give every router a rule, entrypoints, TLS on secure entrypoints and only defined middlewares; set the server port when the container has several.',
  check(snapshot) {
    const estate = readEstate(snapshot);
    const hits = activeRouters(estate).flatMap((r) => incomplete(estate, r));
    for (const s of estate.services) {
      if (s.enabled === false || s.routers.length === 0 || s.hasServerPort) continue;
      const ports = [...portsOf(s.service)];
      if (ports.length < 2) continue;
      const name = s.serviceNames[0] ?? s.name;
      hits.push(
        serviceHit(
          s.stack,
          s.name,
          ['labels'],
          'no-server-port',
          `\`${s.name}\` exposes ports ${ports.join(', ')} and no label says which one Traefik should use`,
          `traefik.http.services.${name}.loadbalancer.server.port=${ports[0]}`,
        ),
      );
    }
    return hits;
  },
};

function isPublic(r: Router): boolean {
  if (r.rule === undefined || !HOST_RULE.test(r.rule)) return false;
  // Without entrypoints a router listens on all of them, the public ones included.
  return r.entrypoints.length === 0 || r.entrypoints.some((ep) => PUBLIC_ENTRYPOINT.test(ep));
}

/** A defined middleware of that kind to suggest, preferring one of the router's own stack. */
function candidate(estate: Estate, r: Router, kind: string): string | undefined {
  const all = [...estate.middlewares.values()].filter((m) => m.kinds.has(kind));
  return (all.find((m) => m.stack === r.stack) ?? all[0])?.name;
}

function unprotected(estate: Estate, r: Router): Hit | undefined {
  if (!isPublic(r)) return undefined;
  const { kinds } = appliedKinds(estate, r);
  const missing = [
    ...(kinds.has('headers') ? [] : ['headers']),
    ...(kinds.has('ratelimit') ? [] : ['ratelimit']),
  ];
  if (missing.length === 0) return undefined;
  const words = missing.map((k) => (k === 'headers' ? 'security-headers middleware' : 'rate limit'));
  const add: string[] = [];
  const define: string[] = [];
  for (const kind of missing) {
    const existing = candidate(estate, r, kind);
    const name = existing ?? `${r.service}-${kind}`;
    add.push(name);
    if (existing) continue;
    define.push(
      kind === 'headers'
        ? `traefik.http.middlewares.${name}.headers.stsSeconds=31536000 (plus frameDeny, contentTypeNosniff)`
        : `traefik.http.middlewares.${name}.ratelimit.average=100`,
    );
  }
  return serviceHit(
    r.stack,
    r.service,
    r.at('middlewares'),
    `router=${r.name}`,
    `public router \`${r.name}\` (${r.rule}) has no ${words.join(' and no ')}`,
    [label(r, 'middlewares', [...r.middlewares, ...add].join(',')), ...define].join('; '),
  );
}

function unusedHit(mw: Middleware, estate: Estate): Hit {
  const kind = PROTECTIVE.find((k) => mw.kinds.has(k)) ?? 'middleware';
  const router = estate.services.find((s) => s.stack === mw.stack && s.name === mw.service)?.routers[0];
  return serviceHit(
    mw.stack,
    mw.service,
    mw.at,
    `unused-middleware=${mw.name}`,
    `middleware \`${mw.name}\` (${kind}) is defined but no router applies it`,
    router
      ? label(router, 'middlewares', [...router.middlewares, mw.name].join(','))
      : `add \`${mw.name}\` to the \`middlewares\` label of the routers it should protect`,
  );
}

export const publicRouteUnprotected: Rule = {
  id: 'public-route-unprotected',
  title: 'Public route without security headers or rate limit',
  severity: 'high',
  category: 'standards',
  rationale:
    'A route reachable from the internet should send security headers (HSTS, frame and sniffing ' +
    'protection) and limit request rates; a protective middleware that is defined but applied to no ' +
    'router protects nothing.',
  fix: 'Apply a headers middleware and a ratelimit middleware to every public router (or to the entrypoint).',
  check(snapshot) {
    const estate = readEstate(snapshot);
    const hits: Hit[] = [];
    for (const r of activeRouters(estate)) {
      const hit = unprotected(estate, r);
      if (hit) hits.push(hit);
    }
    const used = referencedMiddlewares(estate);
    for (const mw of estate.middlewares.values()) {
      if (used.has(mw.name) || !PROTECTIVE.some((k) => mw.kinds.has(k))) continue;
      hits.push(unusedHit(mw, estate));
    }
    return hits;
  },
};
