import { mapLimit } from '../load/discover.js';
import { nameClashes } from '../load/name-clash.js';
import { resolveWorkspace } from '../load/workspace.js';
import { type LoadOptions, loadStack } from '../stack.js';
import type { PathLoad } from './protocol.js';

/** Loads a thread keeps in flight at once, so one file's parse overlaps the next files' reads. */
export const READS_IN_FLIGHT = 16;

/**
 * What validatePaths keeps of one path's load: the files it read and what was found in them. The
 * same files and diagnostics as `loadWorkspace(path)`, without recording the load's inputs (what
 * only a file watcher needs, at the price of a hook on every promise while the load runs).
 */
export async function loadPath(path: string, options: LoadOptions): Promise<PathLoad> {
  const resolved = await resolveWorkspace(path);
  const diagnostics = [...resolved.diagnostics];
  const files: string[] = resolved.workspace?.catalog ? [resolved.workspace.catalog.file] : [];
  const refs = resolved.workspace?.stacks ?? [];
  const results = await mapLimit(refs, 8, (ref) => loadStack(ref, options));
  for (const result of results) {
    files.push(...result.files);
    diagnostics.push(...result.diagnostics);
  }
  const named = refs.map((ref, i) => ({ name: results[i]?.stack?.name ?? ref.name, ref }));
  diagnostics.push(...nameClashes(resolved.workspace?.root ?? path, named).diagnostics);
  return { files: [...new Set(files)], diagnostics };
}
