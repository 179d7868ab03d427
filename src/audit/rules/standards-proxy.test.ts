import { describe, expect, it } from 'vitest';
import { hitsOf, keys } from '../../../test/support/audit-standards.js';
import { proxyDashboardInsecure } from './standards-proxy.js';

describe('proxy-dashboard-insecure', () => {
  it('flags --api.insecure, TRAEFIK_API_INSECURE and an unprotected api@internal router', async () => {
    const hits = await hitsOf(
      proxyDashboardInsecure,
      `services:
  traefik:
    image: traefik:v3.1
    command:
      - --providers.docker=true
      - --api.insecure=true
    labels:
      traefik.http.routers.dash.rule: Host(\`traefik.example.com\`)
      traefik.http.routers.dash.service: api@internal
  old:
    image: traefik:v2.11
    command: --api.insecure --api.dashboard
    environment:
      TRAEFIK_API_INSECURE: "true"
`,
    );
    expect(keys(hits)).toEqual([
      'app/traefik: api.insecure',
      'app/old: api.insecure',
      'app/old: env=TRAEFIK_API_INSECURE',
      'app/traefik: router=dash,service=api@internal',
    ]);
    expect(hits[0]).toMatchObject({ path: ['services', 'traefik', 'command', 1] });
    expect(hits[0]?.fix).toContain('remove `--api.insecure=true` from command');
    expect(hits[3]?.fix).toContain('basicauth.users');
  });

  it('accepts a dashboard behind authentication and api.insecure=false', async () => {
    const hits = await hitsOf(
      proxyDashboardInsecure,
      `services:
  traefik:
    image: traefik:v3.1
    command: ["--api.dashboard=true", "--api.insecure=false"]
    environment: { TRAEFIK_API_INSECURE: "false" }
    labels:
      traefik.http.routers.dash.rule: Host(\`traefik.example.com\`)
      traefik.http.routers.dash.service: api@internal
      traefik.http.routers.dash.middlewares: auth
      traefik.http.middlewares.auth.basicauth.users: "admin:$$apr1$$x"
`,
    );
    expect(hits).toEqual([]);
  });
});
