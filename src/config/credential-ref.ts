import { resolve } from 'node:path';

/**
 * A credential named in the config file, resolved: `{ env: VAR }` becomes the variable's value (a
 * variable that is not set is a problem, named by `where`), `{ file: PATH }` the absolute path, read
 * where the credential is used (so a rotated file needs no restart). Pure. Shared by every section
 * that takes credentials (backup stores, alert channels).
 */
export function resolveCredential(
  ref: { readonly env: string } | { readonly file: string },
  where: string,
  context: {
    readonly fileDir: string;
    readonly env: Readonly<Record<string, string | undefined>>;
    readonly problems: Array<{ message: string; hint: string }>;
  },
): string | { file: string } {
  if ('file' in ref) return { file: resolve(context.fileDir, ref.file) };
  const value = context.env[ref.env];
  if (value === undefined || value === '') {
    context.problems.push({
      message: `${where} names the variable ${ref.env}, which is not set`,
      hint: `set ${ref.env} in the environment of berth`,
    });
  }
  return value ?? '';
}
