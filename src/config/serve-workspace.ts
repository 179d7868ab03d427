import { statSync } from 'node:fs';
import type { Position } from '../compose/diagnostics.js';
import {
  type PathProbe,
  SERVE_CONFIG_CODE,
  type ServeConfigProblem,
  type SettingSource,
} from './serve-types.js';

/** The filesystem's answer (follows symbolic links, so a dangling one is missing). */
export const probePath: PathProbe = (path) => {
  try {
    statSync(path);
    return 'found';
  } catch (error: unknown) {
    const code = (error as NodeJS.ErrnoException).code ?? 'EIO';
    return code === 'ENOENT' || code === 'ENOTDIR' ? 'missing' : { error: code };
  }
};

export interface WorkspaceSetting {
  /** As given. */
  readonly value: string;
  /** Resolved against the current folder (flag, variable) or the config file's folder (file). */
  readonly path: string;
  readonly source: SettingSource;
}

export interface ConfigFileAt {
  readonly path: string;
  /** Where the `workspace:` value is in the file. */
  readonly at: Position;
}

/**
 * A workspace that is not there is refused at once, named as it was given (`--workspace`,
 * BERTH_WORKSPACE, or the file's `workspace:` at its line), rather than serving no stacks.
 */
export function workspaceProblem(
  setting: WorkspaceSetting,
  probe: PathProbe,
  file?: ConfigFileAt,
): ServeConfigProblem | undefined {
  const found = probe(setting.path);
  if (found === 'found') return undefined;
  const what =
    setting.source === 'flag'
      ? `--workspace ${setting.value}`
      : setting.source === 'env'
        ? `BERTH_WORKSPACE=${setting.value}`
        : `workspace: ${setting.value}`;
  const resolved = setting.path === setting.value ? '' : ` (${setting.path})`;
  const message =
    found === 'missing'
      ? `${what}: no such folder or file${resolved}`
      : `${what}: cannot be read (${found.error})${resolved}`;
  const relative =
    setting.source === 'file'
      ? "a relative path is relative to the config file's folder"
      : 'a relative path is relative to the current folder';
  const hint =
    found === 'missing'
      ? `give the folder of your stacks (with berth.yaml or stack folders) or a compose file; ${relative}`
      : 'check its permissions: the user running `berth serve` must be able to read it';
  const where = setting.source === 'file' && file ? { file: file.path, ...file.at } : { line: 0, column: 0 };
  return { code: SERVE_CONFIG_CODE, ...where, message, hint };
}
