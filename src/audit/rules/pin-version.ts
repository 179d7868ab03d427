import { parseImage } from './helpers.js';

/*
 * The version a running image can be pinned to (pure), shared by the `image-not-pinned` report and
 * `berth audit --fix`: only a tag or digest of the repository the compose file names counts. An
 * image also tagged `local/busybox:1` gives `opa/busybox` no version: `opa/busybox:1` may not exist,
 * or be someone else's image on Docker Hub.
 */

/** Tags that move: the same reference pulls a different image tomorrow. */
const FLOATING_TAGS = new Set(['latest', 'stable', 'main', 'master', 'edge', 'nightly']);

export function isFloatingTag(tag: string | undefined): boolean {
  return tag === undefined || FLOATING_TAGS.has(tag.toLowerCase());
}

/** `docker.io/library/nginx`, `library/nginx` and `nginx` are one repository. */
export function normalizeRepository(name: string): string {
  const lower = name.toLowerCase();
  const host = lower.replace(/^(docker\.io|index\.docker\.io|registry-1\.docker\.io)\//, '');
  return host.includes('/') ? host.replace(/^library\//, '') : host;
}

/** `1.27.3` before `1.27` before `1`: the most specific version tag names the image best. */
function specificity(tag: string): number {
  return (tag.match(/[.\-_]/g) ?? []).length * 1000 + tag.length;
}

/** What the engine says about the image a container runs: `repo:tag` and `repo@sha256:…` references. */
export interface RunningImage {
  readonly imageTags: readonly string[];
  readonly imageDigests: readonly string[];
}

/** The running image's most specific version tag and its digest, both of repository `name` only. */
export function runningVersion(
  name: string,
  image: RunningImage,
): { readonly tag?: string; readonly digest?: string } {
  const repository = normalizeRepository(name);
  // A bare `1.27.3` or `sha256:…` names no repository: it does not count.
  const sameRepo = (ref: string) => normalizeRepository(parseImage(ref).name) === repository;
  const tag = image.imageTags
    .filter(sameRepo)
    .map((ref) => parseImage(ref).tag)
    .filter((t): t is string => t !== undefined && !isFloatingTag(t))
    .sort((a, b) => specificity(b) - specificity(a) || a.localeCompare(b))[0];
  const digest = image.imageDigests
    .filter(sameRepo)
    .map((ref) => parseImage(ref).digest)
    .find((d): d is string => d !== undefined && /^sha256:[0-9a-f]{64}$/.test(d));
  return { ...(tag ? { tag } : {}), ...(digest ? { digest } : {}) };
}
