// biome-ignore-all lint/suspicious/noTemplateCurlyInString: these strings are compose interpolation syntax under test, not JS templates
import { describe, expect, it } from 'vitest';
import { hitsOf, keys, stackOf } from '../../../test/support/audit-standards.js';
import type { LiveFacts } from '../types.js';
import { isFloatingTag } from './pin-version.js';
import { imageNotPinned } from './standards-images.js';

const DIGEST = `sha256:${'a'.repeat(64)}`;

describe('image-not-pinned', () => {
  it('flags a missing tag and every moving tag', async () => {
    const hits = await hitsOf(
      imageNotPinned,
      `services:
  a: { image: nginx }
  b: { image: "redis:latest" }
  c: { image: "ghcr.io/org/app:stable" }
  d: { image: "traefik:MAIN" }
  e: { image: "localhost:5000/tool:edge" }
  f: { image: "grafana/grafana:nightly" }
  g: { image: "x/y:master" }
`,
    );
    expect(keys(hits)).toEqual([
      'app/a: image=nginx',
      'app/b: image=redis:latest',
      'app/c: image=ghcr.io/org/app:stable',
      'app/d: image=traefik:MAIN',
      'app/e: image=localhost:5000/tool:edge',
      'app/f: image=grafana/grafana:nightly',
      'app/g: image=x/y:master',
    ]);
    expect(hits[0]).toMatchObject({ path: ['services', 'a', 'image'] });
    expect(hits[0]?.message).toContain('no tag');
    expect(hits[1]?.message).toContain('moving tag `latest`');
    expect(hits[4]?.fix).toContain('image: localhost:5000/tool:<version>');
  });

  it('accepts version tags, digests and built-only services', async () => {
    const hits = await hitsOf(
      imageNotPinned,
      `services:
  a: { image: "nginx:1.27.3" }
  b: { image: "nginx@${DIGEST}" }
  c: { image: "nginx:latest@${DIGEST}" }
  d: { build: . }
  e: { image: "localhost:5000/tool:2.1" }
  f: { image: "postgres:16-alpine" }
`,
    );
    expect(hits).toEqual([]);
  });

  it('keeps the same evidence when unrelated lines change', async () => {
    const one = await hitsOf(imageNotPinned, 'services:\n  web:\n    image: nginx:latest\n');
    const two = await hitsOf(
      imageNotPinned,
      '# reverse proxy\nservices:\n  web:\n    restart: always\n    ports: ["80:80"]\n    image: nginx:latest\n',
    );
    expect(keys(one)).toEqual(keys(two));
  });

  it('names the variable when the tag comes from interpolation', async () => {
    const hits = await hitsOf(imageNotPinned, 'services:\n  web:\n    image: nginx:${TAG:-latest}\n');
    expect(keys(hits)).toEqual(['app/web: image=nginx:latest']);
    expect(hits[0]?.message).toContain('`nginx:${TAG:-latest}`');
    expect(hits[0]?.fix).toContain('.env');
  });

  it('suggests the running version and digest when live facts know them', async () => {
    const live: LiveFacts = {
      containers: [
        {
          stack: 'app',
          service: 'web',
          name: 'app-web-1',
          berth: false,
          state: 'running',
          restartCount: 0,
          image: 'nginx:latest',
          imageId: 'sha256:1',
          imageTags: ['nginx:latest', 'nginx:1.27.3'],
          imageDigests: [`nginx@${DIGEST}`],
        },
      ],
    };
    const { snapshot } = await stackOf('services:\n  web:\n    image: nginx:latest\n', {}, live);
    const hits = imageNotPinned.check(snapshot);
    expect(hits[0]?.fix).toBe(`pin: image: nginx:1.27.3@${DIGEST} (what the running container uses)`);
  });

  it("advises no other repository's version: opa/busybox tagged from local/busybox:1 has none", async () => {
    const container = {
      stack: 'app',
      service: 'web',
      name: 'app-web-1',
      berth: true,
      state: 'running',
      restartCount: 0,
      image: 'opa/busybox',
      imageId: 'sha256:1',
      imageTags: ['local/busybox:1', 'opa/busybox:latest'],
      imageDigests: [],
    };
    const compose = 'services:\n  web:\n    image: opa/busybox\n';
    const { snapshot } = await stackOf(compose, {}, { containers: [container] });
    const fix = imageNotPinned.check(snapshot)[0]?.fix;
    expect(fix).not.toContain('opa/busybox:1');
    expect(fix).toBe(
      'pin: the running image has no version tag or digest of opa/busybox to pin to (its tags: local/busybox:1, opa/busybox:latest); tag a version of opa/busybox, or name a repository that has one',
    );
    // With a digest of that repository, the advice pins by digest.
    const pushed = { ...container, imageDigests: [`opa/busybox@${DIGEST}`] };
    const withDigest = await stackOf(compose, {}, { containers: [pushed] });
    expect(imageNotPinned.check(withDigest.snapshot)[0]?.fix).toBe(
      `pin: image: opa/busybox@${DIGEST} (what the running container uses)`,
    );
  });

  it('knows which tags move', () => {
    expect(isFloatingTag(undefined)).toBe(true);
    expect(isFloatingTag('Latest')).toBe(true);
    expect(isFloatingTag('1.2')).toBe(false);
    expect(isFloatingTag('stable-alpine')).toBe(false);
  });
});
