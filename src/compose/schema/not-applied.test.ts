import { describe, expect, it } from 'vitest';
import { APPLIED_SERVICE_KEYS, notAppliedKeys } from './not-applied.js';
import { SERVICE_KEYS } from './service.js';

describe('notAppliedKeys', () => {
  it('lists valid keys Berth does not apply, in the order written', () => {
    expect(
      notAppliedKeys({
        image: 'nginx',
        develop: { watch: [] },
        ports: ['80'],
        blkio_config: {},
        cpu_rt_runtime: 1,
        mac_address: 'x',
        gpus: 'all',
        credential_spec: {},
        models: ['m'],
        provider: { type: 'x' },
        post_start: [],
      }),
    ).toEqual([
      'develop',
      'blkio_config',
      'cpu_rt_runtime',
      'mac_address',
      'gpus',
      'credential_spec',
      'models',
      'provider',
      'post_start',
    ]);
  });

  it('applies pull_policy, but not pull_refresh_after', () => {
    expect(notAppliedKeys({ image: 'nginx:1.27', pull_policy: 'always' })).toEqual([]);
    expect(notAppliedKeys({ image: 'nginx:1.27', pull_refresh_after: '1h' })).toEqual(['pull_refresh_after']);
  });

  it('ignores applied keys, extensions and unknown keys', () => {
    expect(notAppliedKeys({ image: 'x', healthcheck: {}, 'x-berth': {}, helthcheck: {} })).toEqual([]);
  });

  it('lists the Swarm-only parts of deploy', () => {
    expect(
      notAppliedKeys({
        deploy: {
          replicas: 2,
          mode: 'global',
          placement: { constraints: [] },
          update_config: {},
          rollback_config: {},
          endpoint_mode: 'dnsrr',
          labels: {},
          resources: { limits: { cpus: '1' }, reservations: { memory: '1g', devices: [] } },
          restart_policy: {},
        },
      }),
    ).toEqual([
      'deploy.mode',
      'deploy.placement',
      'deploy.update_config',
      'deploy.rollback_config',
      'deploy.endpoint_mode',
      'deploy.labels',
      'deploy.resources.reservations.devices',
    ]);
    expect(notAppliedKeys({ deploy: { mode: 'replicated', replicas: 1 } })).toEqual([]);
    expect(notAppliedKeys({ deploy: null })).toEqual([]);
  });

  it('only names keys the schema knows', () => {
    for (const key of APPLIED_SERVICE_KEYS) expect(SERVICE_KEYS).toContain(key);
  });
});

describe('applied keys Berth maps to the container', () => {
  it('does not report secrets, configs, devices, links, dns_search and the resource keys', () => {
    expect(
      notAppliedKeys({
        secrets: ['a'],
        configs: ['b'],
        devices: ['/dev/null'],
        links: ['db'],
        dns_search: 'example.org',
        mem_reservation: '64m',
        memswap_limit: '1g',
        cpu_shares: 512,
        scale: 2,
      }),
    ).toEqual([]);
  });
});

describe('build keys Berth does not send to the engine', () => {
  it('lists them, not context, dockerfile, args, target or extensions', () => {
    expect(
      notAppliedKeys({
        build: {
          context: '.',
          dockerfile: 'Dockerfile',
          args: { A: '1' },
          target: 'prod',
          secrets: ['npmrc'],
          ssh: ['default'],
          cache_from: ['x'],
          'x-note': 1,
        },
      }),
    ).toEqual(['build.secrets', 'build.ssh', 'build.cache_from']);
    expect(notAppliedKeys({ build: '.' })).toEqual([]);
  });
});
