import { formatLocation } from '../compose/diagnostics.js';
import type { LoadedStack } from '../compose/stack.js';

/**
 * Where a service's image is written: `file:line:col` of its `image:` key (of its `build:` key, or
 * the service, when it names no image), so an error about the image says where to fix it. Pure.
 */
export function imageLocation(loaded: Pick<LoadedStack, 'locate' | 'model'>, service: string): string {
  const written = loaded.model.services?.[service];
  const key = written?.image === undefined && written?.build !== undefined ? 'build' : 'image';
  const { file, pos } = loaded.locate(['services', service, key], 'key');
  return formatLocation({ file, line: pos.line, column: pos.column });
}

/** `a:3:5: ` for the services of a step (each image key once), or nothing when none is known. */
export function locationPrefix(where: readonly (string | undefined)[]): string {
  const known = [...new Set(where.filter((w): w is string => w !== undefined))];
  return known.length === 0 ? '' : `${known.join(', ')}: `;
}
