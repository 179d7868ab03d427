import { type LoadOptions, loadWorkspace } from '../stack.js';
import type { PathLoad } from './protocol.js';

/** Loads a thread keeps in flight at once, so one file's parse overlaps the next files' reads. */
export const READS_IN_FLIGHT = 16;

/** What validatePaths keeps of one path's load: the files it read and what was found in them. */
export async function loadPath(path: string, options: LoadOptions): Promise<PathLoad> {
  const { files, diagnostics } = await loadWorkspace(path, options);
  return { files, diagnostics };
}
