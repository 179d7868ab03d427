import { describe, expect, it } from 'vitest';
import { imageId } from '../../test/support/deploy-fixtures.js';
import type { ContainerSpec } from '../engine/model.js';
import { SPEC_DEFAULTS } from '../engine/spec-defaults.js';
import { changeText, specDiff } from './diff.js';

const base: ContainerSpec = {
  ...SPEC_DEFAULTS,
  name: 'shop-web-1',
  image: 'nginx:1.25',
  env: { MODE: 'prod', DB_PASSWORD: 'hunter2' },
  labels: { team: 'a', 'dev.berth.config-hash': 'h1', 'com.docker.compose.project': 'shop' },
  ports: [{ containerPort: 80, protocol: 'tcp', hostPort: 8080 }],
  networks: [{ name: 'shop_default', aliases: ['web'] }],
};
const spec = (over: Partial<ContainerSpec>): ContainerSpec => ({ ...base, ...over });

describe('specDiff', () => {
  it('finds nothing between equal specs, even with keys in another order', () => {
    const reordered = Object.fromEntries(Object.entries(base).reverse()) as unknown as ContainerSpec;
    expect(specDiff(base, reordered)).toEqual([]);
  });

  it('names a new image reference', () => {
    expect(specDiff(base, spec({ image: 'nginx:1.27' }))).toEqual(['image nginx:1.25 → nginx:1.27']);
  });

  it('says "rebuilt" when the tag is the same and the image id is not, with short ids', () => {
    expect(specDiff(base, base, { before: imageId('abc123def4567'), after: imageId('fff') })).toEqual([
      'image nginx:1.25 changed (abc123def456 → fff000000000: rebuilt or pulled)',
    ]);
  });

  it('says nothing about the image id when one side is unknown or both are equal', () => {
    expect(specDiff(base, base, { before: imageId('a') })).toEqual([]);
    expect(specDiff(base, base, { after: imageId('a') })).toEqual([]);
    expect(specDiff(base, base, { before: imageId('a'), after: imageId('a') })).toEqual([]);
  });

  it('reports a new reference, not a rebuild, when both changed', () => {
    expect(
      specDiff(base, spec({ image: 'nginx:1.27' }), { before: imageId('a'), after: imageId('b') }),
    ).toEqual(['image nginx:1.25 → nginx:1.27']);
  });

  it('explains environment changes per variable, sorted, never showing secret values', () => {
    const after = spec({ env: { MODE: 'dev', DB_PASSWORD: 'swordfish', API_TOKEN: 't0k3n', ADDED: 'x' } });
    const before = spec({ env: { ...base.env, API_TOKEN: 'old', GONE: 'y' } });
    const reasons = specDiff(before, after);
    expect(reasons).toEqual([
      'env ADDED added',
      'env API_TOKEN changed (value hidden)',
      'env DB_PASSWORD changed (value hidden)',
      'env GONE removed',
      'env MODE changed: prod → dev',
    ]);
    for (const secret of ['hunter2', 'swordfish', 't0k3n', 'old'])
      expect(reasons.join('\n')).not.toContain(secret);
  });

  it('does not show the value of an added or removed variable', () => {
    const reasons = specDiff(spec({ env: { GONE: 'visible?' } }), spec({ env: { NEW: 'visible!' } }));
    expect(reasons).toEqual(['env GONE removed', 'env NEW added']);
  });

  it('shortens long environment values to 40 characters', () => {
    const long = 'x'.repeat(100);
    expect(specDiff(base, spec({ env: { ...base.env, MODE: long } }))).toEqual([
      `env MODE changed: prod → ${'x'.repeat(39)}…`,
    ]);
  });

  it('cuts two long values around where they differ, so a change at the end shows', () => {
    const url = (path: string) => `wget -q -O /dev/null http://127.0.0.1:8080/some/long/health/${path}`;
    const before = spec({ healthcheck: { test: ['CMD-SHELL', url('ready')], intervalMs: 1000 } });
    const after = spec({ healthcheck: { test: ['CMD-SHELL', url('nothere')], intervalMs: 1000 } });
    const [reason] = specDiff(before, after);
    const [from = '', to = ''] = (reason ?? '').replace(/^healthcheck /, '').split(' → ');
    expect(from).not.toBe(to);
    expect(from).toContain('ready');
    expect(to).toContain('nothere');
    expect(from.startsWith('…')).toBe(true);
    expect(from.length).toBeLessThanOrEqual(80);
    expect(to.length).toBeLessThanOrEqual(80);
  });

  it('keeps the start of two long values that differ early', () => {
    expect(changeText(`a${'x'.repeat(100)}`, `b${'x'.repeat(100)}`, 10)).toBe('axxxxxxxx… → bxxxxxxxx…');
    expect(changeText('short', 'also short')).toBe('short → also short');
  });

  it("ignores Berth's and compose's labels, and shows the others", () => {
    const relabelled = spec({
      labels: { team: 'a', 'dev.berth.config-hash': 'h2', 'com.docker.compose.project': 'other' },
    });
    expect(specDiff(base, relabelled)).toEqual([]);
    expect(specDiff(base, spec({ labels: { ...base.labels, team: 'b' } }))).toEqual([
      'labels changed: {"team":"a"} → {"team":"b"}',
    ]);
  });

  it('explains every other field kind: set, removed, changed', () => {
    const after = spec({
      command: ['serve', '--port', '81'],
      ports: [{ containerPort: 81, protocol: 'tcp', hostPort: 8081 }],
      healthcheck: { test: ['CMD', 'true'], intervalMs: 5000 },
      readOnly: true,
      capAdd: ['NET_ADMIN'],
      mounts: [{ type: 'volume', source: 'shop_data', target: '/data', readOnly: false }],
      networks: [{ name: 'shop_back', aliases: ['web'] }],
      restartPolicy: { name: 'always' },
    });
    const before = spec({ user: '1000', stopTimeoutSeconds: 10 });
    expect(specDiff(before, after)).toEqual([
      'capAdd [] → ["NET_ADMIN"]',
      'command set: ["serve","--port","81"]',
      'healthcheck set: {"intervalMs":5000,"test":["CMD","true"]}',
      'mounts [] → [{"readOnly":false,"source":"shop_data","target":"/data","type":"volume"}]',
      'networks [{"aliases":["web"],"name":"shop_default"}] → [{"aliases":["web"],"name":"shop_back"}]',
      'ports [{"containerPort":80,"hostPort":8080,"protocol":"tcp"}] → [{"containerPort":81,"hostPort":8081,"protocol":"tcp"}]',
      'readOnly false → true',
      'restartPolicy set: {"name":"always"}',
      'stopTimeoutSeconds removed (was 10)',
      'user removed (was 1000)',
    ]);
  });

  it('orders reasons image, env, labels, then the other fields alphabetically', () => {
    const after = spec({
      image: 'nginx:2',
      env: { ...base.env, MODE: 'x' },
      labels: { team: 'b' },
      user: 'root',
      capAdd: ['X'],
    });
    expect(specDiff(base, after).map((r) => r.split(' ')[0])).toEqual([
      'image',
      'env',
      'labels',
      'capAdd',
      'user',
    ]);
  });

  it('shortens long field values to 80 characters', () => {
    const command = Array.from({ length: 40 }, (_, i) => `arg${i}`);
    const [reason] = specDiff(base, spec({ command }));
    expect(reason).toMatch(/^command set: \["arg0","arg1",/);
    expect(reason?.endsWith('…')).toBe(true);
    expect(reason?.length).toBe('command set: '.length + 80);
  });

  it('treats an absent field and null alike', () => {
    expect(specDiff(spec({ command: null }), base)).toEqual([]);
  });

  it('shows a renamed container', () => {
    expect(specDiff(base, spec({ name: 'web' }))).toEqual(['name shop-web-1 → web']);
  });
});
