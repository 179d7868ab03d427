import type { Locate } from './checks.js';
import { type Diagnostic, SpecCode, specError, specWarning } from './diagnostics.js';
import type { ComposeFile, FileRef } from './schema/model.js';

type Kind = 'secrets' | 'configs';
type Def = NonNullable<ComposeFile['secrets']>[string] | NonNullable<ComposeFile['configs']>[string];

/** Where a secret or config comes from when it is not a file Berth can mount. */
function otherSource(def: Def): string {
  if (def.external) return '`external:` (a Swarm object)';
  if (def.environment !== undefined) return '`environment:`';
  if ('content' in def && def.content !== undefined) return '`content:`';
  return 'no `file:`';
}

const inContainer = (kind: Kind, ref: FileRef): string => {
  const target = ref.target ?? ref.source;
  if (target.startsWith('/')) return target;
  return kind === 'secrets' ? `/run/secrets/${target}` : `/${target}`;
};

/**
 * What Berth cannot do with the secrets, configs and devices of the active services. Only `file:`
 * sources are mounted (read-only binds): any other source is an error, because the container would
 * start without a file it expects (a password, most often). `uid`, `gid` and `mode` cannot be set
 * on a bind mount, and CDI device names are not passed on: both are SPEC_NOT_APPLIED warnings.
 */
export function fileRefChecks(model: ComposeFile, active: ReadonlySet<string>, locate: Locate): Diagnostic[] {
  const out: Diagnostic[] = [];
  for (const [name, service] of Object.entries(model.services ?? {})) {
    if (!active.has(name)) continue;
    for (const kind of ['secrets', 'configs'] as const) {
      (service[kind] ?? []).forEach((ref, i) => {
        const path = ['services', name, kind, i];
        const def: Def | undefined = model[kind]?.[ref.source];
        const at = `services.${name}.${kind}[${i}]`;
        if (def && (def.external || !def.file)) {
          const { file, pos } = locate(path);
          out.push(
            specError(
              SpecCode.NotApplied,
              file,
              pos,
              `${at}: \`${ref.source}\` comes from ${otherSource(def)}, which Berth cannot mount: ${inContainer(kind, ref)} would be missing`,
              `give top-level \`${kind}.${ref.source}\` a \`file:\` (Berth bind-mounts it read-only), or deploy with \`docker compose\``,
            ),
          );
        }
        const given = { uid: ref.uid, gid: ref.gid, mode: 'mode' in ref ? ref.mode : undefined };
        for (const field of ['uid', 'gid', 'mode'] as const) {
          if (given[field] === undefined) continue;
          const { file, pos } = locate([...path, field], 'key');
          out.push(
            specWarning(
              SpecCode.NotApplied,
              file,
              pos,
              `${at}.${field} is valid compose but not applied by Berth: the file is a bind mount with the host file's owner and mode`,
              'set the owner and mode on the host file',
            ),
          );
        }
      });
    }
    (service.devices ?? []).forEach((device, i) => {
      if (device.source.startsWith('/') || !device.source.includes('=')) return;
      const { file, pos } = locate(['services', name, 'devices', i]);
      out.push(
        specWarning(
          SpecCode.NotApplied,
          file,
          pos,
          `services.${name}.devices[${i}]: CDI device \`${device.source}\` is not applied by Berth`,
          'give a host device path (/dev/...), or deploy with `docker compose`',
        ),
      );
    });
  }
  return out;
}
