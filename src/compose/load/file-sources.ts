import type { Locate } from '../checks.js';
import { type Diagnostic, SpecCode, specError } from '../diagnostics.js';
import type { ComposeFile } from '../schema/model.js';
import { kindAt } from './discover.js';

const KINDS = {
  secrets: { code: SpecCode.SecretFileMissing, noun: 'secret' },
  configs: { code: SpecCode.ConfigFileMissing, noun: 'config' },
} as const;

/**
 * The `file:` secrets and configs an active service uses whose host file does not exist: an error
 * at the `file:` entry, as `docker compose` refuses them, before anything is deployed (the engine
 * would refuse the bind mount mid-deploy). Definitions no active service uses are not checked.
 */
export async function fileSourceChecks(
  model: ComposeFile,
  active: ReadonlySet<string>,
  locate: Locate,
): Promise<Diagnostic[]> {
  const out: Diagnostic[] = [];
  for (const kind of ['secrets', 'configs'] as const) {
    for (const [key, def] of Object.entries(model[kind] ?? {})) {
      if (!def?.file || def.external) continue;
      const users = Object.entries(model.services ?? {})
        .filter(([name, s]) => active.has(name) && (s[kind] ?? []).some((ref) => ref.source === key))
        .map(([name]) => name);
      if (users.length === 0 || (await kindAt(def.file)) !== 'missing') continue;
      const { code, noun } = KINDS[kind];
      const { file, pos } = locate([kind, key, 'file']);
      out.push(
        specError(
          code,
          file,
          pos,
          `${kind}.${key}.file: ${def.file} does not exist (the ${noun} is used by ${users.join(', ')})`,
          `create the file, or fix the path (a relative path is read from the compose file's folder); Berth bind-mounts it read-only`,
        ),
      );
    }
  }
  return out;
}
