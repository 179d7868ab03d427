import { isAbsolute, resolve } from 'node:path';

/**
 * Compose resolves relative paths against the project directory (for included projects and
 * `extends` from another file: against that file's directory). Doing it once, on the raw document,
 * lets files from different folders be merged safely and gives absolute paths to the deploy engine.
 */

type Mapping = Record<string, unknown>;

const isMapping = (v: unknown): v is Mapping => v !== null && typeof v === 'object' && !Array.isArray(v);

/** Remote build contexts and absolute or home-relative paths stay as written. */
function isLocalRelative(path: string): boolean {
  if (path === '' || isAbsolute(path) || path.startsWith('~')) return false;
  return !/^[a-z][a-z0-9+.-]*:\/\//i.test(path) && !path.startsWith('git@') && !/^[A-Za-z]:[\\/]/.test(path);
}

const rebasePath = (dir: string, path: unknown): unknown =>
  typeof path === 'string' && isLocalRelative(path) ? resolve(dir, path) : path;

/** A short volume spec `./src:/dst:ro`: only a source starting with `.` is a relative bind path. */
function rebaseShortVolume(dir: string, spec: string): string {
  const colon = spec.indexOf(':');
  if (colon <= 0) return spec;
  const source = spec.slice(0, colon);
  if (!source.startsWith('.')) return spec;
  return `${resolve(dir, source)}${spec.slice(colon)}`;
}

function rebaseVolume(dir: string, volume: unknown): unknown {
  if (typeof volume === 'string') return rebaseShortVolume(dir, volume);
  if (isMapping(volume) && volume.type === 'bind')
    return { ...volume, source: rebasePath(dir, volume.source) };
  return volume;
}

function rebaseEnvFile(dir: string, entry: unknown): unknown {
  if (typeof entry === 'string') return rebasePath(dir, entry);
  if (isMapping(entry)) return { ...entry, path: rebasePath(dir, entry.path) };
  return entry;
}

function rebaseList(value: unknown, each: (v: unknown) => unknown): unknown {
  if (Array.isArray(value)) return value.map(each);
  return each(value);
}

export function rebaseService(dir: string, service: Mapping): Mapping {
  const out: Mapping = { ...service };
  if (typeof out.build === 'string') out.build = rebasePath(dir, out.build);
  else if (isMapping(out.build)) {
    const build: Mapping = { ...out.build };
    build.context = rebasePath(dir, build.context ?? '.');
    out.build = build;
  }
  if (out.env_file !== undefined) out.env_file = rebaseList(out.env_file, (e) => rebaseEnvFile(dir, e));
  if (out.label_file !== undefined) out.label_file = rebaseList(out.label_file, (e) => rebasePath(dir, e));
  if (Array.isArray(out.volumes)) out.volumes = out.volumes.map((v) => rebaseVolume(dir, v));
  if (isMapping(out.extends) && typeof out.extends.file === 'string') {
    out.extends = { ...out.extends, file: rebasePath(dir, out.extends.file) };
  }
  return out;
}

function rebaseFileEntries(dir: string, entries: unknown): unknown {
  if (!isMapping(entries)) return entries;
  const out: Mapping = {};
  for (const [name, entry] of Object.entries(entries)) {
    out[name] =
      isMapping(entry) && typeof entry.file === 'string'
        ? { ...entry, file: rebasePath(dir, entry.file) }
        : entry;
  }
  return out;
}

/** Returns a copy of a raw compose document with its relative paths made absolute against `dir`. */
export function rebaseCompose(dir: string, raw: Mapping): Mapping {
  const out: Mapping = { ...raw };
  if (isMapping(raw.services)) {
    const services: Mapping = {};
    for (const [name, service] of Object.entries(raw.services)) {
      services[name] = isMapping(service) ? rebaseService(dir, service) : service;
    }
    out.services = services;
  }
  if (raw.secrets !== undefined) out.secrets = rebaseFileEntries(dir, raw.secrets);
  if (raw.configs !== undefined) out.configs = rebaseFileEntries(dir, raw.configs);
  return out;
}
