import { type LoadOptions, loadWorkspace } from '../spec/stack.js';
import { type ValidateOptions, type ValidationReport, validatePaths } from '../spec/validate.js';
import type { StackInfo } from './routes/stacks.js';

/**
 * `listStacks` for the app, read from the workspace on every call: the files are the truth and a
 * read takes tens of milliseconds. Stacks whose files do not load are listed as invalid, not hidden.
 */
export function workspaceStacks(root: string, options: LoadOptions): () => Promise<StackInfo[]> {
  return async () => {
    const result = await loadWorkspace(root, options);
    const loaded = new Map(result.stacks.map((s) => [s.ref.name, s]));
    return (result.workspace?.stacks ?? []).map((ref) => {
      const stack = loaded.get(ref.name);
      return {
        name: stack?.name ?? ref.name,
        group: ref.catalog?.group ?? null,
        owner: ref.catalog?.owner ?? null,
        description: ref.catalog?.description ?? null,
        environment: ref.catalog?.environment ?? null,
        valid: stack !== undefined,
        services: Object.keys(stack?.model.services ?? {}).sort(),
      };
    });
  };
}

/** `validate` for the app: `berth validate --json` on one path, with paths shown relative to the workspace. */
export function workspaceValidator(
  root: string,
  options: Omit<ValidateOptions, 'cwd'>,
): (path: string) => Promise<ValidationReport> {
  return (path) => validatePaths([path], { ...options, cwd: root });
}
