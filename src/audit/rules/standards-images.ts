import type { Rule, Snapshot, StackFacts } from '../types.js';
import { eachService, type ImageRef, parseImage, serviceHit } from './helpers.js';

/** Tags that move: the same reference pulls a different image tomorrow. */
const FLOATING_TAGS = new Set(['latest', 'stable', 'main', 'master', 'edge', 'nightly']);

export function isFloatingTag(tag: string | undefined): boolean {
  return tag === undefined || FLOATING_TAGS.has(tag.toLowerCase());
}

/** The tag of `nginx:1.27.3` or `1.27.3`, whichever form the engine gave. */
function tagOf(text: string): string | undefined {
  return text.includes(':') ? parseImage(text).tag : text;
}

/** `repo@sha256:…` or `sha256:…` → `sha256:…`. */
function digestOf(text: string): string | undefined {
  const digest = text.includes('@') ? text.slice(text.indexOf('@') + 1) : text;
  return /^sha256:[0-9a-f]{64}$/.test(digest) ? digest : undefined;
}

/** The pinned reference, from what the running container says about its image when we know it. */
function pinnedReference(
  snapshot: Snapshot,
  stack: StackFacts,
  service: string,
  image: ImageRef,
): string | undefined {
  const container = snapshot.live?.containers.find((c) => c.stack === stack.name && c.service === service);
  if (!container) return undefined;
  const version = container.imageTags
    .map(tagOf)
    .find((tag): tag is string => tag !== undefined && !isFloatingTag(tag));
  const digest = container.imageDigests.map(digestOf).find((d) => d !== undefined);
  if (!version && !digest) return undefined;
  return `${image.name}${version ? `:${version}` : ''}${digest ? `@${digest}` : ''}`;
}

function writtenImage(stack: StackFacts, service: string): string | undefined {
  const value = stack.loaded.written(['services', service, 'image']);
  return typeof value === 'string' ? value : undefined;
}

export const imageNotPinned: Rule = {
  id: 'image-not-pinned',
  title: 'Image not pinned to a version',
  severity: 'medium',
  category: 'standards',
  rationale:
    'An image without a tag, or with a moving tag like `latest`, pulls whatever was published last: ' +
    'a redeploy or a host rebuild silently changes the software, and a rollback has nothing to go back to.',
  fix: 'Pin a version tag (e.g. `nginx:1.27.3`), ideally with its digest (`nginx:1.27.3@sha256:…`).',
  autofix: 'pin-image',
  check(snapshot) {
    return eachService(snapshot, (stack, name, service) => {
      // A service built here has no upstream reference to pin.
      if (!service.image) return undefined;
      const image = parseImage(service.image);
      if (image.digest || !isFloatingTag(image.tag)) return undefined;
      const shown = image.tag ? `${image.name}:${image.tag}` : image.name;
      const what = image.tag ? `the moving tag \`${image.tag}\`` : 'no tag (so `latest`)';
      const written = writtenImage(stack, name);
      const variable = written?.includes('${') ? written : undefined;
      const pinned = pinnedReference(snapshot, stack, name, image);
      const fix = pinned
        ? `pin: image: ${pinned} (what the running container uses)`
        : `pin: image: ${image.name}:<version> (find the running version's digest with \`docker buildx imagetools inspect ${shown}\`)`;
      return serviceHit(
        stack,
        name,
        ['image'],
        `image=${shown}`,
        `\`${name}\` uses ${shown} with ${what}${variable ? ` (written \`${variable}\`)` : ''}: every pull may bring a different version`,
        variable ? `${fix}; set the variable in the stack's .env rather than the compose file` : fix,
      );
    });
  },
};
