import type { Rule, Snapshot, StackFacts } from '../types.js';
import { eachService, type ImageRef, parseImage, serviceHit } from './helpers.js';
import { isFloatingTag, runningVersion } from './pin-version.js';

/**
 * The pin advice from what the running container says about its image, when live facts know it:
 * a version tag and digest of the service's own repository (as `berth audit --fix` pins), or why
 * there is none.
 */
function pinAdvice(
  snapshot: Snapshot,
  stack: StackFacts,
  service: string,
  image: ImageRef,
): string | undefined {
  const container = snapshot.live?.containers.find((c) => c.stack === stack.name && c.service === service);
  if (!container) return undefined;
  const { tag, digest } = runningVersion(image.name, container);
  if (tag || digest)
    return `pin: image: ${image.name}${tag ? `:${tag}` : ''}${digest ? `@${digest}` : ''} (what the running container uses)`;
  return `pin: the running image has no version tag or digest of ${image.name} to pin to (its tags: ${container.imageTags.join(', ') || 'none'}); tag a version of ${image.name}, or name a repository that has one`;
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
      const fix =
        pinAdvice(snapshot, stack, name, image) ??
        `pin: image: ${image.name}:<version> (find the running version's digest with \`docker buildx imagetools inspect ${shown}\`)`;
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
