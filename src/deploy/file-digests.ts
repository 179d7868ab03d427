import type { Service } from '../compose/schema/model.js';

/*
 * What the host files of `file:` secrets and configs hold, as SHA-256 digests (read by the shell,
 * `read-file-digests.ts`): a service's config hash covers the content of the files it mounts, so
 * editing one recreates the service. Never the content itself: a secret's content is never shown.
 */

/** SHA-256 (hex) of each `file:` secret's and config's host file, by its key in the compose file. */
export interface FileDigests {
  readonly secrets: Readonly<Record<string, string>>;
  readonly configs: Readonly<Record<string, string>>;
}

/**
 * The digests of the files one service mounts, keyed `secret <name>` / `config <name>` (how a plan
 * names them). Empty for a service that mounts none, whose config hash then stays as it was before
 * Berth hashed content.
 */
export function mountedFileDigests(
  service: Service,
  digests: FileDigests | undefined,
): Record<string, string> {
  const out: Record<string, string> = {};
  if (!digests) return out;
  for (const ref of service.secrets ?? []) {
    const digest = digests.secrets[ref.source];
    if (digest !== undefined) out[`secret ${ref.source}`] = digest;
  }
  for (const ref of service.configs ?? []) {
    const digest = digests.configs[ref.source];
    if (digest !== undefined) out[`config ${ref.source}`] = digest;
  }
  return out;
}

/**
 * Why a container must be recreated for the files it mounts: `secret db_pw content changed`. Both
 * sides are in the stored form (`protect`ed alike), so only names are ever shown. A record of an
 * older Berth holds no digests (`before` undefined): the content the container got is unknown.
 */
export function fileContentReasons(
  before: Readonly<Record<string, string>> | undefined,
  after: Readonly<Record<string, string>>,
): string[] {
  const names = Object.keys(after).sort();
  if (names.length === 0) return [];
  if (before === undefined)
    return names.map((name) => `${name} content not recorded by the deploy that created the container`);
  return names
    .filter((name) => before[name] !== undefined && before[name] !== after[name])
    .map((name) => `${name} content changed`);
}
