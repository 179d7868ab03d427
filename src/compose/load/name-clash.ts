import { relative } from 'node:path';
import { type Diagnostic, SpecCode, specError, WHOLE_FILE } from '../diagnostics.js';
import type { StackRef } from './workspace.js';

/** A stack of a workspace under the name it deploys as (its compose `name:` when it loaded). */
export interface NamedRef {
  readonly name: string;
  readonly ref: StackRef;
}

export interface NameClashes {
  /** Names two or more stacks of the workspace share: Berth must act on none of them. */
  readonly names: ReadonlySet<string>;
  /** One error per stack involved, on its first compose file, naming every folder that shares it. */
  readonly diagnostics: Diagnostic[];
}

const clashPrefix = (name: string): string => `stack name \`${name}\` is ambiguous:`;

/**
 * Stacks of one workspace that deploy under the same project name (folders `rvo.dot/` and `rvodot/`
 * both normalise to `rvodot`, or two compose files set the same `name:`): one would deploy over the
 * other's containers and a later plan would remove them, so each is an error.
 */
export function nameClashes(root: string, stacks: readonly NamedRef[]): NameClashes {
  const byName = new Map<string, StackRef[]>();
  for (const { name, ref } of stacks) byName.set(name, [...(byName.get(name) ?? []), ref]);
  const names = new Set<string>();
  const diagnostics: Diagnostic[] = [];
  for (const [name, refs] of byName) {
    if (refs.length < 2) continue;
    names.add(name);
    const shown = refs.map((ref) => `${relative(root, ref.dir) || '.'}/`);
    const folders = `${shown.slice(0, -1).join(', ')} and ${shown.at(-1)}`;
    for (const ref of refs) {
      diagnostics.push(
        specError(
          SpecCode.StackNameClash,
          ref.files[0] ?? ref.dir,
          WHOLE_FILE,
          `${clashPrefix(name)} the stack folders ${folders} deploy as the same project \`${name}\`, so one would replace the other's containers`,
          'rename one of the folders, or give one a distinct top-level `name:` in its compose file (COMPOSE_PROJECT_NAME, when set, names every stack)',
        ),
      );
    }
  }
  return { names, diagnostics };
}

/** The errors that make `name` ambiguous in a workspace load's diagnostics (none if it is not). */
export function clashesOf(diagnostics: readonly Diagnostic[], name: string): Diagnostic[] {
  const prefix = clashPrefix(name);
  return diagnostics.filter((d) => d.code === SpecCode.StackNameClash && d.message.startsWith(prefix));
}
