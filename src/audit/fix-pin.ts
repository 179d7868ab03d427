import { parseImage } from './rules/helpers.js';
import { runningVersion } from './rules/pin-version.js';
import type { Finding, Snapshot } from './types.js';

export type PinTarget =
  | { readonly ok: true; readonly image: string }
  | { readonly ok: false; readonly why: string };

/**
 * The reference to pin a service's image to: the version tag (or digest) of the image its container
 * runs on the engine, in the repository the compose file names. Never a guess: no live facts, several
 * different images across replicas, or no version tag of that repository, and there is no target.
 */
export function pinTarget(snapshot: Snapshot, finding: Finding): PinTarget {
  if (!snapshot.live)
    return { ok: false, why: 'needs the running engine to know the version: run `berth audit --live --fix`' };
  const stack = snapshot.stacks.find((s) => s.name === finding.stack);
  const image = finding.service ? stack?.loaded.model.services?.[finding.service]?.image : undefined;
  if (!image) return { ok: false, why: 'the service has no image' };
  const containers = snapshot.live.containers.filter(
    (c) => c.stack === finding.stack && c.service === finding.service,
  );
  const running = containers.filter((c) => c.state === 'running');
  const chosen = running.length > 0 ? running : containers;
  if (chosen.length === 0) return { ok: false, why: 'no container of this service on the engine' };
  if (new Set(chosen.map((c) => c.imageId)).size > 1) {
    return { ok: false, why: 'its containers run different images; pin by hand' };
  }
  const { name } = parseImage(image);
  const container = chosen[0];
  const { tag, digest } = container ? runningVersion(name, container) : {};
  if (tag) return { ok: true, image: `${name}:${tag}` };
  if (digest) return { ok: true, image: `${name}@${digest}` };
  return {
    ok: false,
    why: `the running image has no version tag of ${name}; find one with \`docker image inspect ${container?.imageId ?? name}\``,
  };
}
