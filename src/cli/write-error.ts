import { dirname } from 'node:path';
import { CommandError } from './commands/remote.js';

/**
 * A file the user named (`-o`, `--write-baseline`) that could not be written, as a coded error: which
 * file, why in words, and what to do. `option` is the flag that named it. Pure.
 */
export function cannotWrite(error: unknown, file: string, what: string, option: string): CommandError {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  const fail = (why: string, hint: string) =>
    new CommandError('CANNOT_WRITE', `cannot write ${what} to ${file}: ${why}`, hint);
  switch (code) {
    case 'ENOENT':
      return fail(
        `the folder ${dirname(file)} does not exist`,
        `create the folder, or give ${option} a path in one that exists`,
      );
    case 'ENOTDIR':
      return fail('a part of its folder path is a file, not a folder', `give ${option} another path`);
    case 'EISDIR':
      return fail('it is a folder', `give ${option} the name of a file, not a folder`);
    case 'EACCES':
    case 'EPERM':
      return fail('permission denied', `give ${option} a path this user may write to`);
    case 'EROFS':
      return fail('the file system is read-only', `give ${option} a path on a writable file system`);
    case 'ENOSPC':
    case 'EDQUOT':
      return fail('no space left on the device', 'free some space, or write somewhere else');
    default:
      return fail(
        error instanceof Error ? error.message : String(error),
        `check the path given to ${option}`,
      );
  }
}
