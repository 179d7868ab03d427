import { readFileSync } from 'node:fs';
import type { AlertSecret } from '../../config/alert-resolve.js';
import { AlertError } from '../errors.js';

/**
 * A credential's value: given (from the environment), or read from its file at each use, so a
 * rotated secret is picked up without a restart. The file's final line end is not part of it.
 */
export function reveal(secret: AlertSecret, what: string): string {
  if (typeof secret === 'string') return secret;
  try {
    return readFileSync(secret.file, 'utf8').replace(/\r?\n$/, '');
  } catch (error: unknown) {
    const code = (error as NodeJS.ErrnoException).code ?? 'EIO';
    throw new AlertError(
      'ALERT_SECRET_UNREADABLE',
      `cannot read the ${what} from ${secret.file} (${code})`,
      'check that the file exists and that the user running berth can read it',
    );
  }
}

/** Collects what `reveal` returned, for masking: the values a sender has used so far. */
export function revealer(): { reveal: typeof reveal; known: () => readonly string[] } {
  const seen = new Set<string>();
  return {
    reveal: (secret, what) => {
      const value = reveal(secret, what);
      if (value !== '') seen.add(value);
      return value;
    },
    known: () => [...seen],
  };
}
