import { chmodSync, mkdirSync, statSync } from 'node:fs';
import { StoreError } from '../store/index.js';

const octal = (mode: number): string => `0${(mode & 0o777).toString(8)}`;

/**
 * The state folder holds the database (users, token hashes, the audit log) and the one-time setup
 * token: it is created 0700, and an existing one open to other users (e.g. 0755) is tightened to
 * 0700. Returns the mode it had when it tightened it, so the caller can say so. A folder it cannot
 * tighten (another user's) is refused with the command that fixes it.
 */
export function secureStateDir(dir: string): { readonly tightenedFrom?: string } {
  try {
    mkdirSync(dir, { recursive: true, mode: 0o700 });
  } catch (error) {
    throw new StoreError(
      'STORE_IO',
      `cannot create the state folder ${dir}`,
      'check the path and permissions',
      {
        cause: error,
      },
    );
  }
  const stats = statSync(dir);
  if (!stats.isDirectory()) {
    throw new StoreError(
      'STORE_IO',
      `the state folder ${dir} is not a folder`,
      'give a folder as the state folder',
    );
  }
  if ((stats.mode & 0o077) === 0) return {};
  try {
    chmodSync(dir, 0o700);
  } catch (error) {
    throw new StoreError(
      'STORE_IO',
      `the state folder ${dir} is open to other users (mode ${octal(stats.mode)}) and cannot be tightened`,
      `as its owner, run \`chmod 700 ${dir}\`, or choose a state folder of this user`,
      { cause: error },
    );
  }
  return { tightenedFrom: octal(stats.mode) };
}
