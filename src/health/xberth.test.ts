import { describe, expect, it } from 'vitest';
import { writeTree } from '../../test/support/tree.js';
import { builtinXBerthRegistry } from '../app/registry.js';
import { loadWorkspace } from '../compose/stack.js';
import { createXBerthRegistry, validateXBerth } from '../compose/xberth/registry.js';
import { HEALTH_XBERTH_SECTIONS, probesOf } from './xberth.js';

const registry = createXBerthRegistry(HEALTH_XBERTH_SECTIONS);
const parse = (probes: unknown) =>
  validateXBerth(registry, 'service', { probes }, ['services', 'app', 'x-berth']);
const probe = (value: unknown) => probesOf(parse({ p: value }).values).p;
const findings = (value: unknown, name = 'p') =>
  parse({ [name]: value }).findings.map((f) => [f.path.slice(5).join('.'), f.message, f.hint]);

describe('x-berth.probes', () => {
  it('takes an http probe on a port of the service, with defaults', () => {
    expect(
      probe({ type: 'http', port: 8080, path: '/health', conditions: ['[STATUS] == 200'] }),
    ).toMatchObject({
      check: {
        type: 'http',
        target: { port: 8080, path: '/health' },
        method: 'GET',
        headers: {},
        followRedirects: true,
        verifyTls: true,
      },
      intervalMs: 30_000,
      timeoutMs: 5_000,
      failureThreshold: 3,
      successThreshold: 1,
      conditions: [{ source: '[STATUS] == 200', op: '==' }],
    });
  });

  it('takes every type with its options', () => {
    expect(
      probe({ type: 'http', url: 'https://x.example/h', method: 'POST', body: '{}', verify_tls: false })
        ?.check,
    ).toMatchObject({
      target: { url: 'https://x.example/h' },
      method: 'POST',
      body: '{}',
      verifyTls: false,
    });
    expect(probe({ type: 'tcp', port: 5432 })?.check).toEqual({ type: 'tcp', port: 5432 });
    expect(probe({ type: 'tcp', host: 'db.example', port: 5432 })?.check).toEqual({
      type: 'tcp',
      host: 'db.example',
      port: 5432,
    });
    expect(probe({ type: 'command', command: ['php', 'bin/console', 'ping'] })?.check).toEqual({
      type: 'command',
      argv: ['php', 'bin/console', 'ping'],
    });
    expect(probe({ type: 'db', engine: 'postgres', user: 'app' })?.check).toEqual({
      type: 'db',
      engine: 'postgres',
      user: 'app',
    });
    expect(
      probe({
        type: 'tls',
        host: 'shop.example',
        interval: '1h',
        conditions: ['[CERTIFICATE_EXPIRATION] > 14d'],
      }),
    ).toMatchObject({
      check: { type: 'tls', host: 'shop.example', port: 443 },
      intervalMs: 3_600_000,
      timeoutMs: 5_000,
    });
    expect(probe({ type: 'disk', volume: 'data', conditions: ['[DISK_USED_PERCENT] < 85'] })?.check).toEqual({
      type: 'disk',
      path: 'data',
      on: 'volume',
    });
    expect(probe({ type: 'disk', path: '/var/lib/docker' })?.check).toEqual({
      type: 'disk',
      path: '/var/lib/docker',
      on: 'host',
    });
    expect(
      probe({ type: 'dns', name: 'example.com', record: 'MX', server: '127.0.0.1:5353' })?.check,
    ).toEqual({
      type: 'dns',
      name: 'example.com',
      record: 'MX',
      server: '127.0.0.1:5353',
    });
  });

  it('says which type is wrong or missing', () => {
    const [f] = findings({ type: 'ftp', url: 'x' });
    expect(f?.[0]).toBe('type');
    expect(f?.[1]).toBe(
      'services.app.x-berth.probes.p.type: `type: ftp` is not a probe type; one of http, tcp, command, db, tls, disk, dns',
    );
    expect(findings({ type: 'htp', url: 'x' })[0]?.[1]).toMatch(
      /is not a probe type; .* \(did you mean `http`\?\)$/,
    );
    expect(findings({ url: 'http://x' })[0]?.[1]).toMatch(/needs a `type`/);
    expect(findings({ type: 'tcp', port: 1, url: 'http://x' })[0]).toEqual(
      expect.arrayContaining([expect.stringMatching(/url/)]),
    );
  });

  it('locates a bad condition and names the column', () => {
    const [f] = findings({ type: 'http', port: 80, conditions: ['[STATUS] == 200', '[STATSU] == 200'] });
    expect(f?.[0]).toBe('conditions.1');
    expect(f?.[1]).toMatch(/column/);
  });

  it('refuses a condition on something the type does not measure', () => {
    const [f] = findings({ type: 'tcp', port: 80, conditions: ['[STATUS] == 200'] });
    expect(f?.[1]).toMatch(/a tcp probe does not measure \[STATUS\]$/);
    expect(f?.[2]).toMatch(/\[CONNECTED\]/);
  });

  it('checks url or port, path with port, disk path or volume, timeouts and names', () => {
    expect(findings({ type: 'http' })[0]?.[1]).toMatch(/either `url` or `port`/);
    expect(findings({ type: 'http', url: 'http://a/', port: 80 })[0]?.[1]).toMatch(/either `url` or `port`/);
    expect(findings({ type: 'http', url: 'http://a/', path: '/x' })[0]?.[1]).toMatch(
      /`path` goes with `port`/,
    );
    expect(findings({ type: 'disk' })[0]?.[1]).toMatch(/either a host `path` or a `volume`/);
    expect(findings({ type: 'tcp', port: 1, interval: '10s', timeout: '20s' })[0]?.[0]).toBe('timeout');
    expect(findings({ type: 'tcp', port: 1, interval: '100ms' })[0]?.[0]).toBe('interval');
    expect(findings({ type: 'tcp', port: 1 }, 'container')[0]?.[1]).toMatch(/built-in/);
    expect(findings({ type: 'tcp', port: 1 }, 'Bad Name')[0]?.[1]).toMatch(/probe name/);
  });

  it('reports each field and each check across fields of a probe, and none that follows from another', () => {
    // A wrong method used to hide the conditions; each is its own finding now.
    expect(
      findings({ type: 'http', port: 80, method: 'GETT', conditions: ['[DISK_USED_PERCENT] < 9'] }).map(
        (f) => f[0],
      ),
    ).toEqual(['method', 'conditions.0']);
    // The interval is wrong: the timeout that follows it (not written) is not.
    expect(findings({ type: 'tcp', port: 1, interval: '10ms' }).map((f) => f[0])).toEqual(['interval']);
    // An interval that failed its own check says nothing of a timeout written beside it.
    expect(findings({ type: 'tcp', port: 1, interval: 'often', timeout: '40s' }).map((f) => f[0])).toEqual([
      'interval',
    ]);
    expect(findings({ type: 'tcp', port: 1, interval: 'often', timeout: '10ms' })[1]?.[1]).toMatch(
      /\.timeout: timeout must be at least 100ms$/,
    );
    // A url that failed its own check is still written: the probe is not also missing one.
    expect(findings({ type: 'http', url: 'ftp://x', timeout: '1m' }).map((f) => f[0])).toEqual([
      'url',
      'timeout',
    ]);
  });

  it('reports a bad probe with file:line:col when a stack loads', async () => {
    const dir = await writeTree({
      'shop/compose.yaml': [
        'services:',
        '  web:',
        '    image: local/busybox:1',
        '    x-berth:',
        '      probes:',
        '        home:',
        '          type: http',
        '          port: 80',
        '          conditions: ["[STATUS] = 200"]',
        '',
      ].join('\n'),
    });
    const loaded = await loadWorkspace(dir, { env: {}, registry: builtinXBerthRegistry() });
    const bad = loaded.diagnostics.find((d) => d.message.includes('conditions[0]'));
    expect(bad, JSON.stringify(loaded.diagnostics)).toMatchObject({ line: 9 });
    expect(bad?.file).toMatch(/compose\.yaml$/);
  });
});
