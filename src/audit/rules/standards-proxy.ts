import type { Hit, Rule } from '../types.js';
import { envOf, serviceHit } from './helpers.js';
import { activeRouters, appliedKinds, label, readEstate, routerHit } from './standards-traefik-labels.js';

const INSECURE_ARG = /^--api\.insecure(=true)?$/i;

export const proxyDashboardInsecure: Rule = {
  id: 'proxy-dashboard-insecure',
  title: 'Proxy dashboard exposed without authentication',
  severity: 'critical',
  category: 'standards',
  rationale:
    'Traefik’s API and dashboard show every route, backend and certificate; `api.insecure` serves them ' +
    'unauthenticated on port 8080, and a router to api@internal without middleware publishes them.',
  fix: 'Remove `--api.insecure`, and route the dashboard through a router with an authentication middleware.',
  check(snapshot) {
    const estate = readEstate(snapshot);
    const hits: Hit[] = [];
    for (const s of estate.services) {
      for (const key of ['entrypoint', 'command'] as const) {
        (s.service[key] ?? []).forEach((arg, i) => {
          if (!INSECURE_ARG.test(arg)) return;
          hits.push(
            serviceHit(
              s.stack,
              s.name,
              [key, i],
              'api.insecure',
              `\`${s.name}\` runs Traefik with ${arg}: the API and dashboard answer without authentication`,
              `remove \`${arg}\` from ${key}; expose the dashboard through a router with service=api@internal and a basicauth or forwardauth middleware`,
            ),
          );
        });
      }
      const env = Object.entries(envOf(s.service)).find(
        ([k, v]) => k.toUpperCase() === 'TRAEFIK_API_INSECURE' && v.trim().toLowerCase() === 'true',
      );
      if (env)
        hits.push(
          serviceHit(
            s.stack,
            s.name,
            ['environment', env[0]],
            `env=${env[0]}`,
            `\`${s.name}\` sets ${env[0]}=true: the API and dashboard answer without authentication`,
            `remove ${env[0]} from \`${s.name}\`'s environment; protect the dashboard with a router and an authentication middleware`,
          ),
        );
    }
    for (const r of activeRouters(estate)) {
      if (r.options.get('service')?.toLowerCase() !== 'api@internal') continue;
      if (appliedKinds(estate, r).refs.length > 0) continue;
      hits.push(
        routerHit(
          r,
          'service',
          'service=api@internal',
          `router \`${r.name}\` publishes the Traefik dashboard (api@internal) with no middleware`,
          `${label(r, 'middlewares', 'dashboard-auth')}; traefik.http.middlewares.dashboard-auth.basicauth.users=<user>:<htpasswd hash>`,
        ),
      );
    }
    return hits;
  },
};
