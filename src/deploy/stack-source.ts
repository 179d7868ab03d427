import { existsSync } from 'node:fs';
import { resolve, sep } from 'node:path';
import { formatDiagnostic } from '../compose/diagnostics.js';
import { clashesOf } from '../compose/load/name-clash.js';
import { resolveWorkspace } from '../compose/load/workspace.js';
import { isPathLike } from '../compose/names.js';
import { type LoadedStack, loadWorkspace, type WorkspaceLoad } from '../compose/stack.js';
import type { XBerthRegistry } from '../compose/xberth/registry.js';
import { DeployError } from './errors.js';
import { normalTag } from './image-references.js';
import { serviceImages } from './naming.js';

export interface StackSourceOptions {
  readonly workspace: string;
  /** Variables for compose interpolation. */
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly registry: XBerthRegistry;
  /** Stacks may also be named by a path (a stack folder or compose file): the CLI, not the API. */
  readonly allowPaths: boolean;
}

/**
 * Why no stack of the workspace can be read, when its catalog itself (berth.yaml) does not load: the
 * errors at their file:line:col, as plan, up, config and the stack list say it. Undefined when the
 * workspace loaded (a broken stack of it is that stack's own error).
 */
export function workspaceUnreadable(
  result: Pick<WorkspaceLoad, 'workspace' | 'diagnostics'>,
  workspace: string,
): DeployError | undefined {
  if (result.workspace !== undefined) return undefined;
  const broken = result.diagnostics.filter((d) => d.severity === 'error');
  if (broken.length === 0) return undefined;
  return new DeployError(
    'DEPLOY_INVALID_STACK',
    `the workspace ${workspace} cannot be read, so no stack in it can be:\n${broken.map(formatDiagnostic).join('\n')}`,
    'fix the workspace file named above (run `berth validate` in the workspace); what runs is left as it is',
  );
}

/** Finds a stack in the workspace by name, or (with allowPaths) by path, and loads it. */
export class StackSource {
  constructor(private readonly options: StackSourceOptions) {}

  private pathOf(stack: string): string | undefined {
    if (!this.options.allowPaths || !isPathLike(stack)) return undefined;
    const asPath = resolve(this.options.workspace, stack);
    return existsSync(asPath) ? asPath : undefined;
  }

  /** A stack by name in the workspace, or (with allowPaths) by path. */
  async load(stack: string): Promise<LoadedStack> {
    const { workspace, env, registry, allowPaths } = this.options;
    const byPath = this.pathOf(stack);
    const result = await loadWorkspace(byPath ?? workspace, { env, registry });
    const found =
      byPath && result.stacks.length === 1 ? result.stacks[0] : result.stacks.find((s) => s.name === stack);
    const ref =
      byPath && result.workspace?.stacks.length === 1
        ? result.workspace.stacks[0]
        : result.workspace?.stacks.find((s) => s.name === stack);
    const clashes = byPath ? [] : clashesOf(result.diagnostics, stack);
    if (clashes.length > 0) {
      throw new DeployError(
        'DEPLOY_INVALID_STACK',
        `stack ${stack} is ambiguous in ${workspace}:\n${clashes.map(formatDiagnostic).join('\n')}`,
        'rename one of the stack folders, or give one a distinct `name:`; Berth acts on neither until then',
      );
    }
    if (!found && !ref) {
      // The workspace itself did not load (a broken berth.yaml): say so, not "no such stack".
      const unreadable = workspaceUnreadable(result, workspace);
      if (unreadable) throw unreadable;
    }
    if (!found && !ref) {
      const names = result.workspace?.stacks.map((s) => s.name).join(', ') || 'none';
      throw new DeployError(
        'DEPLOY_STACK_NOT_FOUND',
        `no stack ${stack} in ${workspace}`,
        `stacks here: ${names}; give a stack name${allowPaths ? ', a stack folder, or --workspace' : ''}`,
      );
    }
    // Only this stack's errors stop it: a broken neighbour in the workspace does not.
    const own = (file: string) =>
      ref === undefined ||
      ref.files.includes(file) ||
      file.startsWith(`${ref.dir}${sep}`) ||
      file === ref.dir;
    const errors = result.diagnostics.filter((d) => d.severity === 'error' && own(d.file));
    if (errors.length > 0 || !found) {
      const shown = (errors.length > 0 ? errors : result.diagnostics.filter((d) => d.severity === 'error'))
        .map(formatDiagnostic)
        .join('\n');
      throw new DeployError(
        'DEPLOY_INVALID_STACK',
        `the stack files are invalid:\n${shown}`,
        'run `berth validate` and fix the errors',
      );
    }
    return found;
  }

  /**
   * The image references the workspace's other stacks name in their compose files now, as the engine
   * tags them: image pruning keeps what another stack's next deploy runs. A stack whose files do not
   * load names nothing here.
   */
  async imagesNamedElsewhere(stack: string): Promise<Set<string>> {
    const { workspace, env, registry } = this.options;
    const result = await loadWorkspace(workspace, { env, registry, lenient: true });
    const named = new Set<string>();
    for (const other of result.stacks)
      if (other.name !== stack) for (const ref of serviceImages(other).values()) named.add(normalTag(ref));
    return named;
  }

  /**
   * The stack name for commands that act on what runs (down, ps, logs, exec): a path is read for
   * its project name; a name is taken as is, so a stack whose files are gone can still be removed.
   */
  async nameOf(stack: string): Promise<string> {
    const asPath = this.pathOf(stack);
    if (asPath === undefined) return stack;
    try {
      return (await this.load(stack)).name;
    } catch {
      // Files that no longer validate (a missing variable…) still name their stack by their folder.
      const found = await resolveWorkspace(asPath);
      const only = found.workspace?.stacks.length === 1 ? found.workspace.stacks[0] : undefined;
      return only?.name ?? stack;
    }
  }
}
