import { describe, expect, it } from 'vitest';
import { runningVersion } from './pin-version.js';

const DIGEST = `sha256:${'a'.repeat(64)}`;

describe('runningVersion', () => {
  it("takes no version from another repository's tag (a local tag of local/busybox:1)", () => {
    const image = { imageTags: ['local/busybox:1', 'opa/busybox:latest'], imageDigests: [] };
    expect(runningVersion('opa/busybox', image)).toEqual({});
    expect(runningVersion('local/busybox', image)).toEqual({ tag: '1' });
  });

  it('takes the most specific version tag and the digest of the same repository', () => {
    const image = {
      imageTags: ['nginx:latest', 'nginx:1.27', 'docker.io/library/nginx:1.27.3', 'other/nginx:9.9.9'],
      imageDigests: [`other/nginx@sha256:${'b'.repeat(64)}`, `nginx@${DIGEST}`],
    };
    expect(runningVersion('nginx', image)).toEqual({ tag: '1.27.3', digest: DIGEST });
  });

  it('takes the digest alone when the repository has no version tag', () => {
    const image = { imageTags: ['local/busybox:1'], imageDigests: [`opa/busybox@${DIGEST}`] };
    expect(runningVersion('opa/busybox', image)).toEqual({ digest: DIGEST });
  });
});
