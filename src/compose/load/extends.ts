import { dirname } from 'node:path';
import { type Diagnostic, type Position, SpecCode, specError } from '../diagnostics.js';
import { mergeService } from '../merge/merge.js';
import { rebaseCompose } from './rebase.js';
import type { Path } from './yaml.js';

type Mapping = Record<string, unknown>;
const isMapping = (v: unknown): v is Mapping => v !== null && typeof v === 'object' && !Array.isArray(v);

/** What `extends` resolution needs from the loader: other files (already interpolated) and positions. */
export interface ExtendsHost {
  /** The raw services of another compose file, or undefined (with diagnostics reported by the host). */
  servicesOf(file: string): Promise<Record<string, unknown> | undefined>;
  locate(file: string, path: Path, at?: 'key' | 'value'): { file: string; pos: Position };
}

interface Target {
  file: string;
  service: string;
}

function targetOf(value: unknown, file: string): Target | undefined {
  if (typeof value === 'string') return { file, service: value };
  if (isMapping(value) && typeof value.service === 'string') {
    return { file: typeof value.file === 'string' ? value.file : file, service: value.service };
  }
  return undefined;
}

/**
 * Resolves `extends` in the services of one document: each service is merged onto the service it
 * extends (recursively, across files), following compose's merge rules. Cycles are errors.
 */
export async function resolveExtends(
  file: string,
  services: Record<string, unknown>,
  host: ExtendsHost,
): Promise<{ services: Record<string, unknown>; diagnostics: Diagnostic[] }> {
  const diagnostics: Diagnostic[] = [];
  const done = new Map<string, Mapping | undefined>();
  const rawFiles = new Map<string, Record<string, unknown> | undefined>([[file, services]]);

  const servicesIn = async (f: string) => {
    if (!rawFiles.has(f)) {
      const loaded = await host.servicesOf(f);
      const rebased = loaded ? rebaseCompose(dirname(f), { services: loaded }).services : undefined;
      rawFiles.set(f, isMapping(rebased) ? rebased : undefined);
    }
    return rawFiles.get(f);
  };

  const resolve = async (at: Target, chain: string[]): Promise<Mapping | undefined> => {
    const key = `${at.file}#${at.service}`;
    if (done.has(key)) return done.get(key);
    const own = (await servicesIn(at.file))?.[at.service];
    if (!isMapping(own)) return undefined;
    if (own.extends === undefined) {
      done.set(key, own);
      return own;
    }
    const where = host.locate(at.file, ['services', at.service, 'extends'], 'value');
    const report = (code: SpecCode, message: string, hint: string) =>
      diagnostics.push(specError(code, where.file, where.pos, message, hint));
    const target = targetOf(own.extends, at.file);
    const { extends: _, ...local } = own;
    if (!target) {
      done.set(key, local);
      return local;
    }
    const targetKey = `${target.file}#${target.service}`;
    if (chain.includes(targetKey)) {
      const names = [...chain.slice(chain.indexOf(targetKey)), targetKey].map((k) => k.split('#')[1]);
      report(
        SpecCode.ExtendsCycle,
        `\`extends\` loops: ${names.join(' → ')}`,
        'a service cannot extend itself, directly or through others; break the loop',
      );
      done.set(key, local);
      return local;
    }
    const base = await resolve(target, [...chain, targetKey]);
    if (!base) {
      const inOther = target.file === at.file ? '' : ` in ${target.file}`;
      report(
        SpecCode.ExtendsInvalid,
        `service \`${at.service}\` extends \`${target.service}\`, which is not defined${inOther}`,
        'name a service defined in that file (and `file:` when it lives in another file)',
      );
      done.set(key, local);
      return local;
    }
    const merged = mergeService(base, local);
    done.set(key, merged);
    return merged;
  };

  const out: Record<string, unknown> = {};
  for (const [name, service] of Object.entries(services)) {
    out[name] = isMapping(service)
      ? ((await resolve({ file, service: name }, [`${file}#${name}`])) ?? service)
      : service;
  }
  return { services: out, diagnostics };
}
